// Who may do what on /v3/regions, /v3/services and /v3/endpoints: the persona matrix sent to py-keystone and to
// keystone-ts with the default policy knobs (same decision expected), a missing endpoint answered 404 before
// policy (py-keystone's enforcer loads it as the target), and, with enforce_scope and enforce_new_defaults on
// (which the peer does not run), the decisions oslo.policy takes for Zed's catalog rules.
import t, { type Test } from 'tap';
import { call, uniqueName } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { assertSameDecisions, createPersonas, type PersonaName } from '../interop/personas.js';
import { sameError, startParity } from './parity.js';

const parity = await startParity();
const personas = await createPersonas();
// Everything a persona may create is named or typed with this, so teardown finds it.
const tag = uniqueName('cat-pol');
t.teardown(async () => {
  const made = await call(parity.ks.url, 'GET', `/v3/services?type=${tag}`, { token: parity.token });
  for (const s of made.body.services ?? []) await call(parity.ks.url, 'DELETE', `/v3/services/${s.id}`, { token: parity.token });
  await personas.cleanup();
  await parity.cleanup();
});

const service = await parity.service({ type: tag });
const region = await parity.region();
const endpoint = await parity.endpoint(service.id, { region_id: region.id });

const key = (persona: string, server: string) => `${tag}-${persona}-${server === 'py-keystone' ? 'py' : 'ts'}`;

/**
 * GET decided as py-keystone decides it, then HEAD decided as GET by keystone-ts itself (py-keystone runs the
 * same handler and rule for both; asking the peer twice would only double a slow matrix).
 */
async function readDecisions(t: Test, path: string): Promise<void> {
  await assertSameDecisions(t, personas, parity.ks.url, () => ({ method: 'GET', path }));
  for (const p of personas.all) {
    const [get, head] = [await call(parity.ks.url, 'GET', path, { token: p.token }), await call(parity.ks.url, 'HEAD', path, { token: p.token })];
    t.equal(head.status, get.status, `${p.name}: HEAD ${path} decided as GET`);
  }
}

t.test('reading regions: any authenticated caller', async (t) => {
  await readDecisions(t, '/v3/regions');
  await readDecisions(t, `/v3/regions/${region.id}`);
});

t.test('creating, updating and deleting regions', async (t) => {
  await assertSameDecisions(t, personas, parity.ks.url, (p, server) => {
    parity.track('regions', `${key(p.name, server)}-post`);
    return { method: 'POST', path: '/v3/regions', body: { region: { id: `${key(p.name, server)}-post` } } };
  });
  await assertSameDecisions(t, personas, parity.ks.url, (p, server) => {
    parity.track('regions', `${key(p.name, server)}-put`);
    return { method: 'PUT', path: `/v3/regions/${key(p.name, server)}-put`, body: { region: {} } };
  });
  await assertSameDecisions(t, personas, parity.ks.url, () => ({
    method: 'PATCH',
    path: `/v3/regions/${region.id}`,
    body: { region: { description: 'policy' } },
  }));
  const doomed = new Map<string, string>();
  for (const p of personas.all) {
    for (const server of ['py-keystone', 'keystone-ts']) doomed.set(key(p.name, server), (await parity.region()).id);
  }
  await assertSameDecisions(t, personas, parity.ks.url, (p, server) => ({
    method: 'DELETE',
    path: `/v3/regions/${doomed.get(key(p.name, server))}`,
  }));
});

t.test('services', async (t) => {
  await readDecisions(t, '/v3/services');
  await readDecisions(t, `/v3/services/${service.id}`);
  await assertSameDecisions(t, personas, parity.ks.url, () => ({ method: 'POST', path: '/v3/services', body: { service: { type: tag } } }));
  await assertSameDecisions(t, personas, parity.ks.url, () => ({
    method: 'PATCH',
    path: `/v3/services/${service.id}`,
    body: { service: { description: 'policy' } },
  }));
  const doomed = new Map<string, string>();
  for (const p of personas.all) {
    for (const server of ['py-keystone', 'keystone-ts']) doomed.set(key(p.name, server), (await parity.service({ type: tag })).id);
  }
  await assertSameDecisions(t, personas, parity.ks.url, (p, server) => ({
    method: 'DELETE',
    path: `/v3/services/${doomed.get(key(p.name, server))}`,
  }));
});

