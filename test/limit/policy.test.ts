// The persona matrix on the unified limit routes: every persona gets the same decision from keystone-ts as from
// py-keystone (policy before body validation, a limit loaded before enforcing an update or delete), lists of limits
// narrowed to what each scope covers, and, with enforce_scope and enforce_new_defaults on, the decisions
// oslo.policy takes from the rules' scope types.
import t from 'tap';
import { call, uniqueName } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { assertSameDecisions, createPersonas, type PersonaName } from '../interop/personas.js';
import { ids, SERVERS, startLimitParity, type Server } from './parity.js';

const personas = await createPersonas();
const p = await startLimitParity();
t.teardown(async () => {
  await p.cleanup();
  await personas.cleanup();
});

const resource = uniqueName('limp');
const [registeredId] = await p.register([{ resource_name: resource }]);
const [projectLimit, domainLimit, otherLimit] = await p.limit([
  { project_id: personas.projectId, resource_name: resource },
  { domain_id: personas.domainId, resource_name: resource },
  { project_id: personas.otherProjectId, resource_name: resource },
]);

t.test('reading registrations and the model, and listing limits, is open to every token', async (t) => {
  for (const path of ['/v3/registered_limits', `/v3/registered_limits/${registeredId}`, '/v3/limits/model', '/v3/limits']) {
    await assertSameDecisions(t, personas, p.ks.url, () => ({ method: 'GET', path }));
  }
  await assertSameDecisions(t, personas, p.ks.url, () => ({ method: 'GET', path: `/v3/registered_limits/${'f'.repeat(32)}` }));
});

t.test("showing a limit is for admins, system readers, and the readers of the limit's project or domain", async (t) => {
  for (const id of [projectLimit, domainLimit, otherLimit, 'f'.repeat(32)]) {
    await assertSameDecisions(t, personas, p.ks.url, () => ({ method: 'GET', path: `/v3/limits/${id}` }));
  }
});

t.test('each scope lists only the limits it covers', async (t) => {
  const expected: Partial<Record<PersonaName, (string | undefined)[]>> = {
    'system-reader': [projectLimit, domainLimit, otherLimit],
    'domain-reader': [projectLimit, domainLimit],
    'project-reader': [projectLimit],
    'other-domain': [otherLimit],
    'no-role': [],
  };
  for (const persona of personas.all) {
    const path = `/v3/limits?service_id=${p.serviceId}`;
    const [theirs, mine] = await Promise.all(SERVERS.map((s) => p.send(s, 'GET', path, undefined, persona.token)));
    t.same(ids(mine!.body, 'limits'), ids(theirs!.body, 'limits'), `${persona.name}: same limits`);
    const want = expected[persona.name];
    if (want) t.same(ids(mine!.body, 'limits'), [...want].sort(), `${persona.name}: what its scope covers`);
  }
});

t.test('only admins create, update and delete; bodies are checked after policy', async (t) => {
  const same = (method: string, path: string, body?: unknown) => assertSameDecisions(t, personas, p.ks.url, () => ({ method, path, body }));
  await same('POST', '/v3/registered_limits', { registered_limits: [] });
  await same('PATCH', `/v3/registered_limits/${registeredId}`, { registered_limit: { default_limit: 'x' } });
  await same('DELETE', `/v3/registered_limits/${'f'.repeat(32)}`);
  await same('POST', '/v3/limits', { limits: [] });
  await same('PATCH', `/v3/limits/${projectLimit}`, { limit: { resource_limit: 'x' } });
  // An update or delete of an unknown limit is a 404 whoever asks.
  await same('PATCH', `/v3/limits/${'f'.repeat(32)}`, { limit: { resource_limit: 1 } });
  await same('DELETE', `/v3/limits/${'f'.repeat(32)}`);
});

t.test('deleting a limit: the same personas succeed on both servers', async (t) => {
  // A limit per persona and server, so a delete that succeeds leaves the next persona something to delete.
  const names = personas.all.flatMap((persona) => SERVERS.map((server) => `${resource}-${persona.name}-${server}`));
  await p.register(names.map((name) => ({ resource_name: name })));
  const created = await p.limit(names.map((name) => ({ project_id: personas.projectId, resource_name: name })));
  const limitOf = new Map(names.map((name, i) => [name, created[i]!]));
  await assertSameDecisions(t, personas, p.ks.url, (persona, server: Server) => ({
    method: 'DELETE',
    path: `/v3/limits/${limitOf.get(`${resource}-${persona.name}-${server}`)}`,
  }));
});

t.test('with enforce_scope and enforce_new_defaults, the scope types decide too', async (t) => {
  const strict = await startKeystoneTs(besidePeerConfig({ oslo_policy: { enforce_scope: 'true', enforce_new_defaults: 'true' } }));
  t.teardown(() => strict.close());
  const admins: PersonaName[] = ['system-admin', 'project-admin'];
  for (const persona of personas.all) {
    const as = (method: string, path: string, body?: unknown) => call(strict.url, method, path, { token: persona.token, ...(body !== undefined && { body }) });
    // create_limits and create_registered_limits: admin_required, scope types system and project.
    const write = admins.includes(persona.name) ? 400 : 403;
    t.equal((await as('POST', '/v3/limits', { limits: [] })).status, write, `${persona.name}: create limits`);
    t.equal((await as('POST', '/v3/registered_limits', { registered_limits: [] })).status, write, `${persona.name}: create registrations`);
    // Open reads stay open: their scope types are system, domain and project, and an unscoped token counts as project.
    t.equal((await as('GET', `/v3/registered_limits/${registeredId}`)).status, 200, `${persona.name}: show registration`);
    t.equal((await as('GET', '/v3/limits/model')).status, 200, `${persona.name}: model`);
    // get_limit has no deprecated form and allows every scope: the decision is the default one.
    const peer = await call(PEER.url, 'GET', `/v3/limits/${projectLimit}`, { token: persona.token });
    t.equal((await as('GET', `/v3/limits/${projectLimit}`)).status, peer.status, `${persona.name}: show a project limit`);
  }
});
