// The persona matrix on the assignment routes: every persona (system, domain and project admin/member/reader, a
// user without roles, a user of another domain) sends the same request to py-keystone and keystone-ts, which must
// decide alike (same status), with the peer's default [oslo_policy] knobs. The targets are built from real rows in
// the personas' domain and in another one, so the domain-scoped rules (target.user.domain_id,
// target.project.domain_id, target.domain.id, target.role.domain_id, target.domain_id) are exercised both ways.
// With enforce_scope and enforce_new_defaults on, decisions are asserted as oslo.policy takes them.
import t, { type Test } from 'tap';
import { call, uniqueName } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { createPersonas, type Persona, type PersonaName } from '../interop/personas.js';

const personas = await createPersonas();
const ours = await startKeystoneTs();
const token = personas.adminToken;
const api = async (method: string, path: string, body?: unknown) => {
  const r = await call(PEER.url, method, path, { token, ...(body !== undefined && { body }) });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const servers = [
  ['py-keystone', PEER.url],
  ['keystone-ts', ours.url],
] as const;
type Server = (typeof servers)[number][0];

// Rows the requests point at: a user and a group in the personas' domain and in the other one, a global role held
// on the personas' project, and a role specific to the personas' domain.
const { domainId, projectId, otherDomainId, otherProjectId } = personas;
const user = (await api('POST', '/v3/users', { user: { name: uniqueName('asg-pol'), domain_id: domainId } })).user.id as string;
const otherUser = (await api('POST', '/v3/users', { user: { name: uniqueName('asg-pol'), domain_id: otherDomainId } })).user.id as string;
const group = (await api('POST', '/v3/groups', { group: { name: uniqueName('asg-pol'), domain_id: domainId } })).group.id as string;
const held = (await api('POST', '/v3/roles', { role: { name: uniqueName('asg-pol-held') } })).role.id as string;
const implied = (await api('POST', '/v3/roles', { role: { name: uniqueName('asg-pol-implied') } })).role.id as string;
const domainRole = (await api('POST', '/v3/roles', { role: { name: uniqueName('asg-pol-dom'), domain_id: domainId } })).role.id as string;
await api('PUT', `/v3/projects/${projectId}/users/${user}/roles/${held}`);
await api('PUT', `/v3/projects/${otherProjectId}/users/${otherUser}/roles/${held}`);
await api('PUT', `/v3/system/users/${user}/roles/${held}`);
await api('PUT', `/v3/roles/${held}/implies/${implied}`);
// One role per persona and server, for the calls that change or remove something.
const fresh = new Map<string, string>();
for (const p of personas.all) {
  for (const [server] of servers) fresh.set(`${p.name}/${server}`, (await api('POST', '/v3/roles', { role: { name: uniqueName('asg-pol-f') } })).role.id);
}
const created: string[] = [];
t.teardown(async () => {
  for (const id of [...fresh.values(), ...created, held, implied, domainRole]) await call(PEER.url, 'DELETE', `/v3/roles/${id}`, { token });
  for (const id of [user, otherUser]) await call(PEER.url, 'DELETE', `/v3/users/${id}`, { token });
  await call(PEER.url, 'DELETE', `/v3/groups/${group}`, { token });
  await ours.close();
  await personas.cleanup();
});

type Request = { method: string; path: string; body?: unknown };

async function sameDecisions(t: Test, request: (p: Persona, server: Server, role: string) => Request): Promise<void> {
  for (const persona of personas.all) {
    const statuses: number[] = [];
    for (const [server, url] of servers) {
      const r = request(persona, server, fresh.get(`${persona.name}/${server}`)!);
      const res = await call(url, r.method, r.path, { token: persona.token, ...(r.body !== undefined && { body: r.body }) });
      if (r.method === 'POST' && res.body?.role?.id) created.push(res.body.role.id);
      statuses.push(res.status);
    }
    const r = request(persona, 'py-keystone', '{role}');
    t.equal(statuses[1], statuses[0], `${persona.name}: ${r.method} ${r.path} -> ${statuses[0]}`);
  }
}

const fixed = (method: string, path: string, body?: unknown) => () => ({ method, path, body });

t.test('roles: list, show, create, update (global and domain-specific)', async (t) => {
  await sameDecisions(t, fixed('GET', '/v3/roles'));
  await sameDecisions(t, fixed('GET', `/v3/roles?domain_id=${domainId}`));
  await sameDecisions(t, fixed('GET', `/v3/roles/${domainRole}`));
  await sameDecisions(t, () => ({ method: 'POST', path: '/v3/roles', body: { role: { name: uniqueName('asg-pol-c'), domain_id: domainId } } }));
  await sameDecisions(t, (_p, _s, role) => ({ method: 'PATCH', path: `/v3/roles/${role}`, body: { role: { description: 'x' } } }));
});

t.test('implied roles and role inferences', async (t) => {
  await sameDecisions(t, fixed('GET', `/v3/roles/${held}/implies/${implied}`));
  await sameDecisions(t, (_p, _s, role) => ({ method: 'PUT', path: `/v3/roles/${role}/implies/${implied}` }));
  await sameDecisions(t, fixed('GET', '/v3/role_inferences'));
});

t.test('project, domain and OS-INHERIT grants, in the personas domain and in another', async (t) => {
  const onProject = `/v3/projects/${projectId}/users/${user}/roles`;
  const onDomain = `/v3/domains/${domainId}/groups/${group}/roles`;
  await sameDecisions(t, fixed('GET', onProject));
  await sameDecisions(t, fixed('GET', `${onProject}/${held}`));
  await sameDecisions(t, (_p, _s, role) => ({ method: 'PUT', path: `${onProject}/${role}` }));
  await sameDecisions(t, fixed('GET', `${onDomain}/${held}`));
  await sameDecisions(t, (_p, _s, role) => ({ method: 'PUT', path: `${onDomain}/${role}` }));
  await sameDecisions(t, (_p, _s, role) => ({ method: 'DELETE', path: `${onDomain}/${role}` }));
  await sameDecisions(t, fixed('GET', `/v3/projects/${otherProjectId}/users/${otherUser}/roles/${held}`));
  await sameDecisions(t, fixed('PUT', `/v3/projects/${projectId}/users/${user}/roles/${domainRole}`));
  await sameDecisions(t, (_p, _s, role) => ({ method: 'PUT', path: `/v3/OS-INHERIT/domains/${domainId}/users/${user}/roles/${role}/inherited_to_projects` }));
});

t.test('system grants', async (t) => {
  await sameDecisions(t, fixed('GET', `/v3/system/users/${user}/roles`));
  await sameDecisions(t, (_p, _s, role) => ({ method: 'PUT', path: `/v3/system/groups/${group}/roles/${role}` }));
});

t.test('role assignments, with and without filters and subtree', async (t) => {
  for (const query of ['', `?scope.project.id=${projectId}&include_subtree`, `?user.id=${user}&effective`]) {
    await sameDecisions(t, fixed('GET', `/v3/role_assignments${query}`));
  }
});

t.test('roles last: deleting a role', async (t) => {
  await sameDecisions(t, (_p, _s, role) => ({ method: 'DELETE', path: `/v3/roles/${role}` }));
});

t.test('with enforce_scope and enforce_new_defaults, decisions follow the new rules and their scope types', async (t) => {
  const strict = await startKeystoneTs(besidePeerConfig({ oslo_policy: { enforce_scope: 'true', enforce_new_defaults: 'true' } }));
  t.teardown(() => strict.close());
  const expect = async (name: PersonaName, method: string, path: string, status: number) => {
    const r = await call(strict.url, method, path, { token: personas.get(name).token });
    t.equal(r.status, status, `${name}: ${method} ${path}`);
  };
  // identity:list_roles: admin, or a system reader; scope types system and project.
  await expect('system-reader', 'GET', '/v3/roles', 200);
  await expect('project-admin', 'GET', '/v3/roles', 200);
  await expect('domain-admin', 'GET', '/v3/roles', 403);
  await expect('project-member', 'GET', '/v3/roles', 403);
  // identity:create_role: admin only, system or project scope.
  await expect('system-member', 'POST', '/v3/roles', 403);
  // identity:list_role_assignments: a domain reader of the caller's own domain is allowed.
  await expect('domain-reader', 'GET', '/v3/role_assignments', 200);
  await expect('project-reader', 'GET', '/v3/role_assignments', 403);
  await expect('system-reader', 'GET', `/v3/role_assignments?scope.project.id=${projectId}`, 200);
  // identity:check_grant: a domain reader may check grants of its domain's users on its domain's projects.
  await expect('domain-reader', 'GET', `/v3/projects/${projectId}/users/${user}/roles/${held}`, 204);
  await expect('domain-reader', 'GET', `/v3/projects/${otherProjectId}/users/${otherUser}/roles/${held}`, 403);
  await expect('domain-member', 'PUT', `/v3/projects/${projectId}/users/${user}/roles/${held}`, 403);
  // identity:create_grant: Zed's rule opens with `rule:admin_required or ...`, and oslo.policy reads `A or B and C`
  // as `A or (B and C)`, so any token holding the admin role (a domain-scoped one too) passes, in any domain.
  await expect('domain-admin', 'PUT', `/v3/projects/${projectId}/users/${user}/roles/${held}`, 204);
  await expect('domain-admin', 'PUT', `/v3/projects/${otherProjectId}/users/${otherUser}/roles/${held}`, 204);
  // identity:list_system_grants_for_user: system readers only.
  await expect('system-reader', 'GET', `/v3/system/users/${user}/roles`, 200);
  await expect('domain-admin', 'GET', `/v3/system/users/${user}/roles`, 403);
});
