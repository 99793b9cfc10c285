// GET /v3/OS-REVOKE/events lists what both implementations wrote, rendered as py-keystone renders it; the
// PKI-era endpoints answer as py-keystone Zed does.
import t from 'tap';
import { call, issueToken, passwordAuth } from '../helpers/identity-api.js';
import { startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';

const ours = await startKeystoneTs();
t.teardown(() => ours.close());

const admin = async () =>
  (await issueToken(PEER.url, passwordAuth({ name: 'admin', domainId: 'default' }, PEER.adminPassword, { project: { name: 'admin', domain: { id: 'default' } } }))).id;

const sameHost = (body: unknown) => JSON.parse(JSON.stringify(body).replaceAll(ours.url, PEER.url));

t.test('events written by either side are listed identically by both, and ?since narrows them', async (t) => {
  const caller = await admin();
  const since = new Date(Date.now() - 2000).toISOString();
  for (const revoker of [PEER.url, ours.url]) {
    const victim = await issueToken(PEER.url, { auth: { identity: { methods: ['token'], token: { id: caller } } } });
    t.equal((await call(revoker, 'DELETE', '/v3/auth/tokens', { token: caller, subject: victim.id })).status, 204);
  }
  const path = `/v3/OS-REVOKE/events?since=${encodeURIComponent(since)}`;
  const [theirs, mine] = [await call(PEER.url, 'GET', path, { token: caller }), await call(ours.url, 'GET', path, { token: caller })];
  t.equal(mine.status, 200);
  t.ok(theirs.body.events.length >= 2, 'both revocations are listed');
  const order = (b: any) => ({ ...b, events: [...b.events].sort((x: any, y: any) => JSON.stringify(x).localeCompare(JSON.stringify(y))) });
  t.same(order(sameHost(mine.body)), order(theirs.body));
  const all = await call(ours.url, 'GET', '/v3/OS-REVOKE/events', { token: caller });
  t.ok(all.body.events.length >= mine.body.events.length, 'without since, at least as many');
});

t.test('a malformed since is a 400 in both', async (t) => {
  const caller = await admin();
  for (const url of [PEER.url, ours.url]) {
    const res = await call(url, 'GET', '/v3/OS-REVOKE/events?since=garbage', { token: caller });
    t.equal(res.status, 400);
    t.equal(res.body.error.message, 'invalidate date format garbage');
  }
});

t.test('OS-PKI and OS-SIMPLE-CERT answer as py-keystone Zed', async (t) => {
  const caller = await admin();
  for (const path of ['/v3/auth/tokens/OS-PKI/revoked', '/v3/OS-SIMPLE-CERT/ca', '/v3/OS-SIMPLE-CERT/certificates']) {
    const [theirs, mine] = [await call(PEER.url, 'GET', path, { token: caller }), await call(ours.url, 'GET', path, { token: caller })];
    t.equal(mine.status, theirs.status, path);
    t.same(mine.body, theirs.body, path);
  }
});

t.test('listing events needs an admin or service token, as in py-keystone', async (t) => {
  const unscoped = (await issueToken(PEER.url, passwordAuth({ name: 'admin', domainId: 'default' }, PEER.adminPassword))).id;
  for (const url of [PEER.url, ours.url]) {
    t.equal((await call(url, 'GET', '/v3/OS-REVOKE/events')).status, 401, `no token at ${url}`);
    t.equal((await call(url, 'GET', '/v3/OS-REVOKE/events', { token: unscoped })).status, 403, `unscoped at ${url}`);
  }
});
