// Payload codec rules that py-keystone interop tests cannot reach: refusals, legacy msgpack, exact framing.
import { encode } from '@msgpack/msgpack';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { DEFAULT_AUTH_METHODS } from '../../src/config/schema.js';
import { InvalidTokenPayload, UnsupportedPayloadVersion } from '../../src/token/errors.js';
import { newAuditId } from '../../src/token/payload-fields.js';
import { PayloadCodec, type TokenPayload } from '../../src/token/payloads.js';

const codec = new PayloadCodec({ methods: DEFAULT_AUTH_METHODS, defaultDomainId: 'default' });
const uuid = () => randomUUID().replaceAll('-', '');
const base = { userId: uuid(), methods: ['password'], expiresAt: new Date('2030-01-01T00:00:00Z'), auditIds: [newAuditId()] };

t.test('every payload version 0-10 decodes to what was encoded', async (t) => {
  const fed = { federatedGroupIds: [uuid(), 'g'], identityProviderId: 'idp', protocolId: 'saml2' };
  const payloads: TokenPayload[] = [
    { version: 0, ...base },
    { version: 1, ...base, domainId: uuid() },
    { version: 2, ...base, projectId: uuid() },
    { version: 3, ...base, projectId: uuid(), trustId: uuid() },
    { version: 4, ...base, ...fed },
    { version: 5, ...base, projectId: uuid(), ...fed },
    { version: 6, ...base, domainId: 'default', ...fed },
    { version: 7, ...base, projectId: uuid(), accessTokenId: 'oauth1-access' },
    { version: 8, ...base, system: 'all' },
    { version: 9, ...base, projectId: uuid(), applicationCredentialId: uuid() },
    { version: 10, ...base, projectId: null, domainId: uuid(), thumbprint: null },
  ];
  for (const p of payloads) t.same(codec.decode(codec.encode(p)), p, `version ${p.version}`);
});

t.test('expires_at is packed as a msgpack float64 even on a whole second, as Python packs floats', async (t) => {
  const bytes = codec.encode({ version: 0, ...base });
  const at = bytes.indexOf(0xcb);
  t.ok(at > 0);
  t.equal(Buffer.from(bytes).readDoubleBE(at + 1), base.expiresAt.getTime() / 1000);
});

t.test('a domain-scoped payload takes a uuid or the default domain id, nothing else', async (t) => {
  t.throws(() => codec.encode({ version: 1, ...base, domainId: 'some-domain' }), InvalidTokenPayload);
  const withDefault = codec.encode({ version: 1, ...base, domainId: 'default' });
  const other = new PayloadCodec({ methods: DEFAULT_AUTH_METHODS, defaultDomainId: 'elsewhere' });
  t.throws(() => other.decode(withDefault), InvalidTokenPayload, 'a reader with another default domain refuses it');
});

t.test('a trust-scoped payload needs a uuid trust id', async (t) => {
  t.throws(() => codec.encode({ version: 3, ...base, projectId: uuid(), trustId: 'not-a-uuid' }), InvalidTokenPayload);
});

t.test('methods missing from [auth] methods are dropped, as py-keystone drops them', async (t) => {
  const p = codec.decode(codec.encode({ version: 0, ...base, methods: ['password', 'totp'] }));
  t.same(p.methods, ['password']);
});

t.test('an unknown payload version is refused as such', async (t) => {
  t.throws(() => codec.decode(encode([11, [false, 'u'], 2, 1.5, []])), new UnsupportedPayloadVersion(11));
  t.throws(() => codec.decode(encode(['2', [false, 'u'], 2, 1.5, []])), UnsupportedPayloadVersion);
});

t.test('malformed payloads are refused, not half-read', async (t) => {
  t.throws(() => codec.decode(Uint8Array.of(0xc1)), InvalidTokenPayload, 'not msgpack');
  t.throws(() => codec.decode(encode({ version: 0 })), InvalidTokenPayload, 'not an array');
  t.throws(() => codec.decode(encode([0, [false, 'u'], 2, 1.5])), InvalidTokenPayload, 'too few fields');
  t.throws(() => codec.decode(encode([0, [true, 'short'], 2, 1.5, []])), InvalidTokenPayload, 'uuid flag without 16 bytes');
  t.throws(() => codec.decode(encode([0, [false, 'u'], -1, 1.5, []])), InvalidTokenPayload, 'negative methods');
  t.throws(() => codec.decode(encode([0, [false, 'u'], 2, 'soon', []])), InvalidTokenPayload, 'expiry not a number');
  t.throws(() => codec.decode(encode([0, [false, 'u'], 2, 1.5, [7]])), InvalidTokenPayload, 'audit id not bytes');
});

t.test('tokens written by msgpack < 1.0 (uuid bytes in str fields) still decode, as py-keystone\'s raw fallback reads them', async (t) => {
  const user = uuid();
  const project = uuid();
  const audit = newAuditId();
  // msgpack-python < 1.0 packed bytes with the str family (0xa0 | length): not valid UTF-8.
  const rawStr = (bytes: Buffer) => Buffer.concat([Uint8Array.of(0xa0 | bytes.length), bytes]);
  const legacy = Buffer.concat([
    Uint8Array.of(0x96, 0x02, 0x92, 0xc3),
    rawStr(Buffer.from(user, 'hex')),
    Uint8Array.of(0x02, 0x92, 0xc3),
    rawStr(Buffer.from(project, 'hex')),
    Uint8Array.of(0xcb),
    (() => {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(1893456000);
      return b;
    })(),
    Uint8Array.of(0x91),
    rawStr(Buffer.from(audit, 'base64url')),
  ]);
  t.same(codec.decode(legacy), { version: 2, userId: user, methods: ['password'], expiresAt: new Date(1893456000_000), auditIds: [audit], projectId: project });
});

t.test('audit ids are the 22-character unpadded base64url of 16 random bytes', async (t) => {
  const ids = new Set(Array.from({ length: 50 }, newAuditId));
  t.equal(ids.size, 50);
  for (const id of ids) {
    t.match(id, /^[A-Za-z0-9_-]{22}$/);
    t.equal(Buffer.from(id, 'base64url').length, 16);
  }
});
