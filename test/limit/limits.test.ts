// /v3/limits and /v3/limits/model answered by keystone-ts as by py-keystone: the same bodies for create, show,
// list (with filters), update and delete, and the same refusals (bad bodies, dangling references, limits without a
// registration, duplicates, unknown ids); the list limit cuts lists as py-keystone does.
import t from 'tap';
import { call, uniqueName } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs } from '../helpers/keystone-ts.js';
import { ids, sameAnswer, SERVERS, startLimitParity, twoAtATime, withSql, type Server } from './parity.js';

const p = await startLimitParity();
t.teardown(() => p.cleanup());

/** A registered resource per server (with and without the test region), so both can create "the same" limits. */
async function resourcesPerServer(prefix: string): Promise<Record<Server, string>> {
  const n = { 'py-keystone': uniqueName(`${prefix}-peer`), 'keystone-ts': uniqueName(`${prefix}-ours`) };
  await p.register(Object.values(n).flatMap((name) => [{ resource_name: name }, { resource_name: name, region_id: p.regionId }]));
  return n;
}

async function limitRows(resourceName: string): Promise<number> {
  return withSql(
    async (sql) =>
      (await sql`SELECT count(*)::int AS n FROM "limit" l JOIN registered_limit r ON r.id = l.registered_limit_id WHERE r.resource_name = ${resourceName}`)[0]!.n,
  );
}

async function createOnBoth(n: Record<Server, string>, items: (name: string) => Record<string, unknown>[]) {
  const body = (name: string) => ({ limits: items(name).map((i) => ({ service_id: p.serviceId, ...i })) });
  const theirs = await p.send('py-keystone', 'POST', '/v3/limits', body(n['py-keystone']));
  const mine = await p.send('keystone-ts', 'POST', '/v3/limits', body(n['keystone-ts']));
  const replace: Record<string, string> = { [n['py-keystone']]: '<name>', [n['keystone-ts']]: '<name>' };
  for (const [i, r] of (theirs.body?.limits ?? []).entries()) replace[r.id] = `<id${i}>`;
  for (const [i, r] of (mine.body?.limits ?? []).entries()) replace[r.id] = `<id${i}>`;
  return { theirs, mine, replace };
}

t.test('limits created on either server have the same body and read the same from both', async (t) => {
  const n = await resourcesPerServer('lim');
  const created = await createOnBoth(n, (name) => [
    { project_id: p.projectId, resource_name: name, resource_limit: 3 },
    { domain_id: p.domainId, region_id: p.regionId, resource_name: name, resource_limit: -1, description: 'domain-wide' },
  ]);
  sameAnswer(t, created, 'create', { replace: created.replace });
  t.equal(created.mine.status, 201);
  const limitIds = [...ids(created.theirs.body, 'limits'), ...ids(created.mine.body, 'limits')];
  for (const id of limitIds) {
    sameAnswer(t, await p.both('GET', `/v3/limits/${id}`, undefined, p.systemToken), `show ${id}`);
    const head = await p.both('HEAD', `/v3/limits/${id}`, undefined, p.systemToken);
    t.equal(head.mine.status, head.theirs.status, `head ${id}`);
  }
  const list = await p.both('GET', `/v3/limits?service_id=${p.serviceId}`, undefined, p.systemToken);
  sameAnswer(t, list, 'list', { sortKey: 'limits' });
  t.same(ids(list.mine.body, 'limits'), [...limitIds].sort(), 'the system scope sees them all');
});

t.test('a project_id naming a domain makes a domain limit', async (t) => {
  const n = await resourcesPerServer('limd');
  const created = await createOnBoth(n, (name) => [{ project_id: p.domainId, resource_name: name, resource_limit: 7 }]);
  sameAnswer(t, created, 'create', { replace: created.replace });
  t.equal(created.mine.body.limits[0].domain_id, p.domainId);
  t.equal(created.mine.body.limits[0].project_id, null);
});

