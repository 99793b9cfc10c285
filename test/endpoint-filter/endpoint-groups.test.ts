// /v3/OS-EP-FILTER/endpoint_groups and the endpoint group <-> project associations, sent to py-keystone and to
// keystone-ts on the same database: bodies, status codes, the 400s of bad bodies (py-keystone refuses attributes
// an endpoint group has no column for), the 404s of dangling references in py-keystone's lookup order, the 409 of
// a repeated association, the quirky `name` filter, and deleting a group taking its project associations along.
import t, { type Test } from 'tap';
import { PEER } from '../helpers/services.js';
import { createPeerFixture, removePeerFixture } from '../interop/fixtures.js';
import { byId, comparable, sameError, startParity, uniqueName, type Server } from '../catalog/parity.js';

const parity = await startParity();
const fixture = await createPeerFixture();
const G = '/v3/OS-EP-FILTER/endpoint_groups';
const groups: string[] = [];
t.teardown(async () => {
  for (const id of groups) await parity.send('keystone-ts', 'DELETE', `${G}/${id}`);
  await removePeerFixture(fixture);
  await parity.cleanup();
});

const region = await parity.region();
const service = await parity.service();
const endpoints = {
  public: await parity.endpoint(service.id, { interface: 'public', region_id: region.id }),
  internal: await parity.endpoint(service.id, { interface: 'internal', region_id: region.id }),
  admin: await parity.endpoint(service.id, { interface: 'admin' }),
};
const base = (server: Server) => (server === 'py-keystone' ? PEER.url : parity.ks.url);

/** Creates the same group through each server; returns the two ids. */
async function createBoth(body: Record<string, unknown>): Promise<Record<Server, any>> {
  const out = {} as Record<Server, any>;
  for (const server of ['py-keystone', 'keystone-ts'] as const) {
    const r = await parity.send(server, 'POST', G, { endpoint_group: body });
    if (r.status !== 201) throw new Error(`${server}: ${r.status} ${JSON.stringify(r.body)}`);
    groups.push(r.body.endpoint_group.id);
    out[server] = r.body;
  }
  return out;
}

const sameBody = (t: Test, theirs: unknown, mine: unknown, ids: Record<string, string> = {}, what = 'body') =>
  t.same(comparable(mine, parity.ks.url, ids), comparable(theirs, PEER.url, ids), what);

t.test('creating, reading, updating and listing a group answer alike', async (t) => {
  const name = uniqueName('epg');
  const made = await createBoth({ name, filters: { service_id: service.id }, description: 'd' });
  const [py, ts] = [made['py-keystone'].endpoint_group, made['keystone-ts'].endpoint_group];
  sameBody(t, made['py-keystone'], made['keystone-ts'], { [py.id]: 'ID', [ts.id]: 'ID' }, 'create');
  t.equal(ts.description, 'd');
  const ids = { [py.id]: 'ID', [ts.id]: 'ID' };
  for (const server of ['py-keystone', 'keystone-ts'] as const) {
    // Each server reads the group the other wrote.
    const other = server === 'py-keystone' ? ts : py;
    const r = await parity.send(server, 'GET', `${G}/${other.id}`);
    t.equal(r.status, 200);
    t.same(comparable(r.body, base(server), ids), comparable(made[server === 'py-keystone' ? 'keystone-ts' : 'py-keystone'], base(server === 'py-keystone' ? 'keystone-ts' : 'py-keystone'), ids), `${server} reads the other's group`);
  }
  const patch = { endpoint_group: { name: `${name}-2`, description: null, filters: { interface: 'internal' } } };
  const [p1, p2] = [await parity.send('py-keystone', 'PATCH', `${G}/${py.id}`, patch), await parity.send('keystone-ts', 'PATCH', `${G}/${ts.id}`, patch)];
  t.equal(p2.status, p1.status);
  sameBody(t, p1.body, p2.body, ids, 'update');
  const list = await parity.both('GET', `${G}?name=${name}-2`);
  t.equal(list.mine.status, 200);
  t.same(
    byId(list.mine.body.endpoint_groups).map((g: any) => g.id),
    [py.id, ts.id].sort(),
    'the name filter finds both groups',
  );
  t.same(list.mine.body.links, { next: null, self: `${parity.ks.url}${G}?name=${name}-2`, previous: null });
  const head = await parity.both('HEAD', `${G}/${ts.id}`);
  t.equal(head.mine.status, head.theirs.status, 'HEAD');
});

