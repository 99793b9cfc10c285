// The OPA sidecar engine against an in-process server speaking OPA's Data API (helpers/fake-opa.ts): the
// request keystone-ts sends, how {allow, violation} becomes a decision, and failing closed (503) whenever OPA
// is down, slow or answers anything but a decision.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { configSchema } from '../../src/config/schema.js';
import { buildPolicyCredentials } from '../../src/policy/credentials.js';
import { PolicyCounters, type PolicyDecision } from '../../src/policy/decision-log.js';
import { PolicyDenied } from '../../src/policy/denied.js';
import { createPolicyEngine } from '../../src/policy/engine.js';
import { OpaHttpPolicyEngine, type OpaHttpOptions } from '../../src/policy/opa-http.js';
import { captureLog, type CapturedLog } from './helpers/log-capture.js';
import { FakeOpa } from './helpers/fake-opa.js';
import { IDS, PERSONAS } from './helpers/matrix.js';

const config = configSchema.parse({});
const creds = (persona: string) => buildPolicyCredentials(PERSONAS.find(([name]) => name === persona)![1], config);
const getUser = { user_id: IDS.user, target: { user: { id: IDS.user, domain_id: IDS.domain, name: 'alice' } } };

/** keystone-ng's identity.user.show, in JavaScript: admin, or reader in the user's domain. */
function userShow(input: any) {
  const roles: string[] = input.credentials.roles;
  const sameDomain = input.target.user?.domain_id === input.credentials.domain_id;
  const allow = roles.includes('admin') || (roles.includes('reader') && sameDomain);
  return { allow, violation: allow ? [] : [{ field: 'domain_id', msg: 'reading a user requires a reader role with the domain scope.' }] };
}

async function setup(t: Tap, options: Partial<OpaHttpOptions> = {}): Promise<{ opa: FakeOpa; engine: OpaHttpPolicyEngine; log: CapturedLog; decisions: PolicyDecision[] }> {
  const opa = new FakeOpa();
  opa.policies.set('identity/user/show', userShow);
  const url = await opa.listen();
  const log = captureLog('debug');
  const decisions: PolicyDecision[] = [];
  const engine = new OpaHttpPolicyEngine({ url, timeoutMs: 300, logger: log.logger, onDecision: (d) => decisions.push(d), ...options });
  t.teardown(async () => {
    await engine.close();
    await opa.close();
  });
  return { opa, engine, log, decisions };
}

type Tap = { teardown(fn: () => Promise<void> | void): void };

t.test('a decision is POST /v1/data/<path> with input {credentials, target, existing}', async (t) => {
  const { opa, engine } = await setup(t);
  await engine.enforce('identity:get_user', creds('domain reader'), getUser);
  const [req] = opa.requests;
  t.equal(req!.method, 'POST');
  t.equal(req!.url, '/v1/data/identity/user/show');
  t.equal(req!.contentType, 'application/json');
  t.strictSame(Object.keys(req!.body), ['input']);
  t.strictSame(Object.keys(req!.body.input).sort(), ['credentials', 'existing', 'target']);
  t.match(req!.body.input.credentials, {
    user_id: IDS.user,
    domain_id: IDS.domain,
    roles: ['reader'],
    system: null,
    is_admin: false,
    is_delegated: false,
    auth_type: 'password',
  });
  t.strictSame(req!.body.input.target, { user_id: IDS.user, user: getUser.target.user }, 'the target object is lifted to the top');
  t.equal(req!.body.input.existing, null);
});

t.test('existing (the stored object of an update) is passed through', async (t) => {
  const { opa, engine } = await setup(t);
  opa.policies.set('identity/user/update', () => ({ allow: true }));
  await engine.enforce('identity:update_user', creds('system admin'), { target: { user: { name: 'new' } } }, { user: { name: 'old' } });
  t.strictSame(opa.requests[0]!.body.input.existing, { user: { name: 'old' } });
  t.equal(opa.requests[0]!.body.input.credentials.system, 'all');
});

t.test('allow: true resolves; allow: false is a 403 naming the rule and the violations', async (t) => {
  const { engine } = await setup(t);
  await t.resolves(engine.enforce('identity:get_user', creds('domain admin'), getUser));
  const denied = await engine.enforce('identity:get_user', creds('other-domain project member'), getUser).catch((e: unknown) => e);
  t.type(denied, PolicyDenied);
  t.match(denied, {
    code: 403,
    rule: 'identity:get_user',
    message:
      'You are not authorized to perform the requested action: identity:get_user. reading a user requires a reader role with the domain scope.',
    violations: [{ field: 'domain_id', msg: 'reading a user requires a reader role with the domain scope.' }],
  });
});

t.test('a path where OPA holds no document denies (403) and warns', async (t) => {
  const { engine, log } = await setup(t);
  await t.rejects(engine.enforce('identity:list_users', creds('system admin'), {}), { code: 403 });
  t.match(log.find('no decision at this path')[0], { rule: 'identity:list_users', path: 'identity/user/list' });
});

t.test('OPA errors (500, 404), a body that is not JSON and a result without "allow" fail closed with 503', async (t) => {
  const { opa, engine, log } = await setup(t);
  const cases: Array<[string, object]> = [
    ['identity/user/list', { status: 500 }],
    ['identity/group/list', { status: 404 }],
    ['identity/role/list', { rawBody: '<html>proxy error</html>' }],
  ];
  for (const [path, behaviour] of cases) opa.behaviours.set(path, behaviour);
  opa.policies.set('identity/region/list', () => ({ permitted: true }));
  for (const rule of ['identity:list_users', 'identity:list_groups', 'identity:list_roles', 'identity:list_regions']) {
    await t.rejects(engine.enforce(rule, creds('system admin'), {}), { code: 503, title: 'Service Unavailable' }, rule);
  }
  const errors = log.find('OPA unavailable').map((l) => l.err);
  t.match(errors, [/HTTP 500/, /HTTP 404/, /not JSON/, /no boolean "allow"/]);
});

