// POST /v3/users/{user_id}/application_credentials in keystone-ts answers as py-keystone does, and what either
// server creates works on both: same body shape (roles, access rules, expiry, secret shown once), secrets hashed
// so py-keystone verifies them, roles limited to the token's, access rules reused by id or content, names unique
// per user, and a failed create leaves nothing behind.
import t from 'tap';
import type { IdentityEvent } from '../../src/notifications/events.js';
import { call, issueToken, passwordAuth } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { appCredAuth, comparable, firstLine, SERVERS, startKit, uniqueName, type Server } from './kit.js';

const kit = await startKit();
t.teardown(() => kit.close());
const { fixture } = kit;

const events: IdentityEvent[] = [];
const unsubscribe = kit.ours.runtime.events.subscribe((e) => events.push(e));
t.teardown(unsubscribe);

/** The same create on both servers (a name of each server's own), answers made comparable. */
async function createOnBoth(body: Record<string, unknown>, token = kit.userToken) {
  const answers = [];
  for (const server of SERVERS) {
    const name = uniqueName('ac');
    const res = await call(kit.url(server), 'POST', kit.credentials, { token, body: { application_credential: { name, ...body } } });
    const id = res.body?.application_credential?.id as string | undefined;
    answers.push({ server, res, view: comparable(res.body, server, kit, [name, ...(id ? [id] : [])]) });
  }
  const [theirs, mine] = answers;
  return { theirs: theirs!, mine: mine! };
}

t.test('a credential comes back with py-keystone shape, its secret shown once in py-keystone format', async (t) => {
  const body = { description: 'for CI', unrestricted: true, expires_at: '2031-01-02T03:04:05.123456' };
  const { theirs, mine } = await createOnBoth(body);
  t.equal(mine.res.status, 201);
  t.equal(theirs.res.status, 201);
  t.same(mine.view, theirs.view);
  const created = mine.res.body.application_credential;
  t.match(created.secret, /^[A-Za-z0-9_-]{86}$/, '64 random bytes, URL-safe base64 without padding');
  t.equal(created.project_id, fixture.project.id);
  t.equal(created.user_id, fixture.user.id);
  t.equal(created.expires_at, '2031-01-02T03:04:05.123456');
  t.match(created.links.self, `${kit.ours.url}/v3/application_credentials/${created.id}`);
  t.same(created.roles.map((r: any) => r.name).sort(), ['member', 'reader'], 'all the roles of the token by default');
  const shown = await kit.send('keystone-ts', 'GET', `${kit.credentials}/${created.id}`);
  t.notOk('secret' in shown.body.application_credential, 'never shown again');
  t.ok(
    events.some((e) => e.eventType === 'identity.application_credential.created' && e.resourceId === created.id),
    'a created notification',
  );
});

t.test('a credential keystone-ts creates authenticates on both servers, by id and by name', async (t) => {
  const created = await kit.create('keystone-ts');
  for (const server of SERVERS) {
    const byId = await issueToken(kit.url(server), appCredAuth(created));
    t.equal(byId.status, 201, `by id on ${server}`);
    t.equal(byId.body.token.application_credential.id, created.id);
    const byName = await issueToken(kit.url(server), {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { name: created.name, secret: created.secret, user: { id: fixture.user.id } },
        },
      },
    });
    t.equal(byName.status, 201, `by name on ${server}`);
  }
});

t.test('a secret given in the request is kept and verified by py-keystone', async (t) => {
  const created = await kit.create('keystone-ts', { secret: 'correct horse battery staple' });
  t.equal(created.secret, 'correct horse battery staple');
  t.equal((await issueToken(PEER.url, appCredAuth(created))).status, 201);
  t.equal((await issueToken(PEER.url, appCredAuth({ id: created.id, secret: 'wrong' }))).status, 401);
  const empty = await kit.create('keystone-ts', { secret: '' });
  t.match(empty.secret, /^[A-Za-z0-9_-]{86}$/, 'an empty secret is replaced by a generated one, as py-keystone does');
});

t.test('named roles must be in the token; unknown names and unassigned roles are refused alike', async (t) => {
  const byName = await createOnBoth({ roles: [{ name: 'reader' }] });
  t.equal(byName.mine.res.status, 201);
  t.same(byName.mine.view, byName.theirs.view);
  t.same(byName.mine.res.body.application_credential.roles.map((r: any) => r.id), [fixture.roles.reader]);

  const byId = await createOnBoth({ roles: [{ id: fixture.roles.member }] });
  t.same(byId.mine.view, byId.theirs.view);

  for (const roles of [[{ id: fixture.roles.admin }], [{ name: 'no-such-role' }], [{ id: fixture.roles.reader }, { name: 'no-such-role' }]]) {
    const { theirs, mine } = await createOnBoth({ roles });
    t.equal(mine.res.status, theirs.res.status, JSON.stringify(roles));
    t.same(mine.res.body, theirs.res.body);
  }
});

