// GET /v3/role_assignments against the py-keystone peer on one set of grants covering every kind: user and group,
// project, domain and system, inherited from a domain and from a parent project, implied roles (from a global and
// from a domain-specific role). Each filter and flag combination must list the same assignments with the same
// links, scopes and names; refused combinations are the same 400s.
import t, { type Test } from 'tap';
import { call, issueToken, passwordAuth, uniqueName } from '../helpers/identity-api.js';
import { startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { assertSame, assertSameError, both, canonical, sortedBy } from './parity.js';
import { createWorld } from './world.js';

const world = await createWorld();
const ours = await startKeystoneTs();
const token = world.adminToken;
const { u1, u2, u3, group, p1, p2, p3, domain, ra, rb, dr } = world;
const grants = [
  `/v3/projects/${p1}/users/${u1}/roles/${ra}`,
  `/v3/projects/${p2}/users/${u1}/roles/${dr}`,
  `/v3/projects/${p3}/users/${u3}/roles/${rb}`,
  `/v3/domains/${domain}/groups/${group}/roles/${rb}`,
  `/v3/domains/${domain}/users/${u2}/roles/${ra}`,
  `/v3/OS-INHERIT/domains/${domain}/groups/${group}/roles/${ra}/inherited_to_projects`,
  `/v3/OS-INHERIT/projects/${p1}/users/${u1}/roles/${rb}/inherited_to_projects`,
  `/v3/system/users/${u1}/roles/${ra}`,
  `/v3/system/groups/${group}/roles/${rb}`,
  `/v3/roles/${ra}/implies/${rb}`,
  `/v3/roles/${dr}/implies/${ra}`,
];
for (const path of grants) await world.api('PUT', path);
// A domain admin of the world's domain, to see what a domain-scoped caller is shown.
const domainAdmin = (await world.api('POST', '/v3/users', { user: { name: uniqueName('asg-dadmin'), domain_id: domain, password: world.password } })).user.id;
const adminRole = (await call(PEER.url, 'GET', '/v3/roles?name=admin', { token })).body.roles[0].id;
await world.api('PUT', `/v3/domains/${domain}/users/${domainAdmin}/roles/${adminRole}`);
const domainToken = (await issueToken(PEER.url, passwordAuth({ id: domainAdmin }, world.password, { domain: { id: domain } }))).id;
t.teardown(async () => {
  await call(PEER.url, 'DELETE', `/v3/users/${domainAdmin}`, { token });
  for (const path of grants) await call(PEER.url, 'DELETE', path, { token });
  await ours.close();
  await world.remove();
});

const sorted = (b: any) => sortedBy(b, 'role_assignments');
const list = (t: Test, query: string, spec = { token }) => assertSame(t, ours.url, 'GET', `/v3/role_assignments?${query}`, spec, sorted);

t.test('direct assignments, by actor, target and role', async (t) => {
  for (const query of [
    `user.id=${u1}`,
    `user.id=${u2}`,
    `group.id=${group}`,
    `scope.project.id=${p1}`,
    `scope.project.id=${p2}`,
    `scope.domain.id=${domain}`,
    `role.id=${dr}`,
    `user.id=${u1}&scope.project.id=${p1}`,
    `group.id=${group}&scope.domain.id=${domain}`,
    `user.id=${u3}&role.id=${rb}`,
    `scope.project.id=no-such-project`,
    `user.id=${u1}&effective=0`,
  ]) {
    await list(t, query);
  }
});

t.test('system assignments and the scope.system filter', async (t) => {
  for (const query of [`user.id=${u1}&scope.system=all`, `group.id=${group}&scope.system=all`, `role.id=${ra}&scope.system=all`, `user.id=${u1}&scope.system=other`]) {
    await list(t, query);
  }
});

t.test('the OS-INHERIT:inherited_to filter', async (t) => {
  for (const query of [
    `user.id=${u1}&scope.OS-INHERIT:inherited_to=projects`,
    `group.id=${group}&scope.OS-INHERIT:inherited_to=projects`,
    `user.id=${u1}&scope.OS-INHERIT:inherited_to=elsewhere`,
    `scope.domain.id=${domain}&scope.OS-INHERIT:inherited_to=projects`,
    `scope.project.id=${p1}&scope.OS-INHERIT:inherited_to=projects`,
  ]) {
    await list(t, query);
  }
});

t.test('effective assignments: group membership, inheritance and implied roles expanded', async (t) => {
  for (const query of [
    `user.id=${u1}&effective`,
    `user.id=${u2}&effective`,
    `user.id=${u1}&effective=true&scope.project.id=${p2}`,
    `user.id=${u2}&effective&scope.project.id=${p1}`,
    `scope.project.id=${p2}&effective`,
    `scope.domain.id=${domain}&effective`,
    `role.id=${ra}&effective&scope.project.id=${p2}`,
    `user.id=${u1}&effective&scope.OS-INHERIT:inherited_to=projects`,
    `user.id=${u2}&effective&scope.system=all`,
  ]) {
    await list(t, query);
  }
});

t.test('include_names adds names and domains to users, groups, projects, domains and roles', async (t) => {
  for (const query of [
    `user.id=${u1}&include_names`,
    `group.id=${group}&include_names=1`,
    `user.id=${u2}&effective&include_names`,
    `role.id=${dr}&include_names`,
    `user.id=${u1}&scope.system=all&include_names`,
    `user.id=${u1}&include_names=0`,
  ]) {
    await list(t, query);
  }
});

t.test('include_subtree lists the assignments of a project and those below it', async (t) => {
  for (const query of [
    `scope.project.id=${p1}&include_subtree=true`,
    `scope.project.id=${p1}&include_subtree&effective`,
    `scope.project.id=${p1}&include_subtree&user.id=${u1}&effective&include_names`,
    `scope.project.id=${p2}&include_subtree`,
  ]) {
    await list(t, query);
  }
  await assertSameError(t, ours.url, 'GET', '/v3/role_assignments?include_subtree', { token });
});

t.test('include_subtree on a project that does not exist: a 404 (py-keystone drops the connection)', async (t) => {
  // py-keystone looks the project up before it marks the call as enforced, so its after-request check fails with
  // an AssertionError and uWSGI closes the connection without an answer.
  const r = await call(ours.url, 'GET', '/v3/role_assignments?include_subtree&scope.project.id=no-such-project', { token });
  t.equal(r.status, 404);
  t.equal(r.body.error.message, 'Could not find project: no-such-project.');
});

t.test('refused filter combinations are 400s; unknown users and projects in effective mode are 404s', async (t) => {
  for (const query of [
    `scope.domain.id=${domain}&scope.project.id=${p1}`,
    `scope.domain.id=${domain}&scope.system=all`,
    `scope.project.id=${p1}&scope.system=all`,
    `user.id=${u1}&group.id=${group}`,
    `group.id=${group}&effective`,
    `scope.domain.id=${domain}&effective&scope.OS-INHERIT:inherited_to=projects`,
    'user.id=no-such-user&effective',
    'scope.project.id=no-such-project&effective',
  ]) {
    await assertSameError(t, ours.url, 'GET', `/v3/role_assignments?${query}`, { token });
  }
});

t.test('the unfiltered list holds the same assignments of this world (and the same collection links)', async (t) => {
  const pair = await both(ours.url, 'GET', '/v3/role_assignments', { token });
  const ids = new Set([u1, u2, u3, group, domainAdmin]);
  const ours_ = (b: any) => sorted({ role_assignments: b.role_assignments.filter((a: any) => ids.has(a.user?.id ?? a.group?.id)) });
  t.equal(pair.mine.status, 200);
  t.same(ours_(pair.mine.body), ours_(pair.theirs.body));
  t.same(pair.mine.body.links, pair.theirs.body.links);
});

t.test("a domain-scoped caller sees its domain's assignments only", async (t) => {
  const spec = { token: domainToken };
  await list(t, '', spec);
  await list(t, `user.id=${u1}&effective`, spec);
  await list(t, `scope.project.id=${p3}`, spec);
  const pair = await both(ours.url, 'GET', '/v3/role_assignments', spec);
  const seen = new Set<string>(pair.mine.body.role_assignments.map((a: any) => canonical(a.scope)));
  t.notOk([...seen].some((s) => s.includes('"system"')), 'no system assignments');
});