t.test("the list's filters are read as py-keystone reads them", async (t) => {
  const name = uniqueName('epg-f');
  await createBoth({ name, filters: { interface: 'admin' } });
  for (const query of [`name=${name}`, 'name=nothing-has-this-name', 'n=x', 'am=x', 'n__contains=x', `name__contains=${name}`]) {
    const r = await parity.both('GET', `${G}?${query}`);
    t.equal(r.mine.status, r.theirs.status, `${query}: status`);
    t.same(byId(r.mine.body.endpoint_groups).map((g: any) => g.id), byId(r.theirs.body.endpoint_groups).map((g: any) => g.id), `${query}: same groups`);
  }
});

t.test('a group lists the endpoints its filters select', async (t) => {
  const made = await createBoth({ name: uniqueName('epg-e'), filters: { service_id: service.id, region_id: region.id } });
  const [py, ts] = [made['py-keystone'].endpoint_group.id, made['keystone-ts'].endpoint_group.id];
  const theirs = await parity.send('py-keystone', 'GET', `${G}/${py}/endpoints`);
  const mine = await parity.send('keystone-ts', 'GET', `${G}/${ts}/endpoints`);
  t.equal(mine.status, 200);
  const strip = (r: any) => byId(r.endpoints);
  t.same(comparable(strip(mine.body), parity.ks.url), comparable(strip(theirs.body), PEER.url));
  t.same(strip(mine.body).map((e: any) => e.id), [endpoints.public.id, endpoints.internal.id].sort());
});

t.test('bad bodies: the same 400', async (t) => {
  const bodies: unknown[] = [
    {},
    { endpoint_group: null },
    { endpoint_group: { name: 'x' } },
    { endpoint_group: { filters: { interface: 'public' } } },
    { endpoint_group: { name: 'x', filters: {} } },
    { endpoint_group: { name: 'x', filters: { url: 'y' } } },
    { endpoint_group: { name: 'x', filters: 'interface' } },
    { endpoint_group: { name: '', filters: { interface: 'public' } } },
    { endpoint_group: { name: ' ', filters: { interface: 'public' } } },
    { endpoint_group: { name: 5, filters: { interface: 'public' } } },
    { endpoint_group: { name: 'x', filters: { interface: 'public' }, description: 5 } },
    { endpoint_group: { name: 'x', filters: { interface: 'public' }, enabled: true, other: 1 } },
    { endpoint_group: { name: 'x', filters: { interface: 'public' }, links: {} } },
  ];
  for (const body of bodies) sameError(t, await parity.both('POST', G, body), `POST ${JSON.stringify(body)}`);
  const made = await createBoth({ name: uniqueName('epg-b'), filters: { interface: 'public' } });
  const id = made['keystone-ts'].endpoint_group.id;
  const patches: unknown[] = [
    { endpoint_group: {} },
    { endpoint_group: { id: 'other' } },
    { endpoint_group: { filters: { bogus: 1 } } },
    { endpoint_group: { extra_attr: 1 } },
    { endpoint_group: { name: null } },
  ];
  for (const body of patches) sameError(t, await parity.both('PATCH', `${G}/${id}`, body), `PATCH ${JSON.stringify(body)}`);
  const empty = await parity.both('PATCH', `${G}/${id}`, { endpoint_group: { filters: {} } });
  t.equal(empty.mine.status, empty.theirs.status, 'an update may empty the filters');
});

