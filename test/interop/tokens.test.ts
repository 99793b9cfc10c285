// A token issued by either implementation validates in the other with the same body, for every scope; a token
// revoked in either is dead in both. Both servers share the peer's database and Fernet key repository.
import t from 'tap';
import { call, issueToken, normaliseTokenBody, passwordAuth, tokenBodiesToCompare, type ScopeRequest } from '../helpers/identity-api.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { besidePeerConfig, startKeystoneTs, type RunningKeystone } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { createPeerFixture, removePeerFixture, type PeerFixture } from './fixtures.js';

const fixture: PeerFixture = await createPeerFixture();
// A short validation cache, so the bound on seeing the peer's revocations is quick to wait out.
const CACHE_SECONDS = 1;
const ours: RunningKeystone = await startKeystoneTs(
  besidePeerConfig({ keystone_ts: { validation_cache_seconds: String(CACHE_SECONDS) } }),
);
t.teardown(async () => {
  await ours.close();
  await removePeerFixture(fixture);
});

const servers = { 'py-keystone': PEER.url, 'keystone-ts': ours.url } as const;
type ServerName = keyof typeof servers;

const scopes: Record<string, () => ScopeRequest> = {
  'project by name': () => ({ project: { name: fixture.project.name, domain: { id: fixture.domain.id } } }),
  'project by id': () => ({ project: { id: fixture.project.id } }),
  domain: () => ({ domain: { id: fixture.domain.id } }),
  system: () => ({ system: { all: true } }),
  'no scope (no default project)': () => undefined,
  'explicitly unscoped': () => 'unscoped',
};

async function validate(server: ServerName, token: string, query = '') {
  return call(servers[server], 'GET', `/v3/auth/tokens${query}`, { token, subject: token });
}

for (const [scopeName, scope] of Object.entries(scopes)) {
  for (const [issuer, validator] of [
    ['py-keystone', 'keystone-ts'],
    ['keystone-ts', 'py-keystone'],
  ] as const) {
    t.test(`a ${scopeName} token issued by ${issuer} validates in ${validator} with the same body`, async (t) => {
      const user = { name: fixture.user.name, domainId: fixture.domain.id };
      const issued = await issueToken(servers[issuer], passwordAuth(user, fixture.user.password, scope()));
      t.equal(issued.status, 201, `${issuer} issues the token`);
      const there = await validate(validator, issued.id);
      const here = await validate(issuer, issued.id);
      t.equal(there.status, 200, `${validator} accepts it`);
      t.equal(there.headers.get('x-subject-token'), issued.id);
      t.same(...tokenBodiesToCompare(there.body, here.body), 'same body from both');
      t.same(...tokenBodiesToCompare(issued.body, here.body), 'POST body equals GET body');
    });
  }
}

t.test('?nocatalog drops the catalog in both', async (t) => {
  const user = { name: fixture.user.name, domainId: fixture.domain.id };
  const issued = await issueToken(PEER.url, passwordAuth(user, fixture.user.password, scopes['project by id']!()));
  const theirs = await validate('py-keystone', issued.id, '?nocatalog');
  const mine = await validate('keystone-ts', issued.id, '?nocatalog');
  t.notOk('catalog' in mine.body.token);
  t.same(normaliseTokenBody(mine.body), normaliseTokenBody(theirs.body));
});

t.test('a rescoped token keeps the expiry and audit chain, identically in both', async (t) => {
  const user = { name: fixture.user.name, domainId: fixture.domain.id };
  const unscoped = await issueToken(PEER.url, passwordAuth(user, fixture.user.password));
  const rescope = {
    auth: { identity: { methods: ['token'], token: { id: unscoped.id } }, scope: { project: { id: fixture.project.id } } },
  };
  const mine = await issueToken(ours.url, rescope);
  t.equal(mine.status, 201);
  t.equal(mine.body.token.expires_at, unscoped.body.token.expires_at, 'expiry kept');
  t.equal(mine.body.token.audit_ids[1], unscoped.body.token.audit_ids[0], 'audit chain kept');
  t.same(mine.body.token.methods.sort(), ['password', 'token']);
  const theirs = await validate('py-keystone', mine.id);
  t.same(...tokenBodiesToCompare(theirs.body, mine.body));
});

for (const [revoker, other] of [
  ['keystone-ts', 'py-keystone'],
  ['py-keystone', 'keystone-ts'],
] as const) {
  t.test(`a token revoked by ${revoker} is rejected by both`, async (t) => {
    const user = { name: fixture.user.name, domainId: fixture.domain.id };
    const victim = await issueToken(servers[other], passwordAuth(user, fixture.user.password, scopes['project by id']!()));
    const caller = await issueToken(servers[other], passwordAuth(user, fixture.user.password, scopes['project by id']!()));
    t.equal((await validate(revoker, victim.id)).status, 200, 'valid before');
    const del = await call(servers[revoker], 'DELETE', '/v3/auth/tokens', { token: caller.id, subject: victim.id });
    t.equal(del.status, 204);
    // keystone-ts sees a revocation written by the peer once its cached validation expires (the documented bound).
    if (revoker === 'py-keystone') await sleep(CACHE_SECONDS * 1000 + 100);
    for (const server of ['py-keystone', 'keystone-ts'] as const) {
      const res = await call(servers[server], 'GET', '/v3/auth/tokens', { token: caller.id, subject: victim.id });
      t.equal(res.status, 404, `${server} rejects the revoked token`);
    }
    t.equal((await validate(revoker, caller.id)).status, 200, 'other tokens of the user stay valid');
  });
}
