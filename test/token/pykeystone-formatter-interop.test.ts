// Interop with py-keystone's own token and receipt formatters: tokens it issues read identically here, tokens we
// issue read identically there, and our msgpack is byte for byte the one py-keystone writes for the same payload.
import { createHash, randomUUID } from 'node:crypto';
import { decode } from '@msgpack/msgpack';
import t from 'tap';
import { DEFAULT_AUTH_METHODS } from '../../src/config/schema.js';
import { TokenFormatter, type IssuablePayload } from '../../src/token/formatter.js';
import { restorePadding, stripPadding } from '../../src/token/fernet.js';
import { loadKeySet } from '../../src/token/key-repository.js';
import { newAuditId } from '../../src/token/payload-fields.js';
import { PayloadCodec, type TokenPayload } from '../../src/token/payloads.js';
import { ReceiptFormatter } from '../../src/token/receipts.js';
import { pyKeystoneSandbox, type PyTokenSpec, type PyValidated } from './helpers/pykeystone-formatter.js';

const uuid = () => randomUUID().replaceAll('-', '');
/** Ids that are not uuids: LDAP and federated users get sha256 hex ids; group ids may be anything. */
const sha256Id = () => createHash('sha256').update(randomUUID()).digest('hex');
const expiresAt = new Date('2031-05-06T07:08:09Z');
const pyTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '.000000Z');

const PAYLOAD_CLASS: Record<number, string> = {
  0: 'UnscopedPayload',
  1: 'DomainScopedPayload',
  2: 'ProjectScopedPayload',
  3: 'TrustScopedPayload',
  4: 'FederatedUnscopedPayload',
  5: 'FederatedProjectScopedPayload',
  6: 'FederatedDomainScopedPayload',
  7: 'OauthScopedPayload',
  8: 'SystemScopedPayload',
  9: 'ApplicationCredentialScopedPayload',
};

/** One payload of each version 0-9, with a mix of uuid and non-uuid ids. */
function samples(): TokenPayload[] {
  const base = { methods: ['password'], expiresAt, auditIds: [newAuditId()] };
  const fed = { federatedGroupIds: [uuid(), 'admins-group'], identityProviderId: 'acme-idp', protocolId: 'openid' };
  return [
    { version: 0, userId: uuid(), ...base, methods: ['token', 'password'], auditIds: [newAuditId(), newAuditId()] },
    { version: 1, userId: sha256Id(), ...base, domainId: uuid() },
    { version: 1, userId: uuid(), ...base, domainId: 'default' },
    { version: 2, userId: uuid(), ...base, projectId: uuid(), methods: ['application_credential', 'external'] },
    { version: 2, userId: 'not-a-uuid-user', ...base, projectId: 'admin-project-name-like-id' },
    { version: 3, userId: uuid(), ...base, projectId: uuid(), trustId: uuid() },
    { version: 4, userId: sha256Id(), ...base, methods: ['mapped'], ...fed },
    { version: 5, userId: sha256Id(), ...base, methods: ['mapped'], projectId: uuid(), ...fed },
    { version: 6, userId: sha256Id(), ...base, methods: ['mapped'], domainId: uuid(), ...fed, identityProviderId: uuid() },
    { version: 7, userId: uuid(), ...base, methods: ['oauth1'], projectId: uuid(), accessTokenId: uuid() },
    { version: 8, userId: uuid(), ...base, system: 'all' },
    { version: 9, userId: uuid(), ...base, methods: ['application_credential'], projectId: uuid(), applicationCredentialId: uuid() },
  ];
}

function pySpec(p: TokenPayload): PyTokenSpec {
  const spec: PyTokenSpec = {
    payload_class: PAYLOAD_CLASS[p.version]!,
    user_id: p.userId,
    expires_at: pyTime(p.expiresAt),
    audit_ids: [...p.auditIds],
    methods: [...p.methods],
  };
  if ('domainId' in p) spec.domain_id = p.domainId;
  if ('projectId' in p) spec.project_id = p.projectId;
  if ('trustId' in p) spec.trust_id = p.trustId;
  if ('system' in p) spec.system = p.system;
  if ('accessTokenId' in p) spec.access_token_id = p.accessTokenId;
  if ('applicationCredentialId' in p) spec.app_cred_id = p.applicationCredentialId;
  if ('federatedGroupIds' in p) {
    spec.federated_group_ids = p.federatedGroupIds.map((id) => ({ id }));
    spec.identity_provider_id = p.identityProviderId;
    spec.protocol_id = p.protocolId;
  }
  return spec;
}

/** Our decoded token in the shape of py-keystone's validate_token tuple. */
function asPy(p: TokenPayload, issuedAt: Date): PyValidated {
  const fed = 'federatedGroupIds' in p;
  return {
    user_id: p.userId,
    methods: [...p.methods],
    audit_ids: [...p.auditIds],
    system: 'system' in p ? p.system : null,
    domain_id: 'domainId' in p ? p.domainId : null,
    project_id: 'projectId' in p ? p.projectId : null,
    trust_id: 'trustId' in p ? p.trustId : null,
    federated_group_ids: fed ? p.federatedGroupIds.map((id) => ({ id })) : null,
    identity_provider_id: fed ? p.identityProviderId : null,
    protocol_id: fed ? p.protocolId : null,
    access_token_id: 'accessTokenId' in p ? p.accessTokenId : null,
    app_cred_id: 'applicationCredentialId' in p ? p.applicationCredentialId : null,
    issued_at: pyTime(issuedAt),
    expires_at: pyTime(p.expiresAt),
  };
}

