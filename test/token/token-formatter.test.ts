// What the token provider gets from TokenFormatter and ReceiptFormatter: unpadded token text, the Fernet timestamp
// as issuedAt, refusal of versions keystone-ts does not issue, and keys read per call.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { DEFAULT_AUTH_METHODS } from '../../src/config/schema.js';
import { InvalidFernetToken, PayloadNotIssuable } from '../../src/token/errors.js';
import { Fernet, generateFernetKey } from '../../src/token/fernet.js';
import { TokenFormatter, type IssuablePayload } from '../../src/token/formatter.js';
import { newAuditId } from '../../src/token/payload-fields.js';
import { ReceiptFormatter } from '../../src/token/receipts.js';

const uuid = () => randomUUID().replaceAll('-', '');
const expiresAt = new Date('2030-01-01T00:00:00Z');
const project: IssuablePayload = { version: 2, userId: uuid(), methods: ['password'], expiresAt, auditIds: [newAuditId()], projectId: uuid() };

function formatterWith(keys: () => Fernet, extra: { maxTokenSize?: number; logger?: { info(msg: string): void } } = {}) {
  return new TokenFormatter({ fernet: keys, methods: DEFAULT_AUTH_METHODS, defaultDomainId: 'default', ...extra });
}

t.test('issued tokens carry no base64 padding and read back with issuedAt from the Fernet timestamp', async (t) => {
  const fernet = new Fernet([generateFernetKey()]);
  const formatter = formatterWith(() => fernet);
  const now = new Date('2025-06-07T08:09:10.750Z');
  const token = formatter.create(project, now);
  t.notMatch(token, /=/);
  const { payload, issuedAt } = formatter.validate(token);
  t.same(payload, project);
  t.equal(issuedAt.toISOString(), '2025-06-07T08:09:10.000Z', 'whole seconds, the sub-second part dropped');
});

t.test('validation does not judge expiry: an expired token still decodes, for the provider to refuse', async (t) => {
  const fernet = new Fernet([generateFernetKey()]);
  const formatter = formatterWith(() => fernet);
  const expired = { ...project, expiresAt: new Date('2001-01-01T00:00:00Z') };
  t.equal(formatter.validate(formatter.create(expired)).payload.expiresAt.toISOString(), '2001-01-01T00:00:00.000Z');
});

t.test('federated, OAuth1 and OAuth2 payloads are refused at issue time with a clear error', async (t) => {
  const formatter = formatterWith(() => new Fernet([generateFernetKey()]));
  for (const version of [4, 5, 6, 7, 10]) {
    t.throws(() => formatter.create({ ...project, version } as unknown as IssuablePayload), new PayloadNotIssuable(version));
  }
});

t.test('a key change takes effect on the next token without rebuilding the formatter', async (t) => {
  const oldKey = generateFernetKey();
  let fernet = new Fernet([oldKey]);
  const formatter = formatterWith(() => fernet);
  const before = formatter.create(project);
  fernet = new Fernet([generateFernetKey(), oldKey]);
  t.ok(formatter.validate(before), 'old tokens still validate while the old key is listed');
  const after = formatter.create(project);
  fernet = new Fernet([oldKey]);
  t.throws(() => formatter.validate(after), InvalidFernetToken, 'new tokens were signed with the new primary');
});

t.test('a token longer than max_token_size is still issued, with an info log', async (t) => {
  const fernet = new Fernet([generateFernetKey()]);
  const logged: string[] = [];
  const formatter = formatterWith(() => fernet, { maxTokenSize: 100, logger: { info: (m) => void logged.push(m) } });
  const token = formatter.create(project);
  t.ok(token.length > 100);
  t.same(logged, [`Fernet token created with length of ${token.length} characters, which exceeds 100 characters`]);
});

t.test('a token string that is not Fernet is refused with InvalidFernetToken', async (t) => {
  const formatter = formatterWith(() => new Fernet([generateFernetKey()]));
  for (const bad of ['', 'abc', 'gAAAAA', '%%%%', uuid()]) t.throws(() => formatter.validate(bad), InvalidFernetToken, JSON.stringify(bad));
});

t.test('an MFA receipt reads back with its user, methods, expiry and issuedAt', async (t) => {
  const fernet = new Fernet([generateFernetKey()]);
  const receipts = new ReceiptFormatter({ fernet: () => fernet, methods: DEFAULT_AUTH_METHODS });
  const now = new Date('2025-06-07T08:09:10Z');
  const receipt = receipts.create({ userId: 'ldap-user', methods: ['password', 'token'], expiresAt }, now);
  t.notMatch(receipt, /=/);
  t.same(receipts.validate(receipt), { userId: 'ldap-user', methods: ['token', 'password'], expiresAt, issuedAt: now });
});

t.test('a token is not accepted as a receipt', async (t) => {
  const fernet = new Fernet([generateFernetKey()]);
  const token = formatterWith(() => fernet).create(project);
  const receipts = new ReceiptFormatter({ fernet: () => fernet, methods: DEFAULT_AUTH_METHODS });
  t.throws(() => receipts.validate(token), { name: 'InvalidTokenPayload' });
});