t.test('expires_at is read as py-keystone reads it, and refused when malformed or past', async (t) => {
  const spellings = ['2031-01-02T03:04:05Z', '2031-01-02T03:04', '20310102T030405', '2031-01-02T03:04:05.5', '2031-01-02', '2031-01-02T03:04:05+02:00', 'soon', '2001-01-01T00:00:00'];
  for (const expires_at of spellings) {
    const { theirs, mine } = await createOnBoth({ expires_at });
    t.equal(mine.res.status, theirs.res.status, expires_at);
    t.same(mine.view, theirs.view, expires_at);
  }
});

t.test('access rules are created for the user, and reused by id or by content', async (t) => {
  const rule = { service: 'compute', path: `/v2.1/servers/${uniqueName('x')}`, method: 'GET' };
  const first = await kit.create('py-keystone', { access_rules: [rule] });
  const ruleId = first.access_rules[0].id;
  t.match(ruleId, /^[0-9a-f]{32}$/);
  for (const server of SERVERS) {
    const byId = await kit.create(server, { access_rules: [{ id: ruleId }] });
    t.same(byId.access_rules, [{ id: ruleId, ...rule }], `reused by id on ${server}`);
    const byContent = await kit.create(server, { access_rules: [rule] });
    t.same(byContent.access_rules, [{ id: ruleId, ...rule }], `reused by content on ${server}`);
    const ownId = uniqueName('rule');
    const fresh = await kit.create(server, { access_rules: [{ id: ownId, service: 'image', path: `/v2/${ownId}`, method: 'PUT' }] });
    t.same(fresh.access_rules, [{ id: ownId, service: 'image', path: `/v2/${ownId}`, method: 'PUT' }], `a new rule keeps the given id on ${server}`);
  }
  const { theirs, mine } = await createOnBoth({ access_rules: [{ service: 'volume', path: '/v3/{project_id}/volumes', method: 'POST' }] });
  t.same(mine.view, theirs.view, 'the second server reuses the rule the first one created');
});

t.test('a token without a project makes a credential without one', async (t) => {
  const domainToken = await issueToken(PEER.url, passwordAuth({ id: fixture.user.id }, fixture.user.password, { domain: { id: fixture.domain.id } }));
  const unscoped = await issueToken(PEER.url, passwordAuth({ id: fixture.user.id }, fixture.user.password));
  for (const token of [domainToken.id, unscoped.id]) {
    const { theirs, mine } = await createOnBoth({}, token);
    t.equal(mine.res.status, 201);
    t.same(mine.view, theirs.view);
    t.equal(mine.res.body.application_credential.project_id, null);
  }
});

t.test('a name is unique per user: the second create is a 409 on both', async (t) => {
  const name = uniqueName('dup');
  await kit.create('py-keystone', { name });
  const answers = [];
  for (const server of SERVERS) answers.push(await call(kit.url(server), 'POST', kit.credentials, { token: kit.userToken, body: { application_credential: { name } } }));
  t.equal(answers[1]!.status, 409);
  t.same(answers[1]!.body, answers[0]!.body);
});

t.test('a role or access rule named twice is a 409 that leaves nothing written', async (t) => {
  const path = `/v1/${uniqueName('twice')}`;
  const bodies = [
    { roles: [{ name: 'reader' }, { id: fixture.roles.reader }] },
    { access_rules: [{ service: 'object-store', path, method: 'GET' }, { service: 'object-store', path, method: 'GET' }] },
  ];
  for (const body of bodies) {
    const name = uniqueName('twice');
    const answers: Record<Server, any> = {} as Record<Server, any>;
    for (const server of SERVERS) {
      answers[server] = await call(kit.url(server), 'POST', kit.credentials, { token: kit.userToken, body: { application_credential: { name, ...body } } });
    }
    t.equal(answers['keystone-ts'].status, 409);
    t.same(answers['keystone-ts'].body, answers['py-keystone'].body);
    const left = await kit.send('keystone-ts', 'GET', `${kit.credentials}?name=${name}`);
    t.same(left.body.application_credentials, [], 'no credential row');
  }
  const rules = await kit.send('keystone-ts', 'GET', `/v3/users/${fixture.user.id}/access_rules?path=${encodeURIComponent(path)}`);
  t.same(rules.body.access_rules, [], 'no access rule row');
});
