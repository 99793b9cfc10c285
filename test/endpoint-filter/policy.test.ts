// Who may use OS-EP-FILTER, /v3/policies and OS-ENDPOINT-POLICY: the persona matrix sent to py-keystone and to
// keystone-ts (same decision expected). None of these calls loads a policy target, so a request naming something
// missing answers 404 to an allowed caller and 403 to a refused one, which lets the matrix probe writes without
// writing. With enforce_scope and enforce_new_defaults on (which the peer does not run): Zed's rules, reads for
// admins and system readers, writes for admins, system or project scoped.
import t from 'tap';
import { call, uniqueName } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs } from '../helpers/keystone-ts.js';
import { assertSameDecisions, createPersonas, type PersonaName } from '../interop/personas.js';
import { startParity } from '../catalog/parity.js';

const parity = await startParity();
const personas = await createPersonas();
const tag = uniqueName('epf-pol');
t.teardown(async () => {
  const groups = await call(parity.ks.url, 'GET', `/v3/OS-EP-FILTER/endpoint_groups?name=${tag}`, { token: parity.token });
  for (const g of groups.body.endpoint_groups ?? []) {
    await call(parity.ks.url, 'DELETE', `/v3/OS-EP-FILTER/endpoint_groups/${g.id}`, { token: parity.token });
  }
  const policies = await call(parity.ks.url, 'GET', `/v3/policies?type=${tag}`, { token: parity.token });
  for (const p of policies.body.policies ?? []) await call(parity.ks.url, 'DELETE', `/v3/policies/${p.id}`, { token: parity.token });
  await personas.cleanup();
  await parity.cleanup();
});

const service = await parity.service();
const endpoint = await parity.endpoint(service.id);
const project = personas.projectId;

const requests: { method: string; path: string; body?: unknown }[] = [
  { method: 'GET', path: '/v3/OS-EP-FILTER/endpoint_groups' },
  { method: 'POST', path: '/v3/OS-EP-FILTER/endpoint_groups', body: { endpoint_group: { name: tag, filters: { interface: 'public' } } } },
  { method: 'DELETE', path: '/v3/OS-EP-FILTER/endpoint_groups/missing' },
  { method: 'GET', path: `/v3/OS-EP-FILTER/projects/${project}/endpoints` },
  { method: 'PUT', path: `/v3/OS-EP-FILTER/projects/${project}/endpoints/missing` },
  { method: 'GET', path: `/v3/OS-EP-FILTER/endpoints/${endpoint.id}/projects` },
  { method: 'GET', path: '/v3/policies' },
  { method: 'POST', path: '/v3/policies', body: { policy: { blob: 'b', type: tag } } },
  { method: 'PATCH', path: '/v3/policies/missing', body: { policy: { blob: 'x' } } },
  { method: 'PUT', path: `/v3/policies/missing/OS-ENDPOINT-POLICY/services/${service.id}` },
  { method: 'GET', path: `/v3/endpoints/${endpoint.id}/OS-ENDPOINT-POLICY/policy` },
];

t.test('the same decisions as py-keystone for every persona', async (t) => {
  for (const r of requests) await assertSameDecisions(t, personas, parity.ks.url, () => r);
});

t.test("with enforce_scope and enforce_new_defaults: Zed's rules", async (t) => {
  const strict = await startKeystoneTs(besidePeerConfig({ oslo_policy: { enforce_scope: 'true', enforce_new_defaults: 'true' } }));
  t.teardown(() => strict.close());
  const readers: PersonaName[] = ['system-admin', 'system-member', 'system-reader', 'project-admin'];
  const writers: PersonaName[] = ['system-admin', 'project-admin'];
  const expectations: { method: string; path: string; allowed: PersonaName[]; ok: number }[] = [
    { method: 'GET', path: '/v3/OS-EP-FILTER/endpoint_groups', allowed: readers, ok: 200 },
    { method: 'DELETE', path: '/v3/OS-EP-FILTER/endpoint_groups/missing', allowed: writers, ok: 404 },
    { method: 'GET', path: `/v3/OS-EP-FILTER/projects/${project}/endpoints/missing`, allowed: readers, ok: 404 },
    { method: 'PUT', path: `/v3/OS-EP-FILTER/projects/${project}/endpoints/missing`, allowed: writers, ok: 404 },
    { method: 'GET', path: '/v3/policies', allowed: readers, ok: 200 },
    { method: 'DELETE', path: '/v3/policies/missing', allowed: writers, ok: 404 },
    { method: 'GET', path: `/v3/endpoints/${endpoint.id}/OS-ENDPOINT-POLICY/policy`, allowed: readers, ok: 404 },
    { method: 'PUT', path: `/v3/policies/missing/OS-ENDPOINT-POLICY/endpoints/${endpoint.id}`, allowed: writers, ok: 404 },
  ];
  for (const e of expectations) {
    for (const p of personas.all) {
      const r = await call(strict.url, e.method, e.path, { token: p.token });
      t.equal(r.status, e.allowed.includes(p.name) ? e.ok : 403, `${p.name}: ${e.method} ${e.path}`);
    }
  }
});
