// Endpoints associated with projects (/v3/OS-EP-FILTER/projects/{id}/endpoints/{id}) and what OS-EP-FILTER does to
// token catalogs: a project with associations, direct or through endpoint groups, gets a catalog narrowed to those
// endpoints (disabled ones and services left empty dropped), the same from both servers; a project without any
// gets the whole catalog, or none with [endpoint_filter] return_all_endpoints_if_no_filter = false. Deleting an
// endpoint or a project removes its associations, which the peer then no longer sees.
import t from 'tap';
import { call, issueToken, normaliseTokenBody, passwordAuth, uniqueName, type ScopeRequest } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { createPeerFixture, removePeerFixture } from '../interop/fixtures.js';
import { byId, comparable, sameError, startParity } from '../catalog/parity.js';

const parity = await startParity();
const fixture = await createPeerFixture();
const strict = await startKeystoneTs(besidePeerConfig({ endpoint_filter: { return_all_endpoints_if_no_filter: 'false' } }));
const F = '/v3/OS-EP-FILTER';
const groups: string[] = [];
t.teardown(async () => {
  for (const id of groups) await parity.send('keystone-ts', 'DELETE', `${F}/endpoint_groups/${id}`);
  await strict.close();
  await removePeerFixture(fixture);
  await parity.cleanup();
});

const admin = (method: string, path: string, body?: unknown) => parity.must(method, path, body, 'keystone-ts');
/** A project in the fixture's domain on which the fixture's user is a member. */
async function memberProject(): Promise<string> {
  const project = (await parity.must('POST', '/v3/projects', { project: { name: uniqueName('epf-proj'), domain_id: fixture.domain.id } })).project;
  await parity.must('PUT', `/v3/projects/${project.id}/users/${fixture.user.id}/roles/${fixture.roles.member}`);
  return project.id;
}

const region = await parity.region();
const compute = await parity.service({ name: 'epf-compute' });
const storage = await parity.service({ name: 'epf-storage' });
const image = await parity.service({ name: 'epf-image' });
const ep = {
  computePublic: await parity.endpoint(compute.id, { interface: 'public', url: 'http://compute.test/$(project_id)s', region_id: region.id }),
  computeAdmin: await parity.endpoint(compute.id, { interface: 'admin', url: 'http://compute.admin/' }),
  storagePublic: await parity.endpoint(storage.id, { interface: 'public', url: 'http://storage.test/' }),
  storageOff: await parity.endpoint(storage.id, { interface: 'internal', url: 'http://storage.internal/', enabled: false }),
  imagePublic: await parity.endpoint(image.id, { interface: 'public', url: 'http://image.test/' }),
};
const project = fixture.project.id;
const user = { name: fixture.user.name, domainId: fixture.domain.id };

async function catalogsFrom(scope: ScopeRequest): Promise<{ py: any[]; ts: any[]; strict: any[] }> {
  const one = async (base: string) => {
    const issued = await issueToken(base, passwordAuth(user, fixture.user.password, scope));
    if (issued.status !== 201) throw new Error(`${base}: ${issued.status} ${JSON.stringify(issued.body)}`);
    return normaliseTokenBody(issued.body).catalog as any[];
  };
  return { py: await one(PEER.url), ts: await one(parity.ks.url), strict: await one(strict.url) };
}
const endpointIds = (catalog: any[]) => catalog.flatMap((s) => s.endpoints.map((e: any) => e.id)).sort();

