// The /v3/users routes, sent by every persona (system, domain and project admin/member/reader, no role, another
// domain's member) to py-keystone and to keystone-ts: the same decision each time, including the order of checks
// (policy before a bad body's 400; a missing user's 404 only once policy passed).
import t from 'tap';
import { uniqueName } from '../helpers/identity-api.js';
import { policyWorld } from './policy-setup.js';

const w = await policyWorld();
t.teardown(() => w.close());
const D = w.personas.domainId;
const target = await w.newUser(D);
const otherUser = await w.newUser(w.personas.otherDomainId);
const group = await w.newGroup(D);
await w.peer('PUT', `/v3/groups/${group}/users/${target}`);
await w.peer('PUT', `/v3/projects/${w.personas.projectId}/users/${target}/roles/${w.personas.roles.reader}`);

t.test('reading users: list, show (own domain, other domain, self, missing)', async (t) => {
  await w.same(t, () => ({ method: 'GET', path: '/v3/users' }));
  await w.same(t, () => ({ method: 'GET', path: `/v3/users/${target}` }));
  await w.same(t, () => ({ method: 'GET', path: `/v3/users/${otherUser}` }));
  await w.same(t, (p) => ({ method: 'GET', path: `/v3/users/${p.userId}` }));
  await w.same(t, () => ({ method: 'GET', path: '/v3/users/no-such-user' }));
});

t.test("a user's groups and projects: own, another user's, a missing user's", async (t) => {
  await w.same(t, (p) => ({ method: 'GET', path: `/v3/users/${p.userId}/groups` }));
  await w.same(t, () => ({ method: 'GET', path: `/v3/users/${target}/groups` }));
  await w.same(t, (p) => ({ method: 'GET', path: `/v3/users/${p.userId}/projects` }));
  await w.same(t, () => ({ method: 'GET', path: `/v3/users/${target}/projects` }));
  await w.same(t, () => ({ method: 'GET', path: '/v3/users/no-such-user/projects' }));
});

t.test('writing users: create (good and bad bodies), update, delete, each also for a missing user', async (t) => {
  await w.same(t, (p, s) => ({ method: 'POST', path: '/v3/users', body: { user: { name: uniqueName(`pol-${p.name}-${s}`), domain_id: D } } }));
  await w.same(t, () => ({ method: 'POST', path: '/v3/users', body: { user: { name: 1 } } }));
  await w.same(t, () => ({ method: 'PATCH', path: `/v3/users/${target}`, body: { user: { description: 'x' } } }));
  await w.same(t, () => ({ method: 'PATCH', path: '/v3/users/no-such-user', body: { user: { description: 'x' } } }));
  const doomed = await w.victims(() => w.newUser(D), otherUser);
  await w.same(t, (p, s) => ({ method: 'DELETE', path: `/v3/users/${doomed(p.name, s)}` }));
  await w.same(t, () => ({ method: 'DELETE', path: '/v3/users/no-such-user' }));
});
