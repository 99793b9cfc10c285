// Application credentials created through py-keystone authenticate in keystone-ts (by id, and by name + user)
// to the same token body; restricted credentials cannot be used to get other tokens; expired and wrong secrets
// are refused by both; access rules require the OpenStack-Identity-Access-Rules header on validation.
import t from 'tap';
import { call, issueToken, passwordAuth, tokenBodiesToCompare, uniqueName } from '../helpers/identity-api.js';
import { startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { createPeerFixture, removePeerFixture } from './fixtures.js';

const fixture = await createPeerFixture();
const ours = await startKeystoneTs();
t.teardown(async () => {
  await ours.close();
  await removePeerFixture(fixture);
});

const userToken = (await issueToken(
  PEER.url,
  passwordAuth({ id: fixture.user.id }, fixture.user.password, { project: { id: fixture.project.id } }),
)).id;

async function createAppCred(body: Record<string, unknown>) {
  const res = await call(PEER.url, 'POST', `/v3/users/${fixture.user.id}/application_credentials`, {
    token: userToken,
    body: { application_credential: { name: uniqueName('ac'), ...body } },
  });
  if (res.status !== 201) throw new Error(`create app cred: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.application_credential as { id: string; name: string; secret: string };
}

const byId = (ac: { id: string; secret: string }) => ({
  auth: { identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: ac.secret } } },
});

t.test('a credential by id gives the same token body from both servers', async (t) => {
  const ac = await createAppCred({});
  const mine = await issueToken(ours.url, byId(ac));
  const theirs = await issueToken(PEER.url, byId(ac));
  t.equal(mine.status, 201);
  t.equal(theirs.status, 201);
  t.same(mine.body.token.application_credential, { id: ac.id, name: ac.name, restricted: true });
  t.same(mine.body.token.project.id, fixture.project.id);
  const validatedThere = await call(PEER.url, 'GET', '/v3/auth/tokens', { token: userToken, subject: mine.id });
  t.equal(validatedThere.status, 200, 'py-keystone validates the keystone-ts token');
  const [a, b] = tokenBodiesToCompare(mine.body, theirs.body);
  for (const generated of ['audit_ids', 'expires_at', 'issued_at']) {
    delete a[generated];
    delete b[generated];
  }
  t.same(a, b);
  t.same(...tokenBodiesToCompare(validatedThere.body, mine.body));
});

t.test('a credential by name and user works the same', async (t) => {
  const ac = await createAppCred({});
  const body = {
    auth: {
      identity: {
        methods: ['application_credential'],
        application_credential: { name: ac.name, secret: ac.secret, user: { id: fixture.user.id } },
      },
    },
  };
  const mine = await issueToken(ours.url, body);
  t.equal(mine.status, 201);
  t.equal(mine.body.token.application_credential.id, ac.id);
});

t.test('a wrong secret and an expired credential are refused by both', async (t) => {
  const ac = await createAppCred({});
  for (const url of [PEER.url, ours.url]) {
    const res = await issueToken(url, byId({ id: ac.id, secret: 'wrong' }));
    t.equal(res.status, 401, `wrong secret at ${url}`);
  }
  // Far enough ahead that creation succeeds on a loaded machine, then wait until it has passed.
  const expiry = Date.now() + 8000;
  const expired = await createAppCred({ expires_at: new Date(expiry).toISOString() });
  await new Promise((r) => setTimeout(r, Math.max(0, expiry - Date.now()) + 500));
  for (const url of [PEER.url, ours.url]) {
    const res = await issueToken(url, byId(expired));
    t.equal(res.status, 401, `expired at ${url}`);
  }
});

t.test('a token from a credential cannot be exchanged for another token (delegated method)', async (t) => {
  const ac = await createAppCred({});
  const token = await issueToken(ours.url, byId(ac));
  const rescope = { auth: { identity: { methods: ['token'], token: { id: token.id } } } };
  const [mine, theirs] = [await issueToken(ours.url, rescope), await issueToken(PEER.url, rescope)];
  t.equal(mine.status, 403);
  t.equal(mine.status, theirs.status);
  t.equal(mine.body.error.message, theirs.body.error.message);
});

t.test('a credential with access rules needs the access-rules header to validate', async (t) => {
  const ac = await createAppCred({ access_rules: [{ service: 'compute', path: '/v2.1/servers', method: 'GET' }] });
  const token = await issueToken(ours.url, byId(ac));
  t.equal(token.status, 201);
  t.equal(token.body.token.application_credential.access_rules.length, 1);
  for (const url of [PEER.url, ours.url]) {
    const without = await call(url, 'GET', '/v3/auth/tokens', { token: userToken, subject: token.id });
    t.equal(without.status, 404, `refused without the header at ${url}`);
    const withHeader = await call(url, 'GET', '/v3/auth/tokens', {
      token: userToken,
      subject: token.id,
      headers: { 'OpenStack-Identity-Access-Rules': '1.0' },
    });
    t.equal(withHeader.status, 200, `accepted with the header at ${url}`);
  }
});

t.test('a token never outlives its application credential (CVE-2022-2447), in both', async (t) => {
  const expiresAt = new Date(Date.now() + 10 * 60 * 1000);
  const ac = await createAppCred({ expires_at: expiresAt.toISOString() });
  const [mine, theirs] = [await issueToken(ours.url, byId(ac)), await issueToken(PEER.url, byId(ac))];
  const seconds = (iso: string) => Math.floor(Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`) / 1000);
  const cap = Math.floor(expiresAt.getTime() / 1000);
  t.equal(seconds(mine.body.token.expires_at), cap, 'keystone-ts caps at the credential expiry');
  t.equal(seconds(theirs.body.token.expires_at), cap, 'py-keystone caps at the credential expiry');
  // py-keystone's POST body spells the capped time without the Z; its GET, like ours, with it.
  const validated = await call(PEER.url, 'GET', '/v3/auth/tokens', { token: userToken, subject: mine.id });
  t.equal(validated.body.token.expires_at, mine.body.token.expires_at);
});