t.test('endpoints', async (t) => {
  await readDecisions(t, '/v3/endpoints');
  await readDecisions(t, `/v3/endpoints/${endpoint.id}`);
  await assertSameDecisions(t, personas, parity.ks.url, () => ({
    method: 'POST',
    path: '/v3/endpoints',
    body: { endpoint: { interface: 'public', service_id: service.id, url: 'http://policy.test/' } },
  }));
  await assertSameDecisions(t, personas, parity.ks.url, () => ({
    method: 'PATCH',
    path: `/v3/endpoints/${endpoint.id}`,
    body: { endpoint: { url: 'http://policy.test/v2' } },
  }));
  const doomed = new Map<string, string>();
  for (const p of personas.all) {
    for (const server of ['py-keystone', 'keystone-ts']) doomed.set(key(p.name, server), (await parity.endpoint(service.id)).id);
  }
  await assertSameDecisions(t, personas, parity.ks.url, (p, server) => ({
    method: 'DELETE',
    path: `/v3/endpoints/${doomed.get(key(p.name, server))}`,
  }));
});

t.test('a refused caller learns whether an endpoint exists (404 before 403), but not a region or service', async (t) => {
  const reader = personas.get('project-reader').token;
  for (const method of ['GET', 'PATCH', 'DELETE']) {
    for (const path of ['/v3/endpoints/cat-missing', `/v3/endpoints/${endpoint.id}`]) {
      const body = method === 'PATCH' ? { endpoint: { url: 'http://x.test/' } } : undefined;
      sameError(t, await parity.both(method, path, body, reader), `${method} ${path}`);
    }
  }
  sameError(t, await parity.both('GET', '/v3/services/cat-missing', undefined, reader), 'missing service: 403');
  sameError(t, await parity.both('PATCH', '/v3/regions/cat-missing', { region: { description: 'x' } }, reader), 'missing region: 403');
});

t.test('a bad body from a caller policy refuses is a 403, not a 400', async (t) => {
  const member = personas.get('project-member').token;
  sameError(t, await parity.both('POST', '/v3/services', { service: { type: 5 } }, member), 'service');
  sameError(t, await parity.both('POST', '/v3/regions', { region: { id: 5 } }, member), 'region');
});

t.test('no token, or a bad one: 401 with WWW-Authenticate', async (t) => {
  for (const token of ['', 'not-a-token']) {
    const r = await parity.both('GET', '/v3/regions', undefined, token);
    sameError(t, r, `token "${token}"`);
    t.ok(r.mine.headers.get('www-authenticate'));
  }
});

t.test('with enforce_scope and enforce_new_defaults: the decisions oslo.policy takes for Zed\'s rules', async (t) => {
  const strict = await startKeystoneTs(besidePeerConfig({ oslo_policy: { enforce_scope: 'true', enforce_new_defaults: 'true' } }));
  t.teardown(() => strict.close());
  const systemReaders: PersonaName[] = ['system-admin', 'system-member', 'system-reader'];
  // Zed: list_regions and get_region are "" for every scope; create/update/delete are admin_required for system and
  // project scope (a domain-scoped admin is out of scope); list/get of services and endpoints add system readers.
  const expectations: { method: string; path: string; body?: unknown; allowed: PersonaName[]; ok: number }[] = [
    { method: 'GET', path: '/v3/regions', allowed: personas.all.map((p) => p.name), ok: 200 },
    { method: 'GET', path: `/v3/regions/${region.id}`, allowed: personas.all.map((p) => p.name), ok: 200 },
    { method: 'PATCH', path: `/v3/regions/${region.id}`, body: { region: { description: 's' } }, allowed: ['system-admin', 'project-admin'], ok: 200 },
    { method: 'GET', path: '/v3/services', allowed: [...systemReaders, 'project-admin'], ok: 200 },
    { method: 'GET', path: `/v3/services/${service.id}`, allowed: [...systemReaders, 'project-admin'], ok: 200 },
    { method: 'GET', path: '/v3/endpoints', allowed: [...systemReaders, 'project-admin'], ok: 200 },
    { method: 'GET', path: `/v3/endpoints/${endpoint.id}`, allowed: [...systemReaders, 'project-admin'], ok: 200 },
    { method: 'PATCH', path: `/v3/services/${service.id}`, body: { service: { description: 's' } }, allowed: ['system-admin', 'project-admin'], ok: 200 },
  ];
  for (const e of expectations) {
    for (const p of personas.all) {
      const r = await call(strict.url, e.method, e.path, { token: p.token, ...(e.body !== undefined && { body: e.body }) });
      t.equal(r.status, e.allowed.includes(p.name) ? e.ok : 403, `${p.name}: ${e.method} ${e.path}`);
    }
  }
  const admin = personas.get('domain-admin').token;
  const refused = await call(strict.url, 'POST', '/v3/regions', { token: admin, body: { region: {} } });
  t.equal(refused.status, 403, 'a domain-scoped admin cannot create regions');
  t.equal((await call(PEER.url, 'POST', '/v3/regions', { token: admin, body: { region: { id: `${tag}-peer-domain-admin` } } })).status, 201,
    'the peer, with its default knobs, lets it');
  parity.track('regions', `${tag}-peer-domain-admin`);
});
