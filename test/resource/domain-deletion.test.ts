// Deleting a domain takes what py-keystone takes with it: its projects, users, groups, grants (also other domains'
// users' grants on it), credentials, application credentials, identity providers and configuration, and writes the
// revocation events that kill the affected tokens on both implementations. Built twice, deleted once by each
// server, the database is left in the same state.
import t from 'tap';
import { call, issueToken, passwordAuth, uniqueName } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { peerSql, SERVERS, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());

const admin = async (method: string, path: string, body?: unknown, token = p.token) => {
  const r = await call(PEER.url, method, path, { token, ...(body !== undefined && { body }) });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const roles = (await admin('GET', '/v3/roles')).roles as { id: string; name: string; domain_id: string | null }[];
const member = roles.find((r) => r.name === 'member' && !r.domain_id)!.id;
const outsider = await p.domain();

/** A domain with a project tree, a user and a group with grants, an outside user granted on it, and more. */
async function buildDomain() {
  const domain = await p.domain();
  const project = await p.project({ domain_id: domain.id });
  const child = await p.project({ domain_id: domain.id, parent_id: project.id, tags: ['t'] });
  const password = `pw-${uniqueName('x')}`;
  const user = (await admin('POST', '/v3/users', { user: { name: uniqueName('rs-u'), domain_id: domain.id, password } })).user;
  const other = (await admin('POST', '/v3/users', { user: { name: uniqueName('rs-o'), domain_id: outsider.id, password } })).user;
  const group = (await admin('POST', '/v3/groups', { group: { name: uniqueName('rs-g'), domain_id: domain.id } })).group;
  await admin('PUT', `/v3/groups/${group.id}/users/${other.id}`);
  await admin('PUT', `/v3/projects/${project.id}/users/${user.id}/roles/${member}`);
  await admin('PUT', `/v3/projects/${child.id}/groups/${group.id}/roles/${member}`);
  await admin('PUT', `/v3/domains/${domain.id}/users/${other.id}/roles/${member}`);
  await admin('PUT', `/v3/projects/${project.id}/users/${other.id}/roles/${member}`);
  const role = (await admin('POST', '/v3/roles', { role: { name: uniqueName('rs-dr'), domain_id: domain.id } })).role;
  await admin('PUT', `/v3/domains/${domain.id}/config`, { config: { ldap: { url: 'ldap://x', password: 'p' } } });
  await admin('POST', '/v3/credentials', { credential: { type: 'ec2', user_id: user.id, project_id: project.id, blob: JSON.stringify({ access: uniqueName('a'), secret: 's' }) } });
  const idp = uniqueName('rs-idp');
  await admin('PUT', `/v3/OS-FEDERATION/identity_providers/${idp}`, { identity_provider: { domain_id: domain.id, enabled: true } });
  const userToken = (await issueToken(PEER.url, passwordAuth({ id: user.id }, password, { project: { id: project.id } }))).id;
  const otherToken = (await issueToken(PEER.url, passwordAuth({ id: other.id }, password, { project: { id: project.id } }))).id;
  await admin('POST', `/v3/users/${user.id}/application_credentials`, { application_credential: { name: 'ac' } }, userToken);
  return { domain, project, child, user, other, group, role, idp, userToken, otherToken };
}

type Built = Awaited<ReturnType<typeof buildDomain>>;

/** What is left in the database of everything buildDomain made (ids replaced by their roles in the fixture). */
async function survey(b: Built) {
  const projects = [b.domain.id, b.project.id, b.child.id];
  const users = [b.user.id];
  return peerSql(async (sql) => {
    const count = async (q: Promise<{ n: number }[]>) => (await q)[0]!.n;
    return {
      projects: await count(sql`SELECT count(*)::int AS n FROM project WHERE id = ANY(${projects})`),
      tags: await count(sql`SELECT count(*)::int AS n FROM project_tag WHERE project_id = ANY(${projects})`),
      users: await count(sql`SELECT count(*)::int AS n FROM "user" WHERE id = ANY(${users})`),
      localUsers: await count(sql`SELECT count(*)::int AS n FROM local_user WHERE user_id = ANY(${users})`),
      outsideUser: await count(sql`SELECT count(*)::int AS n FROM "user" WHERE id = ${b.other.id}`),
      groups: await count(sql`SELECT count(*)::int AS n FROM "group" WHERE id = ${b.group.id}`),
      memberships: await count(sql`SELECT count(*)::int AS n FROM user_group_membership WHERE group_id = ${b.group.id}`),
      grantsOnTargets: await count(sql`SELECT count(*)::int AS n FROM assignment WHERE target_id = ANY(${projects})`),
      grantsOfActors: await count(sql`SELECT count(*)::int AS n FROM assignment WHERE actor_id = ANY(${[...users, b.group.id]})`),
      outsideUserGrants: await count(sql`SELECT count(*)::int AS n FROM assignment WHERE actor_id = ${b.other.id}`),
      domainRole: await count(sql`SELECT count(*)::int AS n FROM role WHERE id = ${b.role.id}`),
      config: await count(sql`SELECT count(*)::int AS n FROM whitelisted_config WHERE domain_id = ${b.domain.id}`),
      sensitiveConfig: await count(sql`SELECT count(*)::int AS n FROM sensitive_config WHERE domain_id = ${b.domain.id}`),
      credentials: await count(sql`SELECT count(*)::int AS n FROM credential WHERE user_id = ANY(${users}) OR project_id = ANY(${projects})`),
      appCreds: await count(sql`SELECT count(*)::int AS n FROM application_credential WHERE user_id = ANY(${users})`),
      idps: await count(sql`SELECT count(*)::int AS n FROM identity_provider WHERE id = ${b.idp}`),
      projectRevocations: await count(sql`SELECT count(DISTINCT project_id)::int AS n FROM revocation_event WHERE project_id = ANY(${projects})`),
      userRevocations: await count(sql`SELECT count(DISTINCT user_id)::int AS n FROM revocation_event WHERE user_id = ANY(${[...users, b.other.id]})`),
    };
  });
}

t.test('a domain deleted by either server leaves the database in the same state', async (t) => {
  const built = { 'py-keystone': await buildDomain(), 'keystone-ts': await buildDomain() };
  t.teardown(() =>
    Promise.all(
      Object.values(built).flatMap((b) => [
        call(PEER.url, 'DELETE', `/v3/users/${b.other.id}`, { token: p.token }),
        call(PEER.url, 'DELETE', `/v3/roles/${b.role.id}`, { token: p.token }),
        call(PEER.url, 'DELETE', `/v3/OS-FEDERATION/identity_providers/${b.idp}`, { token: p.token }),
      ]),
    ),
  );
  const before = await survey(built['keystone-ts']);
  t.equal(before.projects, 3, 'fixture in place');
  const tokens = [['member', built['keystone-ts'].userToken], ['outside group member', built['keystone-ts'].otherToken]] as const;
  const validate = (server: (typeof SERVERS)[number], token: string) =>
    call(server === 'py-keystone' ? PEER.url : p.ks.url, 'GET', '/v3/auth/tokens', { token: p.token, subject: token });
  for (const [who, token] of tokens) t.equal((await validate('keystone-ts', token)).status, 200, `${who}'s token valid before`);
  for (const b of Object.values(built)) await admin('PATCH', `/v3/domains/${b.domain.id}`, { domain: { enabled: false } });
  for (const server of SERVERS) {
    const res = await p.send(server, 'DELETE', `/v3/domains/${built[server].domain.id}`);
    t.equal(res.status, 204, `${server} deletes the domain`);
  }
  const [theirs, mine] = await Promise.all(SERVERS.map((s) => survey(built[s])));
  t.same(mine, theirs, 'same remains');
  t.same(
    { projects: mine!.projects, users: mine!.users, groups: mine!.groups, grants: mine!.grantsOnTargets, revoked: mine!.projectRevocations },
    { projects: 0, users: 0, groups: 0, grants: 0, revoked: 3 },
    'projects, users, groups and grants gone; every project revoked',
  );
  for (const server of SERVERS) {
    for (const [who, token] of tokens) t.equal((await validate(server, token)).status, 404, `${server}: ${who}'s token is dead`);
  }
});
