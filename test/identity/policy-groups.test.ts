// The /v3/groups routes and group membership, sent by every persona to py-keystone and to keystone-ts: the same
// decision each time (a missing group is a 404 before policy only for DELETE /v3/groups/{id}, where py-keystone's
// enforcer looks the group up itself). With enforce_scope and enforce_new_defaults switched on, oslo.policy takes
// the same decisions for these rules, and so does keystone-ts.
import t from 'tap';
import { uniqueName } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs } from '../helpers/keystone-ts.js';
import { buildPolicyCredentials } from '../../src/policy/credentials.js';
import { osloDecisions } from '../policy/helpers/oslo-oracle.js';
import { sameDecisions } from './decisions.js';
import { policyWorld } from './policy-setup.js';

const w = await policyWorld();
t.teardown(() => w.close());
const D = w.personas.domainId;
const O = w.personas.otherDomainId;
const target = await w.newUser(D);
const otherUser = await w.newUser(O);
const group = await w.newGroup(D);
const otherGroup = await w.newGroup(O);
await w.peer('PUT', `/v3/groups/${group}/users/${target}`);

t.test('groups: list, show, create, update, delete, each also for a missing group', async (t) => {
  await w.same(t, () => ({ method: 'GET', path: '/v3/groups' }));
  await w.same(t, () => ({ method: 'GET', path: `/v3/groups/${group}` }));
  await w.same(t, () => ({ method: 'GET', path: `/v3/groups/${otherGroup}` }));
  await w.same(t, () => ({ method: 'GET', path: '/v3/groups/no-such-group' }));
  await w.same(t, (p, s) => ({ method: 'POST', path: '/v3/groups', body: { group: { name: uniqueName(`pol-${p.name}-${s}`), domain_id: D } } }));
  await w.same(t, () => ({ method: 'POST', path: '/v3/groups', body: { group: { name: '' } } }));
  await w.same(t, () => ({ method: 'PATCH', path: `/v3/groups/${group}`, body: { group: { description: 'y' } } }));
  const doomed = await w.victims(() => w.newGroup(D), otherGroup);
  await w.same(t, (p, s) => ({ method: 'DELETE', path: `/v3/groups/${doomed(p.name, s)}` }));
  await w.same(t, () => ({ method: 'DELETE', path: '/v3/groups/no-such-group' }));
});

t.test("group membership: a group's users, check, add, remove", async (t) => {
  await w.same(t, () => ({ method: 'GET', path: `/v3/groups/${group}/users` }));
  await w.same(t, () => ({ method: 'GET', path: '/v3/groups/no-such-group/users' }));
  await w.same(t, () => ({ method: 'HEAD', path: `/v3/groups/${group}/users/${target}` }));
  await w.same(t, () => ({ method: 'GET', path: `/v3/groups/${otherGroup}/users/${otherUser}` }));
  await w.same(t, () => ({ method: 'PUT', path: `/v3/groups/${group}/users/${target}` }));
  const groups = { 'py-keystone': await w.newGroup(D), 'keystone-ts': await w.newGroup(D) };
  for (const g of Object.values(groups)) await w.peer('PUT', `/v3/groups/${g}/users/${target}`);
  // The first admin persona removes the membership, the next ones find it gone: order matters here.
  await w.same(t, (_p, s) => ({ method: 'DELETE', path: `/v3/groups/${groups[s]}/users/${target}` }), { sequential: true });
});

t.test('with enforce_scope and enforce_new_defaults, oslo.policy decides these rules as with the defaults', async (t) => {
  // Debian's Zed rules for users and groups keep rule:admin_required in their new defaults and allow all three
  // scope types, so the strict knobs change no decision here: the real oslo.policy confirms it for every
  // persona, and keystone-ts configured strictly answers as the (default) py-keystone peer does.
  const strict = await startKeystoneTs(besidePeerConfig({ oslo_policy: { enforce_scope: 'true', enforce_new_defaults: 'true' } }));
  t.teardown(() => strict.close());
  const credentials = [];
  for (const p of w.personas.all) {
    const valid = await strict.runtime.tokens.validate(p.token);
    credentials.push(buildPolicyCredentials(valid.context, strict.config));
  }
  const userRef = { id: target, domain_id: D, name: 'x', enabled: true };
  const groupRef = { id: group, domain_id: D, name: 'g', description: '' };
  const targets = [
    { user_id: target, target: { user: userRef } },
    { target: { domain_id: D } },
    { target: { group: { domain_id: D } } },
    { group_id: group, target: { group: groupRef } },
    { group_id: group, user_id: target, target: { group: groupRef, user: userRef } },
    { user_id: otherUser, target: { user: { ...userRef, id: otherUser, domain_id: O } } },
    {},
  ];
  const rules = [
    'get_user', 'list_users', 'create_user', 'update_user', 'delete_user', 'list_user_projects', 'list_groups_for_user',
    'get_group', 'list_groups', 'create_group', 'update_group', 'delete_group', 'list_users_in_group',
    'check_user_in_group', 'add_user_to_group', 'remove_user_from_group',
  ].map((r) => `identity:${r}`);
  const [defaults, strictAnswers] = await osloDecisions({
    configs: [
      { enforceScope: false, enforceNewDefaults: false },
      { enforceScope: true, enforceNewDefaults: true },
    ],
    rules,
    credentials,
    targets,
  });
  t.same(strictAnswers, defaults, 'the same oslo.policy answer for every rule, persona and target');
  const same = (request: Parameters<typeof sameDecisions>[3]) => sameDecisions(t, w.personas, strict.url, request);
  await same(() => ({ method: 'GET', path: `/v3/users/${target}` }));
  await same(() => ({ method: 'GET', path: `/v3/groups/${group}/users/${target}` }));
});
