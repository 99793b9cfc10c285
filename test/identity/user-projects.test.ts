// GET /v3/users/{user_id}/projects lists the projects where the user holds a role as py-keystone lists them:
// direct grants, grants to the user's groups, roles inherited from the domain or from a parent project (which
// reach the children, not the parent itself); filtered by domain_id, enabled and name.
import t from 'tap';
import { uniqueName } from '../helpers/identity-api.js';
import { sameAnswer, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());

const reader = (await p.must('GET', '/v3/roles?name=reader')).roles[0].id as string;
const project = async (body: Record<string, unknown> = {}) =>
  (await p.must('POST', '/v3/projects', { project: { name: uniqueName('up'), domain_id: p.domainId, ...body } })).project;

const user = await p.user();
const direct = await project({ description: 'direct', tags: ['a'] });
const viaGroup = await project({ enabled: false });
const parent = await project();
const child = await project({ parent_id: parent.id });
const elsewhere = await p.domain();
const inDomain = (await p.must('POST', '/v3/projects', { project: { name: uniqueName('up-d'), domain_id: elsewhere.id } })).project;
const group = await p.group();
await p.must('PUT', `/v3/projects/${direct.id}/users/${user.id}/roles/${reader}`);
await p.must('PUT', `/v3/groups/${group.id}/users/${user.id}`);
await p.must('PUT', `/v3/projects/${viaGroup.id}/groups/${group.id}/roles/${reader}`);
await p.must('PUT', `/v3/OS-INHERIT/projects/${parent.id}/users/${user.id}/roles/${reader}/inherited_to_projects`);
await p.must('PUT', `/v3/OS-INHERIT/domains/${elsewhere.id}/users/${user.id}/roles/${reader}/inherited_to_projects`);

t.test('direct, group and inherited grants, but not the parent an inherited role comes from', async (t) => {
  const pair = await p.both('GET', `/v3/users/${user.id}/projects`);
  sameAnswer(t, pair, 'projects');
  t.same(
    pair.mine.body.projects.map((x: any) => x.id).sort(),
    [direct.id, viaGroup.id, child.id, inDomain.id].sort(),
  );
});

t.test('filters domain_id, enabled and name, exactly and inexactly', async (t) => {
  for (const q of [
    `domain_id=${elsewhere.id}`,
    'enabled=false',
    'enabled=1',
    `name=${direct.name}`,
    'name__startswith=up-',
    `name__icontains=${child.name.toUpperCase()}`,
    `domain_id=${p.domainId}&enabled=true`,
  ]) {
    sameAnswer(t, await p.both('GET', `/v3/users/${user.id}/projects?${q}`), q);
  }
});

t.test('a user without roles has no projects; an unknown user is a 404', async (t) => {
  const lonely = await p.user();
  sameAnswer(t, await p.both('GET', `/v3/users/${lonely.id}/projects`), 'no roles');
  sameAnswer(t, await p.both('GET', '/v3/users/no-such-user/projects'), 'unknown user');
});