t.test('lists filter by service, region, resource name, project and domain, exactly and inexactly', async (t) => {
  const prefix = uniqueName('limf');
  await p.register([
    { resource_name: `${prefix}-a` },
    { resource_name: `${prefix}-a`, region_id: p.regionId },
    { resource_name: `${prefix}-B` },
  ]);
  await p.limit([
    { project_id: p.projectId, resource_name: `${prefix}-a` },
    { project_id: p.childProjectId, resource_name: `${prefix}-a`, region_id: p.regionId },
    { domain_id: p.domainId, resource_name: `${prefix}-B` },
  ]);
  const s = `service_id=${p.serviceId}&resource_name__startswith=${prefix}`;
  const queries = [
    s,
    `${s}&project_id=${p.projectId}`,
    `${s}&domain_id=${p.domainId}`,
    `${s}&region_id=${p.regionId}`,
    `${s}&resource_name=${prefix}-a`,
    `${s}&resource_name__iendswith=-b`,
    `${s}&project_id__icontains=${p.childProjectId.slice(4, 12).toUpperCase()}`,
    `${s}&region_id__icontains=${p.regionId.slice(0, 6)}`,
    `${s}&project_id=${'p'.repeat(65)}`,
    `${s}&domain_id=${p.domainId}&project_id=${p.projectId}`,
    // Case-sensitive inexact filters run in Python, where a null project or region is a TypeError (a 400).
    `${s}&project_id__contains=${p.projectId.slice(0, 8)}`,
    `${s}&region_id__contains=x`,
    `${s}&project_id=${p.projectId}&region_id__contains=x`,
  ];
  await twoAtATime(queries, async (q) => sameAnswer(t, await p.both('GET', `/v3/limits?${q}`, undefined, p.systemToken), q, { sortKey: 'limits' }));
  // The admin's project-scoped token sees only the admin project's limits.
  sameAnswer(t, await p.both('GET', `/v3/limits?${s}`), 'project scope', { sortKey: 'limits' });
});

t.test('an update changes the value and description; a value of 0 and an empty or null description are ignored', async (t) => {
  const n = await resourcesPerServer('limu');
  const created = await createOnBoth(n, (name) => [{ project_id: p.projectId, resource_name: name, resource_limit: 3, description: 'd' }]);
  const [peerId] = ids(created.theirs.body, 'limits');
  const [ourId] = ids(created.mine.body, 'limits');
  const patches: [string, unknown][] = [
    ['value and description', { limit: { resource_limit: 9, description: 'changed' } }],
    ['value 0', { limit: { resource_limit: 0 } }],
    ['empty description', { limit: { description: '' } }],
    ['null description', { limit: { description: null } }],
    ['unlimited', { limit: { resource_limit: -1 } }],
    ['nothing', { limit: {} }],
    ['no member', {}],
  ];
  for (const [what, body] of patches) {
    const theirs = await p.send('py-keystone', 'PATCH', `/v3/limits/${peerId}`, body);
    const mine = await p.send('keystone-ts', 'PATCH', `/v3/limits/${ourId}`, body);
    sameAnswer(t, { theirs, mine }, what, { replace: created.replace });
  }
});

t.test('delete removes a limit from both; unknown ids are 404 for show, update and delete', async (t) => {
  for (const server of SERVERS) {
    const name = uniqueName('limx');
    await p.register([{ resource_name: name }]);
    const [id] = await p.limit([{ project_id: p.projectId, resource_name: name }]);
    const gone = await p.send(server, 'DELETE', `/v3/limits/${id}`);
    t.equal(gone.status, 204, `${server} deletes`);
    sameAnswer(t, await p.both('GET', `/v3/limits/${id}`), `${server}: deleted`);
  }
  const unknown = 'f'.repeat(32);
  const requests: [string, string, unknown?][] = [
    ['GET', `/v3/limits/${unknown}`],
    ['PATCH', `/v3/limits/${unknown}`, { limit: { resource_limit: 1 } }],
    ['DELETE', `/v3/limits/${unknown}`],
    // /v3/limits/model answers GET only; other methods reach the limit routes, with "model" as the id.
    ['PATCH', '/v3/limits/model', { limit: { resource_limit: 1 } }],
    ['DELETE', '/v3/limits/model'],
  ];
  await twoAtATime(requests, async ([method, path, body]) => sameAnswer(t, await p.both(method, path, body), `${method} ${path}`));
});

t.test('the enforcement model is flat unless configured', async (t) => {
  sameAnswer(t, await p.both('GET', '/v3/limits/model'), 'model');
  const head = await p.both('HEAD', '/v3/limits/model');
  t.equal(head.mine.status, head.theirs.status, 'head');
});

