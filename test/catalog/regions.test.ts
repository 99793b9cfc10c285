// /v3/regions against py-keystone on the same database: creating (POST with or without an id, PUT with the URL's
// id), reading, listing with parent_region_id filters, updating, deleting a region tree, and the errors on the way.
import t from 'tap';
import type { IdentityEvent } from '../../src/notifications/events.js';
import { byId, comparable, sameError, sameMember, startParity, uniqueName } from './parity.js';
import { PEER } from '../helpers/services.js';

const parity = await startParity();
t.teardown(() => parity.cleanup());
const events: IdentityEvent[] = [];
t.teardown(parity.ks.runtime.events.subscribe((e) => events.push(e)));

/** Ids of a pair of regions, one per server, that a test creates. */
const pair = (label: string) => ({ theirs: uniqueName(`cat-${label}-py`), mine: uniqueName(`cat-${label}-ts`) });

t.test('POST creates a region with the id, description and extra attributes the body gives', async (t) => {
  const ids = pair('post');
  const body = (id: string) => ({ region: { id, description: 'the north', 'geo-zone': 'eu', nested: { a: [1, 'b'] } } });
  const theirs = await parity.send('py-keystone', 'POST', '/v3/regions', body(ids.theirs));
  const mine = await parity.send('keystone-ts', 'POST', '/v3/regions', body(ids.mine));
  parity.track('regions', ids.theirs);
  parity.track('regions', ids.mine);
  t.equal(mine.status, 201);
  sameMember(t, 'region', { theirs, mine }, parity, 'POST /v3/regions');
  // Stored as py-keystone stores it: the other server reads it back the same.
  const read = await parity.send('py-keystone', 'GET', `/v3/regions/${ids.mine}`);
  t.same(comparable(read.body, PEER.url), comparable(mine.body, parity.ks.url), 'py-keystone reads back what keystone-ts wrote');
});

t.test('POST without an id (or with an empty one) generates one; the description defaults to ""', async (t) => {
  for (const region of [{}, { id: '' }, { description: null }]) {
    const r = await parity.both('POST', '/v3/regions', { region });
    parity.track('regions', r.theirs.body.region.id);
    parity.track('regions', r.mine.body.region.id);
    sameMember(t, 'region', r, parity, `POST ${JSON.stringify(region)}`);
    t.match(r.mine.body.region.id, /^[0-9a-f]{32}$/);
  }
});

t.test('PUT creates a region with the id in the URL', async (t) => {
  const ids = pair('put');
  const theirs = await parity.send('py-keystone', 'PUT', `/v3/regions/${ids.theirs}`, { region: { description: 'd' } });
  const mine = await parity.send('keystone-ts', 'PUT', `/v3/regions/${ids.mine}`, { region: { description: 'd' } });
  parity.track('regions', ids.theirs);
  parity.track('regions', ids.mine);
  t.equal(mine.status, 201);
  sameMember(t, 'region', { theirs, mine }, parity, 'PUT /v3/regions/{id}');

  const same = pair('put-same');
  const withId = {
    theirs: await parity.send('py-keystone', 'PUT', `/v3/regions/${same.theirs}`, { region: { id: same.theirs } }),
    mine: await parity.send('keystone-ts', 'PUT', `/v3/regions/${same.mine}`, { region: { id: same.mine } }),
  };
  parity.track('regions', same.theirs);
  parity.track('regions', same.mine);
  sameMember(t, 'region', withId, parity, 'PUT with the same id in the body');
});

t.test('PUT with another id in the body is a 400, and nothing is created', async (t) => {
  const id = uniqueName('cat-put-conflict');
  const r = await parity.both('PUT', `/v3/regions/${id}`, { region: { id: 'something-else' } });
  sameError(t, r, 'conflicting ids');
  t.equal((await parity.send('keystone-ts', 'GET', `/v3/regions/${id}`)).status, 404);
});

t.test('creating a region whose id exists is a 409, by POST and by PUT', async (t) => {
  const existing = await parity.region();
  sameError(t, await parity.both('POST', '/v3/regions', { region: { id: existing.id } }), 'POST duplicate');
  sameError(t, await parity.both('PUT', `/v3/regions/${existing.id}`, { region: {} }), 'PUT duplicate');
});

