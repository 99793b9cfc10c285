// Trust-scoped tokens (Fernet payload version 3) issued by either server for a trust made by either server: the
// same bodies, with or without impersonation, by password or by the trustee's own token, each validating in the
// other; and a trust-scoped token refused alike when it is offered in exchange for another token.
import t from 'tap';
import { normaliseTokenBody, type Response } from '../helpers/identity-api.js';
import { SERVERS, startWorld, type Server, type World } from './kit.js';
import { sameRefusal, seconds, subjectOf, tokenCalls, tokenView, withoutCatalog } from './token-kit.js';

const world: World = await startWorld();
t.teardown(() => world.cleanup());
const { issue, validate } = tokenCalls(world);

t.test('a trust-scoped token has the same body from both servers, and validates in both, whoever made the trust', async (t) => {
  for (const [maker, impersonation] of [
    ['py-keystone', false],
    ['keystone-ts', true],
  ] as const) {
    const trust = await world.create(maker, { impersonation });
    const issued: Partial<Record<Server, Response>> = {};
    for (const server of SERVERS) issued[server] = await issue(server, world.trustAuth(trust.id));
    const [theirs, mine] = [issued['py-keystone']!, issued['keystone-ts']!];
    const label = `trust by ${maker}, impersonation ${impersonation}`;
    t.equal(theirs.status, 201, `${label}: py-keystone issues`);
    t.equal(mine.status, 201, `${label}: keystone-ts issues`);
    t.same(tokenView(mine), tokenView(theirs), `${label}: the same body`);
    const token = mine.body.token;
    t.same(
      token['OS-TRUST:trust'],
      { id: trust.id, trustor_user: { id: world.trustor.id }, trustee_user: { id: world.trustee.id }, impersonation },
      'the trust section',
    );
    t.equal(token.user.id, impersonation ? world.trustor.id : world.trustee.id, 'the user is the trustor only when impersonating');
    t.equal(token.project.id, world.projectId, "the trust's project");
    t.same(token.roles.map((r: any) => r.name).sort(), ['member', 'reader'], 'the delegated role and the role it implies');
    t.same(token.methods, ['password']);
    t.ok(tokenView(mine).catalog && (tokenView(mine).catalog as unknown[]).length > 0, 'a catalog with the identity service');
    for (const res of [theirs, mine]) {
      t.equal(seconds(res.body.token.expires_at) - seconds(res.body.token.issued_at), 3600, 'the default expiry');
    }
    for (const [issuer, res] of Object.entries(issued) as [Server, Response][]) {
      for (const validator of SERVERS) {
        const shown = await validate(validator, subjectOf(res));
        t.equal(shown.status, 200, `${label}: a token from ${issuer} validates in ${validator}`);
        t.same(normaliseTokenBody(shown.body), withoutCatalog(res), `${label}: ${validator} shows the ${issuer} token as issued`);
      }
    }
  }
});

t.test("the trustee's unscoped token gets a trust-scoped token with the token method, the same on both", async (t) => {
  const trust = await world.create('keystone-ts');
  const login = await issue('py-keystone', { auth: { identity: { methods: ['password'], password: { user: { id: world.trustee.id, password: world.trustee.password } } } } });
  t.equal(login.status, 201);
  const body = { auth: { identity: { methods: ['token'], token: { id: subjectOf(login) } }, scope: { 'OS-TRUST:trust': { id: trust.id } } } };
  const theirs = await issue('py-keystone', body);
  const mine = await issue('keystone-ts', body);
  t.equal(theirs.status, 201);
  t.equal(mine.status, 201);
  t.same(tokenView(mine), tokenView(theirs));
  t.same(normaliseTokenBody(mine.body).methods, ['password', 'token']);
  for (const res of [theirs, mine]) {
    t.equal(res.body.token.expires_at, login.body.token.expires_at, 'the expiry of the token it was made from');
    t.equal(res.body.token.audit_ids[1], login.body.token.audit_ids[0], "the audit chain of the token it was made from");
  }
  for (const validator of SERVERS) {
    t.same(normaliseTokenBody((await validate(validator, subjectOf(theirs))).body), withoutCatalog(theirs), `validated by ${validator}`);
  }
});

t.test('a trust-scoped token cannot be exchanged for another token, for any scope, on either server', async (t) => {
  const trust = await world.create('py-keystone');
  const other = await world.create('keystone-ts', { remaining_uses: 5 });
  const tokens = {
    'py-keystone': subjectOf(await issue('py-keystone', world.trustAuth(trust.id))),
    'keystone-ts': subjectOf(await issue('keystone-ts', world.trustAuth(trust.id))),
  };
  const attempts: [Server, string, unknown][] = [
    ['py-keystone', 'the same trust', { 'OS-TRUST:trust': { id: trust.id } }],
    ['keystone-ts', 'another trust', { 'OS-TRUST:trust': { id: other.id } }],
    ['keystone-ts', 'the project', { project: { id: world.projectId } }],
    ['py-keystone', 'no scope', undefined],
  ];
  for (const [issuer, what, scope] of attempts) {
    const body = { auth: { identity: { methods: ['token'], token: { id: tokens[issuer] } }, ...(scope !== undefined && { scope }) } };
    const theirs = await sameRefusal(t, `a ${issuer} trust token for ${what}`, (server) => issue(server, body));
    t.equal(theirs.status, 403);
  }
  const [row] = await world.sql`SELECT remaining_uses FROM trust WHERE id = ${other.id}`;
  t.equal(row?.remaining_uses, 5, 'no use of the other trust was taken');
});
