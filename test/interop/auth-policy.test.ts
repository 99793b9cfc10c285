// The persona matrix on the /v3/auth routes: each persona validates, checks and revokes its own token and
// another user's, and reads its catalog, projects, domains and system; keystone-ts decides as py-keystone does.
import t from 'tap';
import { issueToken, passwordAuth } from '../helpers/identity-api.js';
import { startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { assertSameDecisions, createPersonas } from './personas.js';

const personas = await createPersonas();
const ours = await startKeystoneTs();
t.teardown(async () => {
  await ours.close();
  await personas.cleanup();
});

const adminToken = async () =>
  (await issueToken(PEER.url, passwordAuth({ name: 'admin', domainId: 'default' }, PEER.adminPassword))).id;

t.test('validating and checking your own token', async (t) => {
  for (const method of ['GET', 'HEAD']) {
    await assertSameDecisions(t, personas, ours.url, (p) => ({ method, path: '/v3/auth/tokens', headers: { 'X-Subject-Token': p.token } }));
  }
});

t.test("validating and checking someone else's token", async (t) => {
  const other = await adminToken();
  for (const method of ['GET', 'HEAD']) {
    await assertSameDecisions(t, personas, ours.url, () => ({ method, path: '/v3/auth/tokens', headers: { 'X-Subject-Token': other } }));
  }
});

t.test("revoking someone else's token", async (t) => {
  // A fresh victim per persona and server: a revocation on one server must not decide the other's answer.
  const base = await adminToken();
  const victims = new Map<string, string>();
  for (const p of personas.all) {
    for (const server of ['py-keystone', 'keystone-ts']) {
      const rescoped = await issueToken(PEER.url, { auth: { identity: { methods: ['token'], token: { id: base } } } });
      victims.set(`${p.name}/${server}`, rescoped.id);
    }
  }
  await assertSameDecisions(t, personas, ours.url, (p, server) => ({
    method: 'DELETE',
    path: '/v3/auth/tokens',
    headers: { 'X-Subject-Token': victims.get(`${p.name}/${server}`)! },
  }));
});

for (const path of ['/v3/auth/catalog', '/v3/auth/projects', '/v3/auth/domains', '/v3/auth/system']) {
  t.test(`GET ${path}`, async (t) => {
    await assertSameDecisions(t, personas, ours.url, () => ({ method: 'GET', path }));
  });
}

t.test('the /v3/auth listings have the same bodies in both (links aside from the host)', async (t) => {
  const { call } = await import('../helpers/identity-api.js');
  for (const persona of ['project-member', 'domain-admin', 'system-reader', 'other-domain'] as const) {
    for (const path of ['/v3/auth/catalog', '/v3/auth/projects', '/v3/auth/domains', '/v3/auth/system']) {
      const token = personas.get(persona).token;
      const [theirs, mine] = [await call(PEER.url, 'GET', path, { token }), await call(ours.url, 'GET', path, { token })];
      t.equal(mine.status, theirs.status, `${persona} ${path} status`);
      const sameHost = JSON.parse(JSON.stringify(mine.body).replaceAll(ours.url, PEER.url));
      const sorted = (b: any) => {
        const byId = (x: any, y: any) => x.id.localeCompare(y.id);
        for (const key of ['projects', 'domains', 'catalog']) if (Array.isArray(b?.[key])) b[key].sort(byId);
        // py-keystone lists a service's endpoints in no particular order.
        for (const service of b?.catalog ?? []) service.endpoints.sort(byId);
        return b;
      };
      t.same(sorted(sameHost), sorted(theirs.body), `${persona} ${path} body`);
    }
  }
});
