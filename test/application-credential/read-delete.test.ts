// Listing, showing and deleting application credentials in keystone-ts answers as py-keystone does: the same
// lists (with the `name` filter in all its forms), the same member bodies (HEAD too), 404s worded alike, the
// owner found from the credential rather than the path, and a deleted credential's tokens refused at once by both.
import t from 'tap';
import type { IdentityEvent } from '../../src/notifications/events.js';
import { call, issueToken } from '../helpers/identity-api.js';
import { appCredAuth, comparable, SERVERS, startKit, uniqueName } from './kit.js';

const kit = await startKit();
t.teardown(() => kit.close());

const stem = uniqueName('Listed');
const made = [
  await kit.create('py-keystone', { name: `${stem}-one`, description: 'first' }),
  await kit.create('keystone-ts', { name: `${stem}-two`, access_rules: [{ service: 'compute', path: `/${stem}`, method: 'GET' }] }),
  await kit.create('keystone-ts', { name: `${stem}_3`, expires_at: '2040-05-06T07:08:09', unrestricted: false }),
];

/** The same read on both servers, bodies made comparable, lists in id order (py-keystone does not order them). */
async function readBoth(path: string, method = 'GET') {
  const [theirs, mine] = await Promise.all(SERVERS.map((s) => kit.send(s, method, path)));
  const view = (res: typeof theirs, server: (typeof SERVERS)[number]) => {
    const body = comparable(res!.body, server, kit) as any;
    body?.application_credentials?.sort((a: any, b: any) => a.id.localeCompare(b.id));
    return body;
  };
  return { theirs: theirs!, mine: mine!, theirView: view(theirs, 'py-keystone'), myView: view(mine, 'keystone-ts') };
}

t.test("a user's credentials are listed alike, filtered by name in every form py-keystone accepts", async (t) => {
  const queries = [
    '',
    `?name=${stem}-one`,
    `?name=${stem.toLowerCase()}-one`,
    `?name__startswith=${stem}`,
    `?name__istartswith=${stem.toLowerCase()}`,
    `?name__contains=${stem}-`,
    `?name__icontains=${stem.toLowerCase()}_`,
    `?name__endswith=_3`,
    `?name__iendswith=-TWO`,
    `?name=${stem}-one&name=${stem}-two`,
    '?description=first',
  ];
  for (const query of queries) {
    const { theirs, mine, theirView, myView } = await readBoth(`${kit.credentials}${query}`);
    t.equal(mine.status, 200, query);
    if (theirs.status === 200) t.same(myView, theirView, query || 'no filter');
  }
  const all = (await kit.send('keystone-ts', 'GET', `${kit.credentials}?name__startswith=${stem}`)).body.application_credentials;
  t.same(all.map((c: any) => c.id).sort(), made.map((c) => c.id).sort());
  t.notOk(all.some((c: any) => 'secret' in c), 'no secrets in lists');
});

t.test('a name filter longer than the column matches nothing (py-keystone fails with a 500 there)', async (t) => {
  const res = await kit.send('keystone-ts', 'GET', `${kit.credentials}?name=${'n'.repeat(300)}`);
  t.equal(res.status, 200);
  t.same(res.body.application_credentials, []);
});

t.test('a credential is shown alike, HEAD answers without a body', async (t) => {
  for (const credential of made) {
    const { mine, theirView, myView } = await readBoth(`${kit.credentials}/${credential.id}`);
    t.equal(mine.status, 200);
    t.same(myView, theirView);
  }
  const head = await readBoth(`${kit.credentials}/${made[0]!.id}`, 'HEAD');
  t.equal(head.mine.status, 200);
  t.equal(head.theirs.status, 200);
  t.equal(head.mine.body, undefined);
});

t.test("the owner comes from the credential: any user id in the path shows the owner's credential", async (t) => {
  const { mine, theirs, theirView, myView } = await readBoth(`/v3/users/${kit.fixture.domain.id}/application_credentials/${made[1]!.id}`);
  t.equal(mine.status, 200);
  t.equal(theirs.status, 200);
  t.same(myView, theirView);
});

t.test('a missing credential is a 404 worded alike, for show and delete', async (t) => {
  for (const method of ['GET', 'DELETE']) {
    const path = `${kit.credentials}/${uniqueName('gone')}`;
    const [theirs, mine] = await Promise.all(SERVERS.map((s) => kit.send(s, method, path)));
    t.equal(mine!.status, 404);
    t.same(mine!.body, theirs!.body);
  }
});

t.test("deleting a credential ends its tokens at once, on both servers, and py-keystone no longer finds it", async (t) => {
  const events: IdentityEvent[] = [];
  const unsubscribe = kit.ours.runtime.events.subscribe((e) => events.push(e));
  t.teardown(unsubscribe);
  const credential = await kit.create('py-keystone');
  const tokens = await Promise.all(SERVERS.map((s) => issueToken(kit.url(s), appCredAuth(credential))));
  for (const token of tokens) {
    // Validate once in keystone-ts so the token sits in its validation cache.
    t.equal((await call(kit.ours.url, 'GET', '/v3/auth/tokens', { token: kit.userToken, subject: token.id })).status, 200);
  }
  const deleted = await kit.send('keystone-ts', 'DELETE', `${kit.credentials}/${credential.id}`);
  t.equal(deleted.status, 204);
  t.equal(deleted.body, undefined);
  t.ok(events.some((e) => e.eventType === 'identity.application_credential.deleted' && e.resourceId === credential.id));
  for (const server of SERVERS) {
    const shown = await kit.send(server, 'GET', `${kit.credentials}/${credential.id}`);
    t.equal(shown.status, 404, `gone on ${server}`);
    for (const token of tokens) {
      const validated = await call(kit.url(server), 'GET', '/v3/auth/tokens', { token: kit.userToken, subject: token.id });
      t.equal(validated.status, 404, `its token is refused by ${server}`);
    }
    t.equal((await issueToken(kit.url(server), appCredAuth(credential))).status, 404, `no new token from ${server}`);
  }
});

t.test('deleting through the peer and through keystone-ts answers alike', async (t) => {
  const pair = [await kit.create('py-keystone'), await kit.create('py-keystone')];
  const answers = [];
  for (const [i, server] of SERVERS.entries()) answers.push(await kit.send(server, 'DELETE', `${kit.credentials}/${pair[i]!.id}`));
  t.equal(answers[1]!.status, 204);
  t.equal(answers[0]!.status, 204);
  t.same(answers[1]!.body, answers[0]!.body);
});
