// Who may list, create, show, update and delete credentials: each persona (system, domain and project
// admin/member/reader, a user without roles, a user of another domain) sends the same request to py-keystone and
// to keystone-ts and gets the same status; lists name the same credentials. The project member owns the
// credentials acted on. A token from an application credential (a delegated method) may not use the API at all.
import t from 'tap';
import { call, issueToken } from '../helpers/identity-api.js';
import { startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { assertSameDecisions, createPersonas } from '../interop/personas.js';
import { SERVERS, type Server } from './kit.js';

const ours = await startKeystoneTs();
const personas = await createPersonas();
t.teardown(async () => {
  // Deleting a user through the peer deletes its credentials too.
  await personas.cleanup();
  await ours.close();
});
const owner = personas.get('project-member');
const url = (s: Server) => (s === 'py-keystone' ? PEER.url : ours.url);

let serial = 0;
async function ownerCredential(type = 'cert'): Promise<string> {
  const blob = type === 'ec2' ? JSON.stringify({ access: `policy-${owner.userId}-${serial++}` }) : `b${serial++}`;
  const res = await call(PEER.url, 'POST', '/v3/credentials', {
    token: personas.adminToken,
    body: { credential: { type, user_id: owner.userId, project_id: personas.projectId, blob } },
  });
  if (res.status !== 201) throw new Error(`owner credential: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.credential.id;
}

const shared = [await ownerCredential(), await ownerCredential('ec2')];

t.test("listing: every persona sees the same credentials of the member's (filtered and not)", async (t) => {
  for (const persona of personas.all) {
    for (const query of [`?user_id=${owner.userId}&type=ec2`, `?user_id=${persona.userId}`]) {
      const lists = {} as Record<Server, any>;
      for (const s of SERVERS) lists[s] = await call(url(s), 'GET', `/v3/credentials${query}`, { token: persona.token });
      t.equal(lists['keystone-ts'].status, lists['py-keystone'].status, `${persona.name} ${query}: ${lists['py-keystone'].status}`);
      const ids = (s: Server) => (lists[s].body.credentials ?? []).map((c: any) => c.id).sort();
      t.same(ids('keystone-ts'), ids('py-keystone'), `${persona.name} ${query}: ${ids('py-keystone').length} listed`);
    }
  }
});

t.test('creating a credential for oneself and for the member', async (t) => {
  await assertSameDecisions(t, personas, ours.url, (p) => ({
    method: 'POST',
    path: '/v3/credentials',
    body: { credential: { type: 'cert', user_id: p.userId, blob: 'self' } },
  }));
  await assertSameDecisions(t, personas, ours.url, () => ({
    method: 'POST',
    path: '/v3/credentials',
    body: { credential: { type: 'cert', user_id: owner.userId, blob: 'for-the-member' } },
  }));
  // A bad body: policy first, so those who may not create get a 403, the others the 400.
  await assertSameDecisions(t, personas, ours.url, () => ({ method: 'POST', path: '/v3/credentials', body: { credential: { user_id: owner.userId } } }));
});

t.test("showing and updating the member's credentials; a missing one", async (t) => {
  await assertSameDecisions(t, personas, ours.url, () => ({ method: 'GET', path: `/v3/credentials/${shared[1]}` }));
  await assertSameDecisions(t, personas, ours.url, () => ({ method: 'PATCH', path: `/v3/credentials/${shared[0]}`, body: { credential: { blob: 'new' } } }));
  await assertSameDecisions(t, personas, ours.url, () => ({ method: 'PATCH', path: `/v3/credentials/${shared[0]}`, body: { credential: { type: 'x' } } }));
  for (const method of ['GET', 'DELETE']) {
    await assertSameDecisions(t, personas, ours.url, () => ({ method, path: '/v3/credentials/nosuchcredential' }));
  }
});

t.test("deleting the member's credential", async (t) => {
  const items = new Map<string, string>();
  for (const p of personas.all) for (const s of SERVERS) items.set(`${p.name}/${s}`, await ownerCredential());
  await assertSameDecisions(t, personas, ours.url, (p, s) => ({ method: 'DELETE', path: `/v3/credentials/${items.get(`${p.name}/${s}`)}` }));
});

t.test('a token from an application credential is refused by both (and lists nothing)', async (t) => {
  const made = await call(PEER.url, 'POST', `/v3/users/${owner.userId}/application_credentials`, {
    token: owner.token,
    body: { application_credential: { name: `cred-policy-${serial++}` } },
  });
  t.equal(made.status, 201);
  const { id, secret } = made.body.application_credential;
  const token = await issueToken(PEER.url, { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } });
  t.equal(token.status, 201);
  const requests: [string, string, unknown?][] = [
    ['GET', `/v3/credentials?user_id=${owner.userId}`],
    ['GET', `/v3/credentials/${shared[0]}`],
    ['PATCH', `/v3/credentials/${shared[0]}`, { credential: { blob: 'by-app-cred' } }],
    ['POST', '/v3/credentials', { credential: { type: 'cert', user_id: owner.userId, blob: 'by-app-cred' } }],
    ['DELETE', `/v3/credentials/${shared[0]}`],
  ];
  for (const [method, path, body] of requests) {
    const answers = {} as Record<Server, any>;
    for (const s of SERVERS) answers[s] = await call(url(s), method, path, { token: token.id, ...(body !== undefined && { body }) });
    t.equal(answers['keystone-ts'].status, answers['py-keystone'].status, `${method} ${path}: ${answers['py-keystone'].status}`);
    if (method === 'GET' && path.includes('?')) t.same(answers['keystone-ts'].body.credentials, answers['py-keystone'].body.credentials);
    else t.same(answers['keystone-ts'].body, answers['py-keystone'].body);
  }
});
