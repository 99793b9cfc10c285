// Our Fernet and the `fernet` npm package (crypto-js) read each other's tokens: two independent implementations
// of the spec agreeing, on random IVs and real clocks rather than fixed vectors.
import t from 'tap';
import fernetPkg from 'fernet';
import { Fernet, fernetTimestamp, generateFernetKey, restorePadding, stripPadding } from '../../src/token/fernet.js';
import { InvalidFernetToken } from '../../src/token/errors.js';

const key = generateFernetKey();
const message = 'project-scoped token payload ✓ with some non-ASCII text';

t.test('a token we create is decrypted by the fernet package to the same text', async (t) => {
  const token = new Fernet([key]).encrypt(Buffer.from(message));
  const decoded = new fernetPkg.Token({ secret: new fernetPkg.Secret(key), token, ttl: 0 }).decode();
  t.equal(decoded, message);
});

t.test('a token the fernet package creates is decrypted by us, with its timestamp as issuedAt', async (t) => {
  const time = '2024-03-01T12:34:56Z';
  const token = new fernetPkg.Token({ secret: new fernetPkg.Secret(key), time }).encode(message);
  const { plaintext, issuedAt } = new Fernet([key]).decryptWithTimestamp(token);
  t.equal(plaintext.toString('utf8'), message);
  t.equal(issuedAt.toISOString(), '2024-03-01T12:34:56.000Z');
  t.equal(fernetTimestamp(stripPadding(token)).toISOString(), '2024-03-01T12:34:56.000Z');
});

t.test('binary payloads encrypted by the fernet package come back byte for byte', async (t) => {
  const bytes = Buffer.from([0x96, 0x02, 0x92, 0xc3, 0xc4, 0x10, 0xff, 0x00, 0x80, 0xfe, 0xcb, 0x41, 0xd9]);
  const token = new fernetPkg.Token({ secret: new fernetPkg.Secret(key) }).encode(fernetPkg.Hex.parse(bytes.toString('hex')));
  t.same(new Fernet([key]).decrypt(token), bytes);
});

t.test('a token made with a retired key still decrypts while that key is in the list, and not after', async (t) => {
  const old = generateFernetKey();
  const token = new fernetPkg.Token({ secret: new fernetPkg.Secret(old) }).encode(message);
  t.equal(new Fernet([key, old]).decrypt(token).toString(), message);
  t.throws(() => new Fernet([key]).decrypt(token), InvalidFernetToken);
});

t.test('our tokens are signed with the first key of the list', async (t) => {
  const other = generateFernetKey();
  const token = new Fernet([other, key]).encrypt(Buffer.from(message));
  t.equal(new fernetPkg.Token({ secret: new fernetPkg.Secret(other), token, ttl: 0 }).decode(), message);
  t.throws(() => new fernetPkg.Token({ secret: new fernetPkg.Secret(key), token, ttl: 0 }).decode(), /HMAC/);
});

t.test('a token with its padding stripped, as py-keystone hands them out, decrypts after restorePadding', async (t) => {
  const fernet = new Fernet([key]);
  for (const length of [0, 1, 2, 15, 16, 17, 100]) {
    const padded = fernet.encrypt(Buffer.alloc(length, 7));
    const stripped = stripPadding(padded);
    t.notMatch(stripped, /=/);
    t.equal(restorePadding(stripped), padded);
    t.equal(fernet.decrypt(restorePadding(stripped)).length, length);
  }
});

t.test('a tampered token is refused', async (t) => {
  const fernet = new Fernet([key]);
  const token = fernet.encrypt(Buffer.from(message));
  const bytes = Buffer.from(token, 'base64url');
  bytes[30] = bytes[30]! ^ 1;
  const tampered = bytes.toString('base64url') + '='.repeat((4 - (bytes.toString('base64url').length % 4)) % 4);
  t.throws(() => fernet.decrypt(tampered), new InvalidFernetToken('signature'));
});
