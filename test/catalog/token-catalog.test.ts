// The catalog in tokens after services and endpoints are created, disabled and changed through keystone-ts's
// routes: a project-scoped token from either server carries exactly the enabled services and endpoints, with
// $(project_id)s / %(tenant_id)s / $(user_id)s substituted as py-keystone substitutes them; a domain-scoped token
// leaves out the endpoints that need a project; and a token keystone-ts validated before a change shows the change
// at once.
import t from 'tap';
import { call, issueToken, normaliseTokenBody, passwordAuth, type ScopeRequest } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { createPeerFixture, removePeerFixture } from '../interop/fixtures.js';
import { startParity, uniqueName, type Server } from './parity.js';

const parity = await startParity();
const fixture = await createPeerFixture();
t.teardown(async () => {
  await parity.cleanup();
  await removePeerFixture(fixture);
});

const api = (method: string, path: string, body?: unknown) => parity.must(method, path, body, 'keystone-ts');
const region = await parity.region();
const compute = await parity.service({ name: 'nova', description: 'compute' });
const storage = await parity.service({ name: 'swift' });
const retired = await parity.service({ name: 'retired' });
const urls = {
  public: await parity.endpoint(compute.id, { interface: 'public', url: 'http://nova.test/v2.1/$(project_id)s', region_id: region.id }),
  internal: await parity.endpoint(compute.id, { interface: 'internal', url: 'http://nova.internal/v2/%(tenant_id)s', region: region.id }),
  user: await parity.endpoint(compute.id, { interface: 'admin', url: 'http://nova.admin/$(user_id)s/x' }),
  plain: await parity.endpoint(storage.id, { interface: 'public', url: 'http://swift.test/v1', 'x-extra': 'shown' }),
  ports: await parity.endpoint(storage.id, { interface: 'internal', url: 'http://$(public_bind_host)s:$(public_port)s/' }),
  disabled: await parity.endpoint(storage.id, { interface: 'admin', url: 'http://swift.admin/', enabled: false }),
  broken: await parity.endpoint(storage.id, { interface: 'admin', url: 'http://swift.broken/' }),
  gone: await parity.endpoint(retired.id, { url: 'http://retired.test/' }),
};
// PATCH does not check URLs (py-keystone neither): an endpoint whose URL cannot be formatted is left out of catalogs.
await api('PATCH', `/v3/endpoints/${urls.broken.id}`, { endpoint: { url: 'http://swift.broken/$(nope)s' } });
await api('PATCH', `/v3/services/${retired.id}`, { service: { enabled: false } });
const mine = new Set([compute.id, storage.id, retired.id]);

const servers: Record<Server, string> = { 'py-keystone': PEER.url, 'keystone-ts': parity.ks.url };
const user = { name: fixture.user.name, domainId: fixture.domain.id };