t.test('a parent region must exist: 404 naming the parent', async (t) => {
  const ids = pair('orphan');
  parity.track('regions', ids.theirs);
  parity.track('regions', ids.mine);
  const r = {
    theirs: await parity.send('py-keystone', 'POST', '/v3/regions', { region: { id: ids.theirs, parent_region_id: 'cat-no-such-parent' } }),
    mine: await parity.send('keystone-ts', 'POST', '/v3/regions', { region: { id: ids.mine, parent_region_id: 'cat-no-such-parent' } }),
  };
  sameError(t, r, 'missing parent');
  t.equal((await parity.send('keystone-ts', 'GET', `/v3/regions/${ids.mine}`)).status, 404, 'nothing written');
});

t.test('GET and HEAD a region; a missing one is a 404', async (t) => {
  const region = await parity.region({ description: 'readable' });
  const got = await parity.both('GET', `/v3/regions/${region.id}`);
  t.equal(got.mine.status, 200);
  t.same(comparable(got.mine.body, parity.ks.url), comparable(got.theirs.body, PEER.url));
  const head = await parity.both('HEAD', `/v3/regions/${region.id}`);
  t.equal(head.mine.status, head.theirs.status);
  t.equal(head.mine.body, undefined, 'HEAD has no body');
  sameError(t, await parity.both('GET', '/v3/regions/cat-missing-region'), 'missing region');
  t.equal((await parity.both('HEAD', '/v3/regions/cat-missing-region')).mine.status, 404);
});

t.test('listing regions: all of them, or those under a parent, exactly or by substring', async (t) => {
  const root = await parity.region();
  const children = [await parity.region({ parent_region_id: root.id }), await parity.region({ parent_region_id: root.id })];
  await parity.region({ parent_region_id: children[0].id });

  const all = await parity.both('GET', '/v3/regions');
  t.equal(all.mine.status, 200);
  const ids = (body: any) => new Set(body.regions.map((r: any) => r.id));
  for (const id of [root.id, ...children.map((c) => c.id)]) t.ok(ids(all.mine.body).has(id), `lists ${id}`);
  t.same(comparable(all.mine.body.links, parity.ks.url), comparable(all.theirs.body.links, PEER.url), 'collection links');

  for (const query of [`parent_region_id=${root.id}`, `parent_region_id__icontains=${root.id.toUpperCase()}`, `parent_region_id__istartswith=${root.id}`]) {
    const r = await parity.both('GET', `/v3/regions?${query}`);
    t.equal(r.mine.status, 200, query);
    t.same(byId(comparable(r.mine.body.regions, parity.ks.url) as any), byId(comparable(r.theirs.body.regions, PEER.url) as any), query);
    t.same(comparable(r.mine.body.links, parity.ks.url), comparable(r.theirs.body.links, PEER.url), `${query}: links`);
  }
  const none = await parity.both('GET', '/v3/regions?parent_region_id=cat-nobody');
  t.same(none.mine.body.regions, [], 'no match, empty list');
  t.same(none.theirs.body.regions, []);
});

t.test('a case-sensitive substring filter meets regions without a parent: 400 with Python\'s TypeError text', async (t) => {
  await parity.region();
  sameError(t, await parity.both('GET', '/v3/regions?parent_region_id__contains=cat'), 'parent_region_id__contains');
});

t.test('PATCH updates description, parent and extra attributes; null description becomes ""', async (t) => {
  const parent = await parity.region();
  const regions = { theirs: await parity.region({ x: 1 }), mine: await parity.region({ x: 1 }) };
  const patches = [
    { description: 'new', y: 'added' },
    { description: null, x: null },
    { parent_region_id: parent.id },
    { parent_region_id: null, id: 'IGNORED' },
  ];
  for (const patch of patches) {
    const fix = (id: string) => (patch.id ? { ...patch, id } : patch);
    const r = {
      theirs: await parity.send('py-keystone', 'PATCH', `/v3/regions/${regions.theirs.id}`, { region: fix(regions.theirs.id) }),
      mine: await parity.send('keystone-ts', 'PATCH', `/v3/regions/${regions.mine.id}`, { region: fix(regions.mine.id) }),
    };
    t.equal(r.mine.status, 200, JSON.stringify(patch));
    sameMember(t, 'region', r, parity, `PATCH ${JSON.stringify(patch)}`);
  }
});