t.test("bad bodies are 400 with jsonschema's first error", async (t) => {
  const ok = { project_id: p.projectId, service_id: p.serviceId, resource_name: uniqueName('limb'), resource_limit: 1 };
  const domainOk = { domain_id: p.domainId, service_id: p.serviceId, resource_name: ok.resource_name, resource_limit: 1 };
  const creates: unknown[] = [
    {},
    { limits: null },
    { limits: {} },
    { limits: [] },
    { limits: [5] },
    { limits: [{ ...ok, domain_id: p.domainId }] },
    { limits: [{ ...ok, extra: 1 }] },
    { limits: [{ service_id: p.serviceId, resource_name: 'r', resource_limit: 1 }] },
    { limits: [{ ...ok, region_id: null }] },
    { limits: [{ ...ok, project_id: 'not an id' }] },
    { limits: [{ ...domainOk, domain_id: 5 }] },
    { limits: [{ ...ok, resource_limit: -2 }] },
    { limits: [{ ...ok, resource_limit: 2 ** 31 }] },
    { limits: [{ ...ok, resource_limit: '1' }] },
    { limits: [{ ...ok, resource_name: '' }] },
    { limits: [{ ...ok, description: [] }] },
    { limits: [ok, 'x'] },
  ];
  await twoAtATime(creates, async (body) => sameAnswer(t, await p.both('POST', '/v3/limits', body), `create ${JSON.stringify(body).slice(0, 120)}`));
  t.equal(await limitRows(ok.resource_name), 0, 'nothing written');
  const name = uniqueName('limb');
  await p.register([{ resource_name: name }]);
  const [id] = await p.limit([{ project_id: p.projectId, resource_name: name }]);
  const updates: unknown[] = [
    { limit: [] },
    { limit: { id: 'x' } },
    { limit: { resource_limit: null } },
    { limit: { resource_limit: 'x' } },
    { limit: { resource_limit: -5 } },
    { limit: { description: 1 } },
    { limit: { project_id: p.childProjectId } },
  ];
  await twoAtATime(updates, async (body) => sameAnswer(t, await p.both('PATCH', `/v3/limits/${id}`, body), `update ${JSON.stringify(body)}`));
  sameAnswer(t, await p.both('POST', '/v3/limits', [ok]), 'a JSON array body');
});

t.test('a dangling reference is a 400 and a limit without a registration a 403, and nothing is written', async (t) => {
  const n = await resourcesPerServer('limr');
  const cases: [string, Record<string, unknown>][] = [
    ['service', { project_id: p.projectId, service_id: 'f'.repeat(32) }],
    ['region', { project_id: p.projectId, region_id: uniqueName('nowhere') }],
    ['project', { project_id: 'f'.repeat(32) }],
    ['domain', { domain_id: 'f'.repeat(32) }],
    ['domain that is a project', { domain_id: p.projectId }],
    ['no registration for the region', { project_id: p.childProjectId, region_id: 'RegionOne' }],
    ['no registration at all', { project_id: p.childProjectId, resource_name: uniqueName('unregistered') }],
  ];
  for (const [what, bad] of cases) {
    const pair = await createOnBoth(n, (name) => [
      { project_id: p.projectId, resource_name: name, resource_limit: 1 },
      { resource_name: name, resource_limit: 1, ...bad },
    ]);
    sameAnswer(t, pair, what, { replace: pair.replace });
  }
  t.equal(await limitRows(n['keystone-ts']), 0, 'no half-written batch');
});

t.test('duplicates are 409, against a stored limit and within one request, and nothing is written', async (t) => {
  const n = await resourcesPerServer('limdup');
  const existing = uniqueName('limdup');
  await p.register([{ resource_name: existing }]);
  await p.limit([{ project_id: p.projectId, resource_name: existing }]);
  const cases: [string, (name: string) => Record<string, unknown>[]][] = [
    ['stored', (name) => [{ project_id: p.projectId, resource_name: name, resource_limit: 1 }, { project_id: p.projectId, resource_name: existing, resource_limit: 2 }]],
    ['in the request', (name) => [{ domain_id: p.domainId, resource_name: name, resource_limit: 1 }, { project_id: p.domainId, resource_name: name, resource_limit: 2 }]],
  ];
  for (const [what, items] of cases) {
    const pair = await createOnBoth(n, items);
    sameAnswer(t, pair, what, { replace: pair.replace });
  }
  t.equal(await limitRows(n['keystone-ts']), 0, 'nothing written');
});

t.test('[unified_limit] list_limit cuts lists and says so', async (t) => {
  const ks = await startKeystoneTs(besidePeerConfig({ unified_limit: { list_limit: '2' }, DEFAULT: { list_limit: '50' } }));
  t.teardown(() => ks.close());
  const prefix = uniqueName('limt');
  await p.register([1, 2, 3].map((i) => ({ resource_name: `${prefix}-${i}` })));
  await p.limit([1, 2, 3].map((i) => ({ project_id: p.projectId, resource_name: `${prefix}-${i}` })));
  for (const path of [
    `/v3/registered_limits?resource_name__startswith=${prefix}`,
    `/v3/registered_limits?resource_name__contains=${prefix}`,
    `/v3/limits?resource_name__startswith=${prefix}`,
    `/v3/limits?resource_name__contains=${prefix}`,
  ]) {
    const { body } = await call(ks.url, 'GET', path, { token: p.systemToken });
    const key = path.startsWith('/v3/limits') ? 'limits' : 'registered_limits';
    t.equal(body[key].length, 2, `${path}: two`);
    t.equal(body.truncated, true, `${path}: truncated`);
  }
  const unlimited = await p.send('keystone-ts', 'GET', `/v3/limits?resource_name__startswith=${prefix}`, undefined, p.systemToken);
  t.equal(unlimited.body.limits.length, 3, 'without a list limit, all three');
  t.notOk(unlimited.body.truncated);
});