function ours(tokenKeys: string, methods: readonly string[] = DEFAULT_AUTH_METHODS, defaultDomainId = 'default') {
  const keys = loadKeySet(tokenKeys);
  const options = { fernet: () => keys.fernet, methods, defaultDomainId };
  return { keys, formatter: new TokenFormatter(options), codec: new PayloadCodec(options) };
}

t.test('tokens py-keystone issues (versions 0-9) read here exactly as py-keystone reads them', async (t) => {
  const py = pyKeystoneSandbox(t);
  const { keys, formatter, codec } = ours(py.tokenKeys);
  const { created, createdValidated: validated } = py.run({ create: samples().map(pySpec) });
  t.equal(created.length, 12);
  created.forEach((token, i) => {
    t.notMatch(token, /=/, 'py-keystone strips the padding');
    const { payload, issuedAt } = formatter.validate(token);
    t.same(asPy(payload, issuedAt), validated[i], `version ${payload.version} sample ${i}`);
    const plaintext = keys.fernet.decrypt(restorePadding(token));
    t.same(Buffer.from(codec.encode(payload)), plaintext, `version ${payload.version}: our msgpack equals py-keystone's`);
  });
});

t.test('tokens we issue (versions 0, 1, 2, 3, 8, 9) read in py-keystone with the same fields', async (t) => {
  const py = pyKeystoneSandbox(t);
  const { formatter } = ours(py.tokenKeys);
  const issuable = samples().filter((p): p is IssuablePayload => [0, 1, 2, 3, 8, 9].includes(p.version));
  t.equal(issuable.length, 8);
  const now = new Date('2024-02-03T04:05:06Z');
  const tokens = issuable.map((p) => formatter.create(p, now));
  const validated = py.run({ validate: tokens }).validated;
  issuable.forEach((p, i) => t.same(validated[i], asPy(p, now), `version ${p.version}`));
});

t.test('federated and OAuth1 payloads (versions 4-7) we encode read in py-keystone with the same fields', async (t) => {
  const py = pyKeystoneSandbox(t);
  const { keys, codec } = ours(py.tokenKeys);
  const others = samples().filter((p) => p.version >= 4 && p.version <= 7);
  t.equal(others.length, 4);
  const now = new Date('2024-02-03T04:05:06Z');
  const tokens = others.map((p) => stripPadding(keys.fernet.encrypt(codec.encode(p), { now })));
  const validated = py.run({ validate: tokens }).validated;
  others.forEach((p, i) => t.same(validated[i], asPy(p, now), `version ${p.version}`));
});

t.test('a version 10 (OAuth2 mTLS) payload has the 2023.1 layout in both directions', async (t) => {
  const py = pyKeystoneSandbox(t);
  const { keys, formatter, codec } = ours(py.tokenKeys);
  const user = uuid();
  const project = uuid();
  const audit = newAuditId();
  const thumbprint = 'Vb8r1N5Hj0OQlX3aVFh0Rp1IVrVc3nP9hLoKDmR-abc';
  // Layout written out from py-keystone 2023.1's Oauth2CredentialsScopedPayload.assemble.
  const layout = [
    10,
    [true, { hex: user }],
    32, // application_credential: the sixth of the default [auth] methods
    [true, { hex: project }],
    [false, null],
    expiresAt.getTime() / 1000,
    [{ hex: Buffer.from(audit, 'base64url').toString('hex') }],
    [false, thumbprint],
  ];
  const ourToken = stripPadding(
    keys.fernet.encrypt(
      codec.encode({
        version: 10,
        userId: user,
        methods: ['application_credential'],
        projectId: project,
        domainId: null,
        expiresAt,
        auditIds: [audit],
        thumbprint,
      }),
    ),
  );
  t.same(py.run({ unpackRaw: [ourToken] }).unpacked[0], layout, 'py-keystone unpacks our version 10 to the 2023.1 layout');

  // And python's msgpack, packing that layout with the expiry as a Python float, makes a token we read.
  const pythonLayout = layout.map((field, i) => (i === 5 ? { float: field } : field));
  const pythonBuilt = py.run({ packRaw: [pythonLayout] }).encrypted[0]!;
  t.same(keys.fernet.decrypt(restorePadding(pythonBuilt)), Buffer.from(codec.encode(formatter.validate(ourToken).payload)), 'byte-identical msgpack');
  const { payload } = formatter.validate(pythonBuilt);
  t.same(payload, {
    version: 10,
    userId: user,
    methods: ['application_credential'],
    expiresAt,
    auditIds: [audit],
    projectId: project,
    domainId: null,
    thumbprint,
  });
});

