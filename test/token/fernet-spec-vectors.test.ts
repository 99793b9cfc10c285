// The Fernet spec's own vectors (shared/vectors/fernet): our envelope must be the spec, not merely self-consistent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { SHARED_DIR } from '../helpers/services.js';
import { InvalidFernetToken } from '../../src/token/errors.js';
import { Fernet } from '../../src/token/fernet.js';

interface Vector {
  desc?: string;
  token: string;
  now: string;
  iv?: number[];
  src?: string;
  ttl_sec?: number;
  secret: string;
}
const load = (name: string): Vector[] => JSON.parse(readFileSync(join(SHARED_DIR, 'vectors/fernet', name), 'utf8'));

t.test('encrypting with the spec vector key, time and IV yields exactly the spec token', async (t) => {
  const vectors = load('generate.json');
  t.ok(vectors.length > 0);
  for (const v of vectors) {
    const token = new Fernet([v.secret]).encrypt(Buffer.from(v.src!), { now: new Date(v.now), iv: Uint8Array.from(v.iv!) });
    t.equal(token, v.token);
  }
});

t.test('spec tokens decrypt to their message within their ttl', async (t) => {
  const vectors = load('verify.json');
  t.ok(vectors.length > 0);
  for (const v of vectors) {
    const plain = new Fernet([v.secret]).decrypt(v.token, { ttl: v.ttl_sec!, now: new Date(v.now) });
    t.equal(plain.toString('utf8'), v.src);
  }
});

t.test('every invalid spec token is refused with InvalidFernetToken', async (t) => {
  const vectors = load('invalid.json');
  t.equal(vectors.length, 8);
  for (const v of vectors) {
    t.throws(() => new Fernet([v.secret]).decrypt(v.token, { ttl: v.ttl_sec!, now: new Date(v.now) }), InvalidFernetToken, v.desc ?? 'invalid vector');
  }
});

t.test('the expired and far-future vectors are refused for time, not for their signature', async (t) => {
  const byDesc = new Map(load('invalid.json').map((v) => [v.desc, v]));
  const expired = byDesc.get('expired TTL')!;
  const future = byDesc.get('far-future TS (unacceptable clock skew)')!;
  const reason = (v: Vector) => {
    try {
      new Fernet([v.secret]).decrypt(v.token, { ttl: v.ttl_sec!, now: new Date(v.now) });
    } catch (err) {
      return (err as InvalidFernetToken).reason;
    }
    return 'accepted';
  };
  t.equal(reason(expired), 'expired');
  t.equal(reason(future), 'future');
  // Without a ttl (py-keystone never passes one) the same genuine tokens are accepted: expiry lives in the payload.
  t.type(new Fernet([expired.secret]).decrypt(expired.token, { now: new Date(expired.now) }), Buffer);
  t.type(new Fernet([future.secret]).decrypt(future.token, { now: new Date(future.now) }), Buffer);
});
