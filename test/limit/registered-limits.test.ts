// /v3/registered_limits answered by keystone-ts as by py-keystone: the same bodies for create, show, list (with
// filters), update and delete, and the same refusals (bad bodies, dangling services and regions, duplicates,
// registrations a limit refers to, unknown ids).
import t from 'tap';
import { uniqueName } from '../helpers/identity-api.js';
import { ids, sameAnswer, SERVERS, startLimitParity, twoAtATime, withSql, type Server } from './parity.js';

const p = await startLimitParity();
t.teardown(() => p.cleanup());

/** A resource name per server, so both can create "the same" registration on the shared database. */
function names(prefix: string): Record<Server, string> {
  return { 'py-keystone': uniqueName(`${prefix}-peer`), 'keystone-ts': uniqueName(`${prefix}-ours`) };
}

async function createOnBoth(items: (name: string) => Record<string, unknown>[], prefix = 'rl') {
  const n = names(prefix);
  const theirs = await p.send('py-keystone', 'POST', '/v3/registered_limits', { registered_limits: items(n['py-keystone']) });
  const mine = await p.send('keystone-ts', 'POST', '/v3/registered_limits', { registered_limits: items(n['keystone-ts']) });
  const replace: Record<string, string> = { [n['py-keystone']]: '<name>', [n['keystone-ts']]: '<name>' };
  for (const [i, r] of (theirs.body?.registered_limits ?? []).entries()) replace[r.id] = `<id${i}>`;
  for (const [i, r] of (mine.body?.registered_limits ?? []).entries()) replace[r.id] = `<id${i}>`;
  return { theirs, mine, replace, names: n };
}

async function registeredRows(resourceName: string): Promise<number> {
  return withSql(async (sql) => (await sql`SELECT count(*)::int AS n FROM registered_limit WHERE resource_name = ${resourceName}`)[0]!.n);
}

t.test('registrations created on either server have the same body and read the same from both', async (t) => {
  const created = await createOnBoth((name) => [
    { service_id: p.serviceId, resource_name: name, default_limit: 5 },
    { service_id: p.serviceId, region_id: p.regionId, resource_name: name, default_limit: -1, description: 'per region' },
  ]);
  sameAnswer(t, created, 'create', { replace: created.replace });
  t.equal(created.mine.status, 201);
  t.same(Object.keys(created.mine.body.registered_limits[0]), ['id', 'service_id', 'region_id', 'resource_name', 'default_limit', 'description', 'links']);
  for (const id of [...ids(created.theirs.body, 'registered_limits'), ...ids(created.mine.body, 'registered_limits')]) {
    sameAnswer(t, await p.both('GET', `/v3/registered_limits/${id}`), `show ${id}`);
    const head = await p.both('HEAD', `/v3/registered_limits/${id}`);
    t.equal(head.mine.status, head.theirs.status, `head ${id}`);
  }
  sameAnswer(t, await p.both('GET', `/v3/registered_limits?service_id=${p.serviceId}`), 'list', { sortKey: 'registered_limits' });
  const head = await p.both('HEAD', '/v3/registered_limits');
  t.equal(head.mine.status, head.theirs.status, 'head list');
});

t.test('lists filter by service, region and resource name, exactly and inexactly', async (t) => {
  const prefix = uniqueName('rlf');
  const other = await p.service();
  await p.register([
    { resource_name: `${prefix}-a` },
    { resource_name: `${prefix}-a`, region_id: p.regionId },
    { resource_name: `${prefix}-B`, region_id: p.regionId },
  ]);
  const s = `service_id=${p.serviceId}`;
  const queries = [
    `service_id=${other}`,
    `${s}&resource_name=${prefix}-a`,
    `${s}&region_id=${p.regionId}`,
    `${s}&resource_name=${prefix}-a&region_id=${p.regionId}`,
    `${s}&resource_name__startswith=${prefix}`,
    `${s}&resource_name__endswith=-b`,
    `${s}&resource_name__iendswith=-b`,
    `${s}&resource_name__icontains=${prefix.toUpperCase()}`,
    // py-keystone hands a case-insensitive filter to SQL's ILIKE as it is, so `_` matches any character.
    `${s}&resource_name__icontains=${prefix}_a`,
    `${s}&region_id__icontains=${p.regionId.slice(0, 6)}`,
    `${s}&resource_name=${'n'.repeat(256)}`,
    `${s}&resource_name__contains=${prefix}&unknown=x`,
    // A case-sensitive inexact filter is applied in Python, where a null region is a TypeError: a 400.
    `${s}&region_id__contains=x`,
    `${s}&resource_name=${prefix}-a&resource_name=${prefix}-B`,
  ];
  await twoAtATime(queries, async (q) => sameAnswer(t, await p.both('GET', `/v3/registered_limits?${q}`), q, { sortKey: 'registered_limits' }));
});

