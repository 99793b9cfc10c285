// Which tokens may manage credentials, beyond roles: a token from a restricted application credential may read
// but not create or delete (the same refusal from both servers), an unrestricted one may do all; and, with
// [oslo_policy] enforce_scope and enforce_new_defaults on, each token scope gets the decision oslo.policy takes
// under the new rules (the peer runs with the defaults, so these are asserted, not compared).
import t from 'tap';
import { isDelegatedMethod } from '../../src/application-credential/delegation.js';
import { insertApplicationCredential } from '../../src/application-credential/store.js';
import { call, issueToken, passwordAuth, uniqueName } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { appCredAuth, SERVERS, startKit, type Server } from './kit.js';

const kit = await startKit();
t.teardown(() => kit.close());
const { fixture } = kit;
const rulesPath = `/v3/users/${fixture.user.id}/access_rules`;

async function storedCredential(): Promise<string> {
  const id = uniqueName('victim').replace('-', '');
  await insertApplicationCredential(
    kit.ours.runtime.database.db,
    { id, name: id, secretHash: 'unused', description: null, userId: fixture.user.id, projectId: fixture.project.id, system: null, expiresAt: null, unrestricted: null },
    [fixture.roles.member],
  );
  return id;
}

t.test('a restricted credential’s token reads but may not create or delete; an unrestricted one may', async (t) => {
  const rule = await kit.create('keystone-ts', { access_rules: [{ service: 'compute', path: `/${uniqueName('r')}`, method: 'GET' }] });
  const ruleId = rule.access_rules[0].id as string;
  const restricted = (await issueToken(PEER.url, appCredAuth(await kit.create('keystone-ts')))).id;
  const unrestricted = (await issueToken(PEER.url, appCredAuth(await kit.create('keystone-ts', { unrestricted: true })))).id;
  const victims = new Map<Server, string>();
  for (const s of SERVERS) victims.set(s, await storedCredential());

  // The restricted token's deletes are refused, so the unrestricted one then deletes the same victims.
  for (const [token, what] of [
    [restricted, 'restricted'],
    [unrestricted, 'unrestricted'],
  ] as const) {
    const answers = new Map<Server, { status: number; body: any }[]>();
    for (const s of SERVERS) {
      answers.set(s, [
        await call(kit.url(s), 'GET', kit.credentials, { token }),
        await call(kit.url(s), 'GET', `${rulesPath}/${ruleId}`, { token }),
        await call(kit.url(s), 'POST', kit.credentials, { token, body: { application_credential: { name: uniqueName(what) } } }),
        await call(kit.url(s), 'DELETE', `${kit.credentials}/${victims.get(s)}`, { token }),
      ]);
    }
    const [theirs, mine] = SERVERS.map((s) => answers.get(s)!);
    const statuses = (list: { status: number }[]) => list.map((r) => r.status);
    t.same(statuses(mine!), statuses(theirs!), `${what}: ${statuses(theirs!).join(' ')}`);
    t.same(statuses(mine!), what === 'restricted' ? [200, 200, 403, 403] : [200, 200, 201, 204]);
    if (what === 'restricted') {
      t.same(mine![2]!.body, theirs![2]!.body, 'the same refusal to create');
      t.same(mine![3]!.body, theirs![3]!.body, 'the same refusal to delete');
    }
  }
});

t.test('tokens from delegated methods are told apart from primary sign-ins as py-keystone does', async (t) => {
  t.notOk(isDelegatedMethod(['password']));
  t.notOk(isDelegatedMethod(['password', 'totp']));
  t.notOk(isDelegatedMethod(['token', 'mapped']));
  t.ok(isDelegatedMethod(['oauth1']));
  t.ok(isDelegatedMethod(['password', 'ec2credential']));
  t.ok(isDelegatedMethod([]), 'a token whose methods were lost counts as delegated');
});

t.test('with enforce_scope and enforce_new_defaults, each scope gets the decision oslo.policy takes', async (t) => {
  const strict = await startKeystoneTs(besidePeerConfig({ oslo_policy: { enforce_scope: 'true', enforce_new_defaults: 'true' } }));
  t.teardown(() => strict.close());
  const login = async (scope: Parameters<typeof passwordAuth>[2]) =>
    (await issueToken(PEER.url, passwordAuth({ id: fixture.user.id }, fixture.user.password, scope))).id;
  // The fixture user: member (so reader) on the project, admin on the domain, reader on the system.
  const tokens = {
    project: kit.userToken,
    domain: await login({ domain: { id: fixture.domain.id } }),
    system: await login({ system: { all: true } }),
  };
  const someoneElse = `/v3/users/${fixture.domain.id}`;
  const cases: [keyof typeof tokens, string, string, number][] = [
    // list/get: an admin, a system reader, or the owner; system and project tokens only.
    ['project', 'GET', kit.credentials, 200],
    ['system', 'GET', kit.credentials, 200],
    ['domain', 'GET', kit.credentials, 403],
    ['project', 'GET', `${someoneElse}/application_credentials`, 403],
    ['system', 'GET', `${someoneElse}/application_credentials`, 200],
    // create: oneself, from a project token only.
    ['project', 'POST', kit.credentials, 201],
    ['system', 'POST', kit.credentials, 403],
    ['domain', 'POST', kit.credentials, 403],
    // access rules: a system reader or the owner.
    ['project', 'GET', rulesPath, 200],
    ['domain', 'GET', rulesPath, 403],
    ['system', 'GET', `${someoneElse}/access_rules`, 200],
  ];
  for (const [scope, method, path, status] of cases) {
    const body = method === 'POST' ? { application_credential: { name: uniqueName('strict') } } : undefined;
    const res = await call(strict.url, method, path, { token: tokens[scope], ...(body && { body }) });
    t.equal(res.status, status, `${scope} token: ${method} ${path}`);
  }
});
