// Who may list, create, show and delete application credentials: each persona (system, domain and project
// admin/member/reader, a user without roles, a user of another domain) sends the same request to py-keystone and
// to keystone-ts and gets the same status. The project member owns the credentials acted on.
import t from 'tap';
import { uniqueName } from '../helpers/identity-api.js';
import { assertSameDecisions } from '../interop/personas.js';
import { startMatrix } from './persona-kit.js';

const m = await startMatrix(t);
const { ours, personas, ownerCreds } = m;
const shared = await m.storedCredential();

t.test("listing the project member's credentials", async (t) => {
  await assertSameDecisions(t, personas, ours.url, () => ({ method: 'GET', path: ownerCreds }));
});

t.test('creating a credential for oneself (any token; a system grant alone is no role assignment) and for someone else', async (t) => {
  await assertSameDecisions(t, personas, ours.url, (p) => ({
    method: 'POST',
    path: `/v3/users/${p.userId}/application_credentials`,
    body: { application_credential: { name: uniqueName('persona') } },
  }));
  await assertSameDecisions(t, personas, ours.url, () => ({
    method: 'POST',
    path: ownerCreds,
    body: { application_credential: { name: uniqueName('persona') } },
  }));
});

t.test("showing the member's credential through its owner's path and through one's own; a missing one", async (t) => {
  await assertSameDecisions(t, personas, ours.url, () => ({ method: 'GET', path: `${ownerCreds}/${shared}` }));
  await assertSameDecisions(t, personas, ours.url, (p) => ({ method: 'GET', path: `/v3/users/${p.userId}/application_credentials/${shared}` }));
  await assertSameDecisions(t, personas, ours.url, (p) => ({ method: 'GET', path: `/v3/users/${p.userId}/application_credentials/nosuchcredential` }));
});

t.test("deleting the member's credential", async (t) => {
  const items = await m.perPersona(() => m.storedCredential());
  await assertSameDecisions(t, personas, ours.url, (p, s) => ({ method: 'DELETE', path: `${ownerCreds}/${items.get(`${p.name}/${s}`)}` }));
});