t.test('PATCH errors: another id, an empty body, a missing region or parent, a loop', async (t) => {
  const a = await parity.region();
  const b = await parity.region({ parent_region_id: a.id });
  const c = await parity.region({ parent_region_id: b.id });
  const cases: [string, string, unknown][] = [
    ['another id', `/v3/regions/${a.id}`, { region: { id: 'other' } }],
    ['empty region', `/v3/regions/${a.id}`, { region: {} }],
    ['no region member', `/v3/regions/${a.id}`, {}],
    ['missing region', '/v3/regions/cat-missing', { region: { description: 'x' } }],
    ['missing parent', `/v3/regions/${a.id}`, { region: { parent_region_id: 'cat-missing' } }],
    ['missing region and parent', '/v3/regions/cat-missing', { region: { parent_region_id: 'cat-missing-2' } }],
    ['its own parent', `/v3/regions/${a.id}`, { region: { parent_region_id: a.id } }],
    ['a loop through its children', `/v3/regions/${a.id}`, { region: { parent_region_id: c.id } }],
  ];
  for (const [what, path, body] of cases) sameError(t, await parity.both('PATCH', path, body), what);
  t.equal((await parity.send('keystone-ts', 'GET', `/v3/regions/${a.id}`)).body.region.parent_region_id, null, 'unchanged');
});

t.test('DELETE removes the region and every region below it', async (t) => {
  for (const server of ['py-keystone', 'keystone-ts'] as const) {
    const root = await parity.region();
    const child = await parity.region({ parent_region_id: root.id });
    const grandchild = await parity.region({ parent_region_id: child.id });
    t.equal((await parity.send(server, 'DELETE', `/v3/regions/${root.id}`)).status, 204, `${server}: 204`);
    for (const id of [root.id, child.id, grandchild.id]) {
      t.equal((await parity.send('keystone-ts', 'GET', `/v3/regions/${id}`)).status, 404, `${server}: ${id} gone`);
    }
  }
  sameError(t, await parity.both('DELETE', '/v3/regions/cat-missing'), 'missing region');
});

t.test('DELETE is refused (403) while the region or one below it has an endpoint', async (t) => {
  const service = await parity.service();
  const root = await parity.region();
  const child = await parity.region({ parent_region_id: root.id });
  await parity.endpoint(service.id, { region_id: child.id });
  sameError(t, await parity.both('DELETE', `/v3/regions/${root.id}`), 'endpoint below');
  sameError(t, await parity.both('DELETE', `/v3/regions/${child.id}`), 'endpoint in the region');
  t.equal((await parity.send('keystone-ts', 'GET', `/v3/regions/${child.id}`)).status, 200, 'nothing deleted');
});

t.test('bad region bodies are 400s with py-keystone\'s message', async (t) => {
  const long = 'x'.repeat(256);
  const bodies: unknown[] = [
    { region: { id: 5 } },
    { region: { id: null } },
    { region: { parent_region_id: 5 } },
    { region: { description: ['x'] } },
    { region: 'text' },
    { region: [] },
    { region: null },
    {},
    { region: { id: long } },
    { region: { id: uniqueName('cat-long'), description: long } },
  ];
  for (const body of bodies) sameError(t, await parity.both('POST', '/v3/regions', body), `POST ${JSON.stringify(body).slice(0, 60)}`);
  const region = await parity.region();
  sameError(t, await parity.both('PATCH', `/v3/regions/${region.id}`, { region: { description: long } }), 'PATCH long description');
  sameError(t, await parity.both('PATCH', `/v3/regions/${region.id}`, { region: { id: 7 } }), 'PATCH id 7');
});

t.test('a body that is not a JSON object is a 400 before authentication', async (t) => {
  for (const body of [[], 'text', 5]) {
    const theirs = await parity.send('py-keystone', 'POST', '/v3/regions', body, '');
    const mine = await parity.send('keystone-ts', 'POST', '/v3/regions', body, '');
    sameError(t, { theirs, mine }, `body ${JSON.stringify(body)}`);
  }
});

t.test('each change emits one notification', async (t) => {
  events.length = 0;
  const id = uniqueName('cat-events');
  parity.track('regions', id);
  await parity.send('keystone-ts', 'PUT', `/v3/regions/${id}`, { region: {} });
  await parity.send('keystone-ts', 'PATCH', `/v3/regions/${id}`, { region: { description: 'x' } });
  await parity.send('keystone-ts', 'DELETE', `/v3/regions/${id}`);
  t.same(
    events.map((e) => [e.eventType, e.resourceId]),
    [
      ['identity.region.created', id],
      ['identity.region.updated', id],
      ['identity.region.deleted', id],
    ],
  );
});