t.test('an update changes the default, description and region; restating the registration is a conflict', async (t) => {
  const created = await createOnBoth((name) => [{ service_id: p.serviceId, resource_name: name, default_limit: 5, description: 'd' }], 'rlu');
  const [peerId] = ids(created.theirs.body, 'registered_limits');
  const [ourId] = ids(created.mine.body, 'registered_limits');
  const patches: [string, (name: string) => unknown][] = [
    ['default and description', () => ({ registered_limit: { default_limit: 0, description: 'changed' } })],
    ['region', () => ({ registered_limit: { region_id: p.regionId } })],
    ['description removed', () => ({ registered_limit: { description: null } })],
    ['nothing', () => ({ registered_limit: {} })],
    ['no member', () => ({})],
    ['same resource name', (name) => ({ registered_limit: { resource_name: name } })],
    ['same service', () => ({ registered_limit: { service_id: p.serviceId } })],
    ['region back to none', () => ({ registered_limit: { region_id: null } })],
    ['renamed', (name) => ({ registered_limit: { resource_name: `${name}-x` } })],
  ];
  for (const [what, body] of patches) {
    const theirs = await p.send('py-keystone', 'PATCH', `/v3/registered_limits/${peerId}`, body(created.names['py-keystone']));
    const mine = await p.send('keystone-ts', 'PATCH', `/v3/registered_limits/${ourId}`, body(created.names['keystone-ts']));
    sameAnswer(t, { theirs, mine }, what, { replace: created.replace });
  }
});

t.test('a registration another one already has is a conflict on update', async (t) => {
  const name = uniqueName('rlc');
  const [, second] = await p.register([{ resource_name: name }, { resource_name: `${name}-2` }]);
  const [third] = await p.register([{ resource_name: `${name}-3` }]);
  for (const id of [second!, third!]) {
    sameAnswer(t, await p.both('PATCH', `/v3/registered_limits/${id}`, { registered_limit: { resource_name: name } }), `rename ${id}`, {
      replace: { [id]: '<id>' },
    });
  }
});

t.test('a registration a limit refers to can be neither updated nor deleted', async (t) => {
  const name = uniqueName('rlr');
  const [id] = await p.register([{ resource_name: name }]);
  await p.limit([{ project_id: p.projectId, resource_name: name }]);
  sameAnswer(t, await p.both('PATCH', `/v3/registered_limits/${id}`, { registered_limit: { default_limit: 1 } }), 'update');
  sameAnswer(t, await p.both('DELETE', `/v3/registered_limits/${id}`), 'delete');
  sameAnswer(t, await p.both('GET', `/v3/registered_limits/${id}`), 'still there');
});

t.test('delete removes a registration from both; unknown ids are 404 for show, update and delete', async (t) => {
  for (const server of SERVERS) {
    const [id] = await p.register([{ resource_name: uniqueName('rld') }]);
    const gone = await p.send(server, 'DELETE', `/v3/registered_limits/${id}`);
    t.equal(gone.status, 204, `${server} deletes`);
    sameAnswer(t, await p.both('GET', `/v3/registered_limits/${id}`), `${server}: deleted`);
  }
  const requests = ['f'.repeat(32), 'x'.repeat(300)].flatMap((id): [string, string, unknown?][] => [
    ['GET', `/v3/registered_limits/${id}`],
    ['PATCH', `/v3/registered_limits/${id}`, { registered_limit: { default_limit: 1 } }],
    ['DELETE', `/v3/registered_limits/${id}`],
  ]);
  await twoAtATime(requests, async ([method, path, body]) => sameAnswer(t, await p.both(method, path, body), `${method} ${path.slice(0, 60)}`));
});