t.test('associating endpoints with a project: the same answers from both', async (t) => {
  const path = (endpointId: string) => `${F}/projects/${project}/endpoints/${endpointId}`;
  t.equal((await parity.send('py-keystone', 'PUT', path(ep.computePublic.id))).status, 204, 'the peer associates one');
  t.equal((await parity.send('keystone-ts', 'PUT', path(ep.computeAdmin.id))).status, 204, 'keystone-ts another');
  sameError(t, await parity.both('PUT', path(ep.computeAdmin.id)), 'a repeated association is a 409');
  for (const id of [ep.computePublic.id, ep.computeAdmin.id]) {
    for (const method of ['GET', 'HEAD']) {
      const r = await parity.both(method, path(id));
      t.equal(r.mine.status, r.theirs.status, `${method} ${id}: ${r.theirs.status}`);
    }
    const projects = await parity.both('GET', `${F}/endpoints/${id}/projects`);
    t.equal(projects.mine.status, 200);
    t.same(comparable(projects.mine.body, parity.ks.url), comparable(projects.theirs.body, PEER.url), 'projects of the endpoint');
  }
  const listed = await parity.both('GET', `${F}/projects/${project}/endpoints`);
  t.same(comparable(byId(listed.mine.body.endpoints), parity.ks.url), comparable(byId(listed.theirs.body.endpoints), PEER.url));
  t.same(listed.mine.body.endpoints.map((e: any) => e.id).sort(), [ep.computePublic.id, ep.computeAdmin.id].sort());
});

t.test('missing projects, endpoints and associations: the same 404s', async (t) => {
  const paths: [string, string][] = [
    ['GET', `${F}/projects/missing/endpoints/missing`],
    ['GET', `${F}/projects/missing/endpoints/${ep.imagePublic.id}`],
    ['GET', `${F}/projects/${project}/endpoints/${ep.imagePublic.id}`],
    ['PUT', `${F}/projects/missing/endpoints/missing`],
    ['PUT', `${F}/projects/missing/endpoints/${ep.imagePublic.id}`],
    ['PUT', `${F}/projects/${project}/endpoints/missing`],
    ['DELETE', `${F}/projects/missing/endpoints/missing`],
    ['DELETE', `${F}/projects/${project}/endpoints/${ep.imagePublic.id}`],
    ['GET', `${F}/projects/missing/endpoints`],
    ['GET', `${F}/endpoints/missing/projects`],
  ];
  for (const [method, path] of paths) sameError(t, await parity.both(method, path), `${method} ${path}`);
});

t.test('a project-scoped token shows only the associated endpoints, from either server', async (t) => {
  const c = await catalogsFrom({ project: { id: project } });
  t.same(comparable(c.ts, parity.ks.url), comparable(c.py, PEER.url), 'the same narrowed catalog');
  t.same(endpointIds(c.ts), [ep.computePublic.id, ep.computeAdmin.id].sort());
  t.same(c.ts.map((s) => s.id), [compute.id], 'services left without endpoints are dropped');
  t.same(c.strict, c.ts, 'a filtered catalog does not depend on return_all_endpoints_if_no_filter');
  const auth = await issueToken(parity.ks.url, passwordAuth(user, fixture.user.password, { project: { id: project } }));
  const [mine, theirs] = [
    await call(parity.ks.url, 'GET', '/v3/auth/catalog', { token: auth.id }),
    await call(PEER.url, 'GET', '/v3/auth/catalog', { token: auth.id }),
  ];
  t.same(byId(mine.body.catalog).map((s: any) => s.id), byId(theirs.body.catalog).map((s: any) => s.id), 'GET /v3/auth/catalog agrees');
});