t.test('missing groups and projects: the same 404s, in py-keystone order', async (t) => {
  const made = await createBoth({ name: uniqueName('epg-404'), filters: { interface: 'public' } });
  const id = made['keystone-ts'].endpoint_group.id;
  const project = fixture.project.id;
  const requests: [string, string, unknown?][] = [
    ['GET', `${G}/missing`],
    ['PATCH', `${G}/missing`, { endpoint_group: { name: 'x' } }],
    ['DELETE', `${G}/missing`],
    ['GET', `${G}/missing/endpoints`],
    ['GET', `${G}/missing/projects`],
    ['GET', `${G}/missing/projects/missing`],
    ['PUT', `${G}/missing/projects/${project}`],
    ['PUT', `${G}/${id}/projects/missing`],
    ['DELETE', `${G}/missing/projects/${project}`],
    ['GET', `${G}/${id}/projects/${project}`],
    ['DELETE', `${G}/${id}/projects/${project}`],
    ['GET', '/v3/OS-EP-FILTER/projects/missing/endpoint_groups'],
  ];
  for (const [method, path, body] of requests) {
    const r = await parity.both(method, path, body);
    if (r.theirs.status >= 400) sameError(t, r, `${method} ${path}`);
    else t.same(comparable(r.mine.body, parity.ks.url), comparable(r.theirs.body, PEER.url), `${method} ${path}`);
  }
});

t.test('associating groups with a project, through either server', async (t) => {
  const made = await createBoth({ name: uniqueName('epg-p'), filters: { interface: 'public' } });
  const [py, ts] = [made['py-keystone'].endpoint_group.id, made['keystone-ts'].endpoint_group.id];
  const project = fixture.project.id;
  t.equal((await parity.send('py-keystone', 'PUT', `${G}/${py}/projects/${project}`)).status, 204);
  t.equal((await parity.send('keystone-ts', 'PUT', `${G}/${ts}/projects/${project}`)).status, 204);
  const again = await parity.both('PUT', `${G}/${ts}/projects/${project}`);
  sameError(t, again, 'a repeated association is a 409');
  for (const id of [py, ts]) {
    const r = await parity.both('GET', `${G}/${id}/projects/${project}`);
    t.equal(r.mine.status, 200);
    t.same(r.mine.body, r.theirs.body, 'the association, with its relative self link');
    const head = await parity.both('HEAD', `${G}/${id}/projects/${project}`);
    t.equal(head.mine.status, head.theirs.status);
    const projects = await parity.both('GET', `${G}/${id}/projects`);
    t.same(comparable(projects.mine.body, parity.ks.url), comparable(projects.theirs.body, PEER.url), 'projects of the group');
  }
  const listed = await parity.both('GET', `/v3/OS-EP-FILTER/projects/${project}/endpoint_groups`);
  t.same(
    comparable(byId(listed.mine.body.endpoint_groups), parity.ks.url),
    comparable(byId(listed.theirs.body.endpoint_groups), PEER.url),
    'groups of the project',
  );
  t.same(byId(listed.mine.body.endpoint_groups).map((g: any) => g.id), [py, ts].sort());
  t.equal((await parity.send('keystone-ts', 'DELETE', `${G}/${py}/projects/${project}`)).status, 204);
  t.equal((await parity.send('py-keystone', 'GET', `${G}/${py}/projects/${project}`)).status, 404, 'removed for the peer too');
});

t.test('deleting a group removes its project associations', async (t) => {
  const made = await createBoth({ name: uniqueName('epg-d'), filters: { interface: 'public' } });
  const id = made['py-keystone'].endpoint_group.id;
  const project = fixture.project.id;
  t.equal((await parity.send('py-keystone', 'PUT', `${G}/${id}/projects/${project}`)).status, 204);
  const r = await parity.send('keystone-ts', 'DELETE', `${G}/${id}`);
  t.equal(r.status, 204);
  const groupsOf = await parity.send('py-keystone', 'GET', `/v3/OS-EP-FILTER/projects/${project}/endpoint_groups`);
  t.notOk(groupsOf.body.endpoint_groups.some((g: any) => g.id === id), 'the peer no longer sees the association');
  t.same((await parity.send('py-keystone', 'GET', `${G}/${id}/projects`)).body.projects, []);
});