t.test('a slow OPA times out after [opa] timeout_ms and fails closed with 503', async (t) => {
  const { opa, engine, log } = await setup(t, { timeoutMs: 150 });
  opa.behaviours.set('identity/user/show', { delayMs: 2000 });
  const started = performance.now();
  await t.rejects(engine.enforce('identity:get_user', creds('system admin'), getUser), { code: 503 });
  const took = performance.now() - started;
  t.ok(took >= 140 && took < 1000, `gave up after ${Math.round(took)} ms`);
  t.match(log.find('OPA unavailable')[0], { level: 50, rule: 'identity:get_user', err: /did not answer within 150 ms/ });
});

t.test('OPA down (nothing listening) fails closed with 503 and a clear log line', async (t) => {
  const opa = new FakeOpa();
  const url = await opa.listen();
  await opa.close();
  const log = captureLog('info');
  const counters = new PolicyCounters();
  const engine = new OpaHttpPolicyEngine({ url, timeoutMs: 300, logger: log.logger, onDecision: counters.observe });
  t.teardown(() => engine.close());
  await t.rejects(engine.enforce('identity:get_user', creds('system admin'), getUser), { code: 503 });
  t.match(log.find('OPA unavailable')[0], { err: /could not be reached: ECONNREFUSED/ });
  t.equal(counters.total.unavailable, 1);
});

t.test('decisions reuse keep-alive connections', async (t) => {
  const { opa, engine } = await setup(t);
  for (let i = 0; i < 10; i++) await engine.enforce('identity:get_user', creds('system admin'), getUser);
  t.equal(opa.requests.length, 10);
  // undici may hand consecutive requests to two pooled sockets; it does not open one per request.
  t.ok(opa.connections <= 2, `${opa.connections} connections for 10 decisions`);
});

t.test('with a decision cache, the same question within the TTL is not asked again', async (t) => {
  const { opa, engine, decisions } = await setup(t, { cacheSeconds: 0.3 });
  await engine.enforce('identity:get_user', creds('system admin'), getUser);
  await engine.enforce('identity:get_user', creds('system admin'), getUser);
  t.equal(opa.requests.length, 1, 'answered from the cache');
  t.strictSame(decisions.map((d) => d.cached), [false, true]);
  await engine.enforce('identity:get_user', creds('domain admin'), getUser);
  t.equal(opa.requests.length, 2, 'other credentials are another question');
  await t.rejects(engine.enforce('identity:get_user', creds('other-domain project member'), getUser), { code: 403 });
  await t.rejects(engine.enforce('identity:get_user', creds('other-domain project member'), getUser), { code: 403 }, 'denials are cached too');
  t.equal(opa.requests.length, 3);
  await new Promise((r) => setTimeout(r, 350));
  await engine.enforce('identity:get_user', creds('system admin'), getUser);
  t.equal(opa.requests.length, 4, 'asked again once the TTL passed');
});

t.test('grants are decided per URL shape, as keystone-ng does', async (t) => {
  const { opa, engine } = await setup(t);
  for (const path of ['identity/project/user/role/grant', 'identity/domain/group/role/check']) opa.policies.set(path, () => ({ allow: true }));
  await engine.enforce('identity:create_grant', creds('system admin'), { target: { project: { id: IDS.project }, user: { id: IDS.user }, role: { id: 'r' } } });
  await engine.enforce('identity:check_grant', creds('system admin'), { domain_id: IDS.domain, group_id: 'g', role_id: 'r' });
  t.strictSame(opa.requests.map((r) => r.url), ['/v1/data/identity/project/user/role/grant', '/v1/data/identity/domain/group/role/check']);
});

t.test('a rule with no decision path is denied without asking OPA', async (t) => {
  const { opa, engine } = await setup(t);
  await t.rejects(engine.enforce('admin_required', creds('system admin'), {}), { code: 403 });
  await t.rejects(engine.enforce('identity:no_such_thing', creds('system admin'), {}), { code: 403 });
  t.equal(opa.requests.length, 0);
});

t.test('[opa] url selects the OPA engine; a unix:// URL reaches an OPA on a unix socket', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-opa-'));
  const opa = new FakeOpa();
  opa.policies.set('identity/user/show', userShow);
  const url = await opa.listen(join(dir, 'opa.sock'));
  const engine = await createPolicyEngine(configSchema.parse({ opa: { url, timeout_ms: '500' } }), captureLog('silent').logger);
  t.teardown(async () => {
    await engine.close();
    await opa.close();
    rmSync(dir, { recursive: true, force: true });
  });
  t.equal(engine.kind, 'opa-http');
  await t.resolves(engine.enforce('identity:get_user', creds('system admin'), getUser));
  t.equal(opa.requests.length, 1);
});

t.test('every decision is logged at debug with rule, allow, engine and duration', async (t) => {
  const { engine, log } = await setup(t);
  await engine.enforce('identity:get_user', creds('system admin'), getUser);
  t.match(log.find('policy decision')[0], { level: 20, rule: 'identity:get_user', allow: true, engine: 'opa-http', duration_us: Number });
});
