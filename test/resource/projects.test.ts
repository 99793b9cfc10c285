// POST and GET /v3/projects answered by keystone-ts as by py-keystone: create (defaults, hierarchy rules, depth
// limit, refusals), show (with parents and subtree), and the list filters.
import t from 'tap';
import { call, uniqueName } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { sameAnswer, SERVERS, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());
const domain = await p.domain();

/** Creates a project on each server with the same body but its own name. */
async function createOnBoth(body: Record<string, unknown>) {
  const names = { 'py-keystone': uniqueName('rs-p-peer'), 'keystone-ts': uniqueName('rs-p-ours') };
  const theirs = await p.send('py-keystone', 'POST', '/v3/projects', { project: { domain_id: domain.id, ...body, name: names['py-keystone'] } });
  const mine = await p.send('keystone-ts', 'POST', '/v3/projects', { project: { domain_id: domain.id, ...body, name: names['keystone-ts'] } });
  const replace: Record<string, string> = { [names['py-keystone']]: '<name>', [names['keystone-ts']]: '<name>' };
  for (const r of [theirs, mine]) {
    if (r.status !== 201) continue;
    replace[r.body.project.id] = '<id>';
    if (r.body.project.domain_id !== domain.id) p.track(r.body.project.is_domain ? 'domain' : 'project', r.body.project.id);
  }
  return { theirs, mine, replace };
}

t.test('a project created on either server has the same body, and reads the same from both', async (t) => {
  const created = await createOnBoth({ description: null, tags: ['t1'], options: { immutable: false }, extra_attr: [1], 'odd:key': 'x' });
  sameAnswer(t, created, 'create', { replace: created.replace });
  for (const id of [created.theirs.body.project.id, created.mine.body.project.id]) {
    sameAnswer(t, await p.both('GET', `/v3/projects/${id}`), `show ${id}`);
  }
});

t.test('without domain_id a project lands in the default domain (project-scoped caller)', async (t) => {
  const names = SERVERS.map(() => uniqueName('rs-nodom'));
  for (const [i, server] of SERVERS.entries()) {
    const res = await p.send(server, 'POST', '/v3/projects', { project: { name: names[i] } });
    t.equal(res.status, 201, server);
    t.equal(res.body.project.domain_id, 'default', server);
    t.equal(res.body.project.parent_id, 'default', server);
    p.track('project', res.body.project.id);
  }
});

t.test('parents and subtree, as ids and as lists filtered to the caller\'s projects', async (t) => {
  const top = await p.project({ domain_id: domain.id });
  const mid = await p.project({ domain_id: domain.id, parent_id: top.id });
  const leaf = await p.project({ domain_id: domain.id, parent_id: mid.id });
  const sibling = await p.project({ domain_id: domain.id, parent_id: top.id });
  // The admin gets a role on `mid` only, so the lists show just that project.
  const adminId = (await call(PEER.url, 'GET', '/v3/auth/tokens', { token: p.token, subject: p.token })).body.token.user.id;
  const reader = (await p.send('py-keystone', 'GET', '/v3/roles?name=reader')).body.roles.find((r: any) => !r.domain_id);
  await p.send('py-keystone', 'PUT', `/v3/projects/${mid.id}/users/${adminId}/roles/${reader.id}`);
  const queries = [
    [leaf.id, 'parents_as_ids'],
    [leaf.id, 'parents_as_list'],
    [top.id, 'subtree_as_ids'],
    [top.id, 'subtree_as_list'],
    [top.id, 'subtree_as_list&include_limits'],
    [leaf.id, 'parents_as_ids&subtree_as_ids'],
    [leaf.id, 'parents_as_ids=0&subtree_as_list=1'],
    [domain.id, 'parents_as_ids&subtree_as_ids'],
    [leaf.id, 'parents_as_list&parents_as_ids'],
    [top.id, 'subtree_as_list&subtree_as_ids'],
  ] as const;
  for (const [id, q] of queries) {
    sameAnswer(t, await p.both('GET', `/v3/projects/${id}?${q}`), q, { replace: { [sibling.id]: '<sibling>' } });
  }
  const mine = (await p.send('keystone-ts', 'GET', `/v3/projects/${top.id}?subtree_as_ids`)).body.project.subtree;
  t.same(mine, { [mid.id]: { [leaf.id]: null }, [sibling.id]: null });
});