t.test('method bits follow the configured [auth] methods order and include the ec2/oauth2 pseudo methods', async (t) => {
  const methods = ['password', 'token', 'totp', 'application_credential', 'external'];
  const py = pyKeystoneSandbox(t, { methods, defaultDomainId: 'my-default' });
  const { formatter, keys } = ours(py.tokenKeys, methods, 'my-default');
  const specs: TokenPayload[] = [
    { version: 2, userId: uuid(), methods: ['password', 'totp'], expiresAt, auditIds: [newAuditId()], projectId: uuid() },
    { version: 2, userId: uuid(), methods: ['ec2credential'], expiresAt, auditIds: [newAuditId()], projectId: uuid() },
    { version: 2, userId: uuid(), methods: ['oauth2_credential', 'external'], expiresAt, auditIds: [newAuditId()], projectId: uuid() },
    { version: 1, userId: uuid(), methods: ['token'], expiresAt, auditIds: [newAuditId()], domainId: 'my-default' },
  ];
  const result = py.run({ create: specs.map(pySpec) });
  const validated = result.createdValidated;
  result.created.forEach((token, i) => {
    const { payload, issuedAt } = formatter.validate(token);
    t.same(asPy(payload, issuedAt), validated[i]);
  });
  t.same(formatter.validate(result.created[0]!).payload.methods, ['totp', 'password'], 'highest bit first, as py-keystone lists them');
  const fields = decode(keys.fernet.decrypt(restorePadding(result.created[0]!))) as unknown[];
  t.equal(fields[2], 0b101, 'password is bit 0 and totp bit 2 under this configuration');
  t.same(formatter.validate(result.created[1]!).payload.methods, ['ec2credential']);
});

t.test('ids py-keystone normalises (dashed or upper-case uuids) come back as plain hex on both sides', async (t) => {
  const py = pyKeystoneSandbox(t);
  const { formatter } = ours(py.tokenKeys);
  const dashed = randomUUID();
  const upper = uuid().toUpperCase();
  const payload: IssuablePayload = { version: 2, userId: dashed, methods: ['password'], expiresAt, auditIds: [newAuditId()], projectId: upper };
  const [py1] = py.run({ validate: [formatter.create(payload)] }).validated as PyValidated[];
  const ourRead = formatter.validate(formatter.create(payload)).payload;
  t.equal(py1!.user_id, dashed.replaceAll('-', ''));
  t.equal(py1!.project_id, upper.toLowerCase());
  t.equal(ourRead.userId, py1!.user_id);
  t.equal((ourRead as { projectId: string }).projectId, py1!.project_id);
});

t.test('sub-second expiries are cut to the second on validation, as py-keystone cuts them', async (t) => {
  const py = pyKeystoneSandbox(t);
  const { formatter } = ours(py.tokenKeys);
  const spec = { ...pySpec(samples()[3]!), expires_at: '2031-05-06T07:08:09.987654Z' };
  const { created: [token], createdValidated: [pyRead] } = py.run({ create: [spec] });
  t.equal((pyRead as PyValidated).expires_at, '2031-05-06T07:08:09.000000Z');
  t.equal(formatter.validate(token!).payload.expiresAt.toISOString(), '2031-05-06T07:08:09.000Z');
});

t.test('a token signed with keys outside the token repository is refused by both implementations', async (t) => {
  const py = pyKeystoneSandbox(t);
  const { formatter } = ours(py.tokenKeys);
  // The receipt repository holds a different key set: a stand-in for another deployment's keys.
  const stranger = ours(py.receiptKeys).formatter;
  const token = stranger.create({ version: 0, userId: uuid(), methods: ['password'], expiresAt, auditIds: [newAuditId()] });
  const [pyRead] = py.run({ validate: [token] }).validated;
  t.match(pyRead, { error: /ValidationError: Could not recognize Fernet token/ });
  t.throws(() => formatter.validate(token), { name: 'InvalidFernetToken' });
});

t.test('MFA receipts are read by py-keystone and py-keystone\'s receipts are read here', async (t) => {
  const py = pyKeystoneSandbox(t);
  const keys = loadKeySet(py.receiptKeys);
  const receipts = new ReceiptFormatter({ fernet: () => keys.fernet, methods: DEFAULT_AUTH_METHODS });
  const user = uuid();
  const now = new Date('2024-02-03T04:05:06Z');
  const ourReceipt = receipts.create({ userId: user, methods: ['password'], expiresAt }, now);
  const result = py.run({
    validateReceipts: [ourReceipt],
    createReceipts: [{ user_id: 'ldap-user-1', methods: ['password', 'token'], expires_at: pyTime(expiresAt) }],
  });
  t.same(result.validatedReceipts[0], { user_id: user, methods: ['password'], issued_at: pyTime(now), expires_at: pyTime(expiresAt) });
  const theirs = receipts.validate(result.createdReceipts[0]!);
  t.same({ userId: theirs.userId, methods: theirs.methods, expiresAt: theirs.expiresAt }, { userId: 'ldap-user-1', methods: ['token', 'password'], expiresAt });
  t.ok(Math.abs(theirs.issuedAt.getTime() - Date.now()) < 120_000, 'issuedAt is the Fernet timestamp py-keystone wrote');
});