t.test("bad bodies are 400 with jsonschema's first error", async (t) => {
  const ok = { service_id: p.serviceId, resource_name: uniqueName('rlb'), default_limit: 1 };
  const creates: unknown[] = [
    {},
    { registered_limits: null },
    { registered_limits: {} },
    { registered_limits: [] },
    { registered_limits: ['x'] },
    { registered_limits: [{ ...ok, extra: 1 }] },
    { registered_limits: [{ service_id: p.serviceId, resource_name: 'r' }] },
    { registered_limits: [{ resource_name: 'r', default_limit: 1, unexpected: true }] },
    { registered_limits: [{ ...ok, service_id: 1 }] },
    { registered_limits: [{ ...ok, service_id: 'not an id' }] },
    { registered_limits: [{ ...ok, service_id: 'a'.repeat(65) }] },
    { registered_limits: [{ ...ok, service_id: '' }] },
    { registered_limits: [{ ...ok, region_id: 5 }] },
    { registered_limits: [{ ...ok, resource_name: '' }] },
    { registered_limits: [{ ...ok, resource_name: 'r'.repeat(256) }] },
    { registered_limits: [{ ...ok, resource_name: null }] },
    { registered_limits: [{ ...ok, default_limit: -2 }] },
    { registered_limits: [{ ...ok, default_limit: 2147483648 }] },
    { registered_limits: [{ ...ok, default_limit: '5' }] },
    { registered_limits: [{ ...ok, default_limit: true }] },
    { registered_limits: [{ ...ok, default_limit: 1.5 }] },
    { registered_limits: [{ ...ok, description: 5 }] },
    { registered_limits: [ok, { ...ok, default_limit: null }] },
  ];
  await twoAtATime(creates, async (body) =>
    sameAnswer(t, await p.both('POST', '/v3/registered_limits', body), `create ${JSON.stringify(body).slice(0, 120)}`),
  );
  t.equal(await registeredRows(ok.resource_name), 0, 'nothing written');
  const [id] = await p.register([{ resource_name: uniqueName('rlb') }]);
  const updates: unknown[] = [
    { registered_limit: [] },
    { registered_limit: 'x' },
    { registered_limit: { id: 'x' } },
    { registered_limit: { default_limit: null } },
    { registered_limit: { service_id: null } },
    { registered_limit: { resource_name: '' } },
    { registered_limit: { description: false } },
  ];
  await twoAtATime(updates, async (body) => sameAnswer(t, await p.both('PATCH', `/v3/registered_limits/${id}`, body), `update ${JSON.stringify(body)}`));
  const notJson = await p.both('POST', '/v3/registered_limits', [ok]);
  sameAnswer(t, notJson, 'a JSON array body');
});

t.test('a dangling service or region is a 400, checked for every item before anything is written', async (t) => {
  const n = names('rlx');
  const batch = (name: string, bad: Record<string, unknown>) => ({
    registered_limits: [
      { service_id: p.serviceId, resource_name: name, default_limit: 1 },
      { service_id: p.serviceId, resource_name: `${name}-2`, default_limit: 1, ...bad },
    ],
  });
  for (const bad of [{ service_id: 'f'.repeat(32) }, { region_id: uniqueName('no-region') }]) {
    const theirs = await p.send('py-keystone', 'POST', '/v3/registered_limits', batch(n['py-keystone'], bad));
    const mine = await p.send('keystone-ts', 'POST', '/v3/registered_limits', batch(n['keystone-ts'], bad));
    sameAnswer(t, { theirs, mine }, `create with ${Object.keys(bad)[0]}`);
  }
  t.equal(await registeredRows(n['keystone-ts']), 0, 'no half-written batch');
  // An update checks references before it even looks the registration up.
  const patch = { registered_limit: { service_id: 'f'.repeat(32) } };
  sameAnswer(t, await p.both('PATCH', `/v3/registered_limits/${'e'.repeat(32)}`, patch), 'update of an unknown id with a dangling service');
  sameAnswer(t, await p.both('PATCH', `/v3/registered_limits/${'e'.repeat(32)}`, { registered_limit: { region_id: 'nowhere' } }), 'dangling region');
});

t.test('duplicates are 409, against a stored registration and within one request, and nothing is written', async (t) => {
  const existing = uniqueName('rl-dup');
  await p.register([{ resource_name: existing, region_id: p.regionId }]);
  const n = names('rl-fresh');
  const cases: [string, (fresh: string) => Record<string, unknown>[]][] = [
    ['stored', (fresh) => [{ resource_name: fresh }, { resource_name: existing, region_id: p.regionId }]],
    ['in the request', (fresh) => [{ resource_name: fresh }, { resource_name: fresh }]],
  ];
  for (const [what, items] of cases) {
    const body = (fresh: string) => ({ registered_limits: items(fresh).map((i) => ({ service_id: p.serviceId, default_limit: 1, ...i })) });
    const theirs = await p.send('py-keystone', 'POST', '/v3/registered_limits', body(n['py-keystone']));
    const mine = await p.send('keystone-ts', 'POST', '/v3/registered_limits', body(n['keystone-ts']));
    sameAnswer(t, { theirs, mine }, what);
  }
  t.equal(await registeredRows(n['keystone-ts']), 0, 'nothing written');
  const sameNameNoRegion = await createOnBoth(() => [{ service_id: p.serviceId, resource_name: existing, default_limit: 1 }]);
  t.equal(sameNameNoRegion.theirs.status, 201, 'another region (none) is another registration');
  t.equal(sameNameNoRegion.mine.status, 409, '...made once only');
});