t.test('endpoint groups add their endpoints; disabled ones stay out', async (t) => {
  const projectId = await memberProject();
  t.teardown(() => parity.send('py-keystone', 'DELETE', `/v3/projects/${projectId}`));
  const group = (await admin('POST', `${F}/endpoint_groups`, { endpoint_group: { name: uniqueName('epf-g'), filters: { service_id: storage.id } } }))
    .endpoint_group;
  groups.push(group.id);
  await admin('PUT', `${F}/endpoint_groups/${group.id}/projects/${projectId}`);
  await parity.must('PUT', `${F}/projects/${projectId}/endpoints/${ep.imagePublic.id}`);
  const scope = { project: { id: projectId } };
  const c = await catalogsFrom(scope);
  t.same(comparable(c.ts, parity.ks.url), comparable(c.py, PEER.url), 'the same catalog');
  t.same(endpointIds(c.ts), [ep.storagePublic.id, ep.imagePublic.id].sort(), 'the disabled storage endpoint stays out');
  const listed = await parity.both('GET', `${F}/projects/${projectId}/endpoints`);
  t.same(comparable(byId(listed.mine.body.endpoints), parity.ks.url), comparable(byId(listed.theirs.body.endpoints), PEER.url));
  t.equal(listed.mine.body.endpoints.length, 3, 'the project lists the disabled endpoint of its group too');
  // A change to the group through keystone-ts shows in the next token of both servers.
  await admin('PATCH', `${F}/endpoint_groups/${group.id}`, { endpoint_group: { filters: { service_id: storage.id, interface: 'internal' } } });
  const after = await catalogsFrom(scope);
  t.same(comparable(after.ts, parity.ks.url), comparable(after.py, PEER.url), 'the same catalog after the change');
  t.same(endpointIds(after.ts), [ep.imagePublic.id], 'only the direct association is left with an endpoint');
});

t.test('without associations: the whole catalog, or none when return_all_endpoints_if_no_filter is false', async (t) => {
  const projectId = await memberProject();
  t.teardown(() => parity.send('py-keystone', 'DELETE', `/v3/projects/${projectId}`));
  const own = (catalog: any[]) => endpointIds(catalog.filter((s) => [compute.id, storage.id, image.id].includes(s.id)));
  const c = await catalogsFrom({ project: { id: projectId } });
  t.same(own(c.ts), own(c.py), 'the same unfiltered catalog');
  t.equal(own(c.ts).length, 4, 'every enabled endpoint of this file');
  t.same(c.strict, [], 'empty with return_all_endpoints_if_no_filter = false');
  const domain = await catalogsFrom({ domain: { id: fixture.domain.id } });
  t.ok(domain.ts.length > 0, 'a domain token has a catalog by default');
  t.same(domain.strict, [], 'and none with return_all_endpoints_if_no_filter = false');
});

t.test('deleting an endpoint or a project removes its associations', async (t) => {
  const projectId = await memberProject();
  const doomed = await parity.endpoint(image.id, { url: 'http://image.doomed/' });
  const group = (await admin('POST', `${F}/endpoint_groups`, { endpoint_group: { name: uniqueName('epf-d'), filters: { interface: 'public' } } }))
    .endpoint_group;
  groups.push(group.id);
  await admin('PUT', `${F}/projects/${projectId}/endpoints/${doomed.id}`);
  await admin('PUT', `${F}/projects/${projectId}/endpoints/${ep.imagePublic.id}`);
  await admin('PUT', `${F}/endpoint_groups/${group.id}/projects/${projectId}`);
  t.equal((await parity.send('keystone-ts', 'DELETE', `/v3/endpoints/${doomed.id}`)).status, 204);
  const left = await parity.send('py-keystone', 'GET', `${F}/projects/${projectId}/endpoints`);
  t.notOk(left.body.endpoints.some((e: any) => e.id === doomed.id), 'the deleted endpoint is no longer associated');
  t.equal((await parity.send('keystone-ts', 'DELETE', `/v3/projects/${projectId}`)).status, 204);
  // py-keystone looks up every associated project: a dangling association would make these 404s.
  const projects = await parity.send('py-keystone', 'GET', `${F}/endpoints/${ep.imagePublic.id}/projects`);
  t.equal(projects.status, 200);
  t.notOk(projects.body.projects.some((p: any) => p.id === projectId));
  const members = await parity.send('py-keystone', 'GET', `${F}/endpoint_groups/${group.id}/projects`);
  t.same([members.status, members.body.projects], [200, []], "the group's association went with the project");
});