/** The catalog entries of this file's services (from a token body or a catalog list), in a comparable order. */
function ownCatalog(source: any): any[] {
  const catalog: any[] = Array.isArray(source) ? source : normaliseTokenBody(source).catalog;
  return catalog
    .filter((s) => mine.has(s.id))
    .map((s) => ({ ...s, endpoints: [...s.endpoints].sort((a: any, b: any) => a.id.localeCompare(b.id)) }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

async function catalogs(scope: ScopeRequest): Promise<Record<Server, any[]>> {
  const out = {} as Record<Server, any[]>;
  for (const server of ['py-keystone', 'keystone-ts'] as const) {
    const issued = await issueToken(servers[server], passwordAuth(user, fixture.user.password, scope));
    if (issued.status !== 201) throw new Error(`${server}: ${issued.status} ${JSON.stringify(issued.body)}`);
    out[server] = ownCatalog(issued.body);
  }
  return out;
}

t.test('a project-scoped token lists exactly the enabled services and endpoints, URLs substituted', async (t) => {
  const c = await catalogs({ project: { id: fixture.project.id } });
  t.same(c['keystone-ts'], c['py-keystone'], 'the same catalog from both');
  const byId = new Map(c['keystone-ts'].map((s) => [s.id, s]));
  t.notOk(byId.has(retired.id), 'a disabled service is left out');
  const novaUrls = byId.get(compute.id).endpoints.map((e: any) => e.url).sort();
  t.same(novaUrls, [
    `http://nova.admin/${fixture.user.id}/x`,
    `http://nova.internal/v2/${fixture.project.id}`,
    `http://nova.test/v2.1/${fixture.project.id}`,
  ]);
  const swift = byId.get(storage.id).endpoints.map((e: any) => e.id).sort();
  t.same(swift, [urls.plain.id, urls.ports.id].sort(), 'disabled and unformattable endpoints are left out');
  const ports = byId.get(storage.id).endpoints.find((e: any) => e.id === urls.ports.id);
  t.equal(ports.url, 'http://0.0.0.0:5000/');
  const plain = byId.get(storage.id).endpoints.find((e: any) => e.id === urls.plain.id);
  t.equal(plain.x_extra, 'shown', 'extra attributes ride along (named as created: x-extra normalised to x_extra)');
});

t.test('a domain-scoped token leaves out the endpoints that need a project', async (t) => {
  const c = await catalogs({ domain: { id: fixture.domain.id } });
  t.same(c['keystone-ts'], c['py-keystone']);
  const nova = c['keystone-ts'].find((s) => s.id === compute.id);
  t.same(nova.endpoints.map((e: any) => e.id), [urls.user.id]);
});

t.test('changes through keystone-ts show in tokens issued afterwards, by either server', async (t) => {
  const legacy = uniqueName('cat-tok-region');
  parity.track('regions', legacy);
  await api('PATCH', `/v3/services/${retired.id}`, { service: { enabled: true } });
  await api('PATCH', `/v3/endpoints/${urls.disabled.id}`, { endpoint: { enabled: true, region: legacy } });
  await api('PATCH', `/v3/services/${storage.id}`, { service: { name: 'swift-renamed' } });
  await api('DELETE', `/v3/endpoints/${urls.internal.id}`);
  const c = await catalogs({ project: { id: fixture.project.id } });
  t.same(c['keystone-ts'], c['py-keystone']);
  const ids = new Set(c['keystone-ts'].flatMap((s) => s.endpoints.map((e: any) => e.id)));
  t.ok(ids.has(urls.gone.id), 're-enabled service is back');
  t.ok(ids.has(urls.disabled.id), 're-enabled endpoint is back');
  t.notOk(ids.has(urls.internal.id), 'deleted endpoint is gone');
  t.equal(c['keystone-ts'].find((s) => s.id === storage.id).name, 'swift-renamed');
});

t.test('a token keystone-ts has already validated shows a catalog change at once', async (t) => {
  const issued = await issueToken(parity.ks.url, passwordAuth(user, fixture.user.password, { project: { id: fixture.project.id } }));
  const validate = (base: string) => call(base, 'GET', '/v3/auth/tokens', { token: issued.id, subject: issued.id });
  t.ok(ownCatalog((await validate(parity.ks.url)).body).some((s) => s.id === compute.id), 'cached with the service');
  await api('PATCH', `/v3/services/${compute.id}`, { service: { enabled: false } });
  const [mine, theirs] = [await validate(parity.ks.url), await validate(PEER.url)];
  t.notOk(ownCatalog(mine.body).some((s) => s.id === compute.id), 'disabled service gone from the cached token');
  t.same(ownCatalog(mine.body), ownCatalog(theirs.body), 'as py-keystone renders it');
  const catalog = await call(parity.ks.url, 'GET', '/v3/auth/catalog', { token: issued.id });
  const peerCatalog = await call(PEER.url, 'GET', '/v3/auth/catalog', { token: issued.id });
  t.same(ownCatalog(catalog.body.catalog), ownCatalog(peerCatalog.body.catalog), 'GET /v3/auth/catalog agrees');
});
