// What a service sees when it calls enforce() on the default (embedded) engine: py-keystone's 403s, the
// policy dict built and flattened as py-keystone does, and a debug line and an observer call per decision.
import t from 'tap';
import { configSchema } from '../../src/config/schema.js';
import {
  buildPolicyCredentials,
  buildPolicyDict,
  createPolicyEngine,
  flattenPolicyDict,
  PolicyCounters,
  PolicyDenied,
  type PolicyDecision,
} from '../../src/policy/engine.js';
import { captureLog } from './helpers/log-capture.js';
import { IDS, PERSONAS } from './helpers/matrix.js';

const config = configSchema.parse({ oslo_policy: { policy_file: '/nonexistent/policy.yaml' } });
const creds = (persona: string) => buildPolicyCredentials(PERSONAS.find(([name]) => name === persona)![1], config);
const otherDomainUser = buildPolicyDict({
  viewArgs: { user_id: IDS.otherUser },
  target: { user: { id: IDS.otherUser, domain_id: IDS.otherDomain } },
});

t.test('with no [opa] options the embedded engine decides', async (t) => {
  const engine = await createPolicyEngine(config, captureLog('silent').logger);
  t.equal(engine.kind, 'embedded');
});

t.test('an allowed action resolves; a denied one is a 403 naming the action, as py-keystone words it', async (t) => {
  const engine = await createPolicyEngine(config, captureLog('silent').logger);
  await t.resolves(engine.enforce('identity:get_user', creds('system reader'), otherDomainUser));
  const err = await engine.enforce('identity:get_user', creds('domain reader'), otherDomainUser).catch((e: unknown) => e);
  t.type(err, PolicyDenied);
  t.match(err, {
    code: 403,
    title: 'Forbidden',
    rule: 'identity:get_user',
    message: 'You are not authorized to perform the requested action: identity:get_user.',
  });
});

t.test('a name that is not a registered action is refused as py-keystone refuses it', async (t) => {
  await t.resolves(
    (await createPolicyEngine(config, captureLog('silent').logger)).enforce('admin_required', creds('system admin'), {}),
    'base rules are registered, so py-keystone accepts them as actions too',
  );
  const log = captureLog('warn');
  const engine = await createPolicyEngine(config, log.logger);
  // identity:revocation_list is registered but deprecated for removal: py-keystone no longer takes it as an action.
  for (const rule of ['identity:no_such_action', 'identity:revocation_list']) {
    await t.rejects(engine.enforce(rule, creds('system admin'), {}), {
      code: 403,
      message: 'Internal RBAC enforcement error, invalid rule (action) name.',
    }, rule);
  }
  t.match(log.find('not a registered action')[0], { rule: 'identity:no_such_action' });
});

t.test('with enforce_scope a token of the wrong scope gets the same 403', async (t) => {
  const scoped = configSchema.parse({ oslo_policy: { policy_file: '/nonexistent/policy.yaml', enforce_scope: 'true' } });
  const decisions: PolicyDecision[] = [];
  const engine = await createPolicyEngine(scoped, captureLog('silent').logger, { onDecision: (d) => decisions.push(d) });
  // identity:create_region is for system and project scope; a domain admin passes rule:admin_required only.
  await t.rejects(engine.enforce('identity:create_region', creds('domain admin'), {}), {
    code: 403,
    message: 'You are not authorized to perform the requested action: identity:create_region.',
  });
  t.equal(decisions[0]!.outcome, 'scope');
  const unscoped = await createPolicyEngine(config, captureLog('silent').logger);
  await t.resolves(unscoped.enforce('identity:create_region', creds('domain admin'), {}), 'allowed when scope is not enforced');
});

t.test('nested and flattened policy dicts decide the same', async (t) => {
  const engine = await createPolicyEngine(config, captureLog('silent').logger);
  const flat = flattenPolicyDict(otherDomainUser);
  t.strictSame(Object.keys(flat).sort(), ['target.user.domain_id', 'target.user.id', 'user_id']);
  await t.rejects(engine.enforce('identity:get_user', creds('domain reader'), flat), { code: 403 });
  await t.resolves(engine.enforce('identity:get_user', creds('other-domain admin'), flat));
  await t.resolves(engine.enforce('identity:get_user', creds('other-domain admin'), otherDomainUser));
});

t.test('every decision is a debug log line and an observer call; PolicyCounters counts them', async (t) => {
  const log = captureLog('debug');
  const counters = new PolicyCounters();
  const engine = await createPolicyEngine(config, log.logger, { onDecision: counters.observe });
  await engine.enforce('identity:get_user', creds('system reader'), otherDomainUser);
  await engine.enforce('identity:get_user', creds('domain reader'), otherDomainUser).catch(() => undefined);
  await engine.enforce('identity:nope', creds('domain reader'), {}).catch(() => undefined);
  const lines = log.find('policy decision');
  t.equal(lines.length, 3);
  t.match(lines[0], { level: 20, rule: 'identity:get_user', allow: true, outcome: 'allow', engine: 'embedded', duration_us: Number });
  t.match(lines[1], { allow: false, outcome: 'deny' });
  t.strictSame(counters.total, { allow: 1, deny: 1, scope: 0, unknown_rule: 1, unavailable: 0 });
  t.strictSame(counters.byRule.get('identity:get_user'), { allow: 1, deny: 1, scope: 0, unknown_rule: 0, unavailable: 0 });
});

t.test('buildPolicyDict assembles view args, target, request_body and filter_attr as py-keystone does', async (t) => {
  const dict = buildPolicyDict({
    viewArgs: { user_id: 'u1', target: 'overwritten by the target' },
    target: { user: { id: 'u1', options: {} } },
    requestBody: { user: { name: 'x' } },
    filters: { domain_id: 'd1' },
  });
  t.strictSame(dict, {
    user_id: 'u1',
    target: { user: { id: 'u1', options: {} } },
    request_body: { user: { name: 'x' } },
    filter_attr: { domain_id: 'd1' },
  });
  t.strictSame({ ...flattenPolicyDict(dict) }, {
    user_id: 'u1',
    'target.user.id': 'u1',
    'request_body.user.name': 'x',
    'filter_attr.domain_id': 'd1',
  }, 'an empty nested dict leaves no key, like keystone.common.utils.flatten_dict');
  t.strictSame(buildPolicyDict({ requestBody: {}, filters: {} }), {}, 'empty bodies and filters are left out');
  t.strictSame({ ...flattenPolicyDict({ tags: ['a', 'b'], a: { b: null } }) }, { tags: ['a', 'b'], 'a.b': null }, 'lists and None are values');
});