t.test('list filters: domain_id, enabled, name, parent_id, is_domain, inexact names', async (t) => {
  const d = await p.domain();
  const a = await p.project({ domain_id: d.id, name: `${d.name}-alpha` });
  await p.project({ domain_id: d.id, name: `${d.name}-beta`, enabled: false });
  await p.project({ domain_id: d.id, parent_id: a.id, name: `${d.name}-child` });
  const queries = [
    `domain_id=${d.id}`,
    `domain_id=${d.id}&enabled=false`,
    `domain_id=${d.id}&enabled=true`,
    `parent_id=${a.id}`,
    `parent_id=${d.id}`,
    `name=${d.name}-alpha`,
    `name=${d.name}&is_domain=true`,
    `name=${d.name}&is_domain=1&enabled=yes`,
    `domain_id=${d.id}&name__endswith=a`,
    `domain_id=${d.id}&name__iendswith=A`,
    `name__icontains=${d.name.toUpperCase()}`,
    `name__startswith=${d.name}&parent_id=${d.id}`,
    `domain_id=${'d'.repeat(65)}`,
    `domain_id=${d.id}&is_domain`,
  ];
  for (const q of queries) sameAnswer(t, await p.both('GET', `/v3/projects?${q}`), q, { sortKey: 'projects' });
});

t.test('the tree is at most [DEFAULT] max_project_tree_depth projects deep below the domain', async (t) => {
  const d = await p.domain();
  let parent = d.id;
  for (let depth = 1; depth <= 5; depth++) parent = (await p.project({ parent_id: parent, domain_id: d.id })).id;
  sameAnswer(t, await p.both('POST', '/v3/projects', { project: { name: uniqueName('rs-deep'), parent_id: parent, domain_id: d.id } }), 'too deep');
});

t.test('create refusals: dangling domain or parent, mismatched domain, disabled branch, duplicate name', async (t) => {
  const other = await p.domain();
  const disabled = await p.project({ domain_id: domain.id, enabled: false });
  const existing = await p.project({ domain_id: domain.id });
  const cases: Record<string, unknown>[] = [
    { domain_id: 'f'.repeat(32) },
    { domain_id: existing.id },
    { parent_id: 'e'.repeat(32) },
    { domain_id: other.id, parent_id: existing.id },
    { domain_id: other.id, parent_id: domain.id },
    { parent_id: disabled.id },
    { is_domain: true, parent_id: domain.id },
    { is_domain: true, domain_id: domain.id },
  ];
  for (const body of cases) {
    const pair = await createOnBoth(body);
    sameAnswer(t, pair, `create ${JSON.stringify(body)}`, { replace: pair.replace });
  }
  // The message names the id the refused project would have had.
  const mask = /project id [0-9a-f]{32}/g;
  sameAnswer(t, await p.both('POST', '/v3/projects', { project: { name: existing.name, domain_id: domain.id } }), 'duplicate', { mask });
  sameAnswer(t, await p.both('POST', '/v3/projects', { project: { name: ` ${existing.name} `, domain_id: domain.id } }), 'duplicate after strip', { mask });
});

t.test('bad bodies are 400 for create and update', async (t) => {
  const target = await p.project({ domain_id: domain.id });
  const creates: unknown[] = [
    { project: { domain_id: domain.id } },
    { project: { name: 'n'.repeat(65), domain_id: domain.id } },
    { project: { name: uniqueName('rs'), domain_id: 'has space' } },
    { project: { name: uniqueName('rs'), enabled: 'true' } },
    { project: { name: uniqueName('rs'), is_domain: 'false' } },
    { project: { name: uniqueName('rs'), tags: ['x/y'] } },
    { project: { name: uniqueName('rs'), options: { unknown: true } } },
    { project: { name: uniqueName('rs'), options: { immutable: 1 } } },
  ];
  for (const body of creates) sameAnswer(t, await p.both('POST', '/v3/projects', body), `create ${JSON.stringify(body)}`, { schemaMessage: true });
  for (const body of [{ project: {} }, { project: { parent_id: 5 } }, { project: { tags: [''] } }]) {
    sameAnswer(t, await p.both('PATCH', `/v3/projects/${target.id}`, body), `update ${JSON.stringify(body)}`, { schemaMessage: true });
  }
});
