// POST /v3/users/{user_id}/password: a user changes their own password with the original one, no token needed.
// With default settings keystone-ts answers as the py-keystone peer does; the [security_compliance] rules
// (regex, history, minimum age, lockout, expiry, change upon first use) are checked against py-keystone's own
// wording, since the peer runs with the defaults.
import t from 'tap';
import { call, issueToken, passwordAuth } from '../helpers/identity-api.js';
import { startKeystoneTs, besidePeerConfig } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { peerSql, sameAnswer, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());

const change = (base: string, userId: string, original: unknown, password: unknown) =>
  call(base, 'POST', `/v3/users/${userId}/password`, { body: { user: { original_password: original, password } } });
const login = async (userId: string, password: string) => (await issueToken(PEER.url, passwordAuth({ id: userId }, password))).status;
const failedCount = (userId: string) =>
  peerSql((sql) => sql`SELECT failed_auth_count FROM local_user WHERE user_id = ${userId}`.then((r) => r[0]!.failed_auth_count as number | null));

t.test('a wrong original password or an unknown user is a 401, and counts as a failed attempt', async (t) => {
  const user = await p.user({ password: 'right' });
  sameAnswer(t, { theirs: await change(PEER.url, user.id, 'wrong', 'new-1'), mine: await change(p.ks.url, user.id, 'wrong', 'new-1') }, 'wrong original');
  t.equal(await failedCount(user.id), 2, 'each server counted its failure');
  sameAnswer(
    t,
    { theirs: await change(PEER.url, 'no-such-user', 'x', 'y'), mine: await change(p.ks.url, 'no-such-user', 'x', 'y') },
    'unknown user',
  );
});

t.test('bad bodies are 400s with py-keystone\'s first line; GET and HEAD are 405s', async (t) => {
  const user = await p.user({ password: 'right' });
  for (const body of [{ user: { password: 'a' } }, { user: { original_password: 'a', password: 'b', x: 1 } }, { user: { original_password: 1, password: 'b' } }, {}, { user: null }]) {
    const send = (base: string) => call(base, 'POST', `/v3/users/${user.id}/password`, { body });
    sameAnswer(t, { theirs: await send(PEER.url), mine: await send(p.ks.url) }, JSON.stringify(body));
  }
  for (const method of ['GET', 'HEAD']) {
    const [theirs, mine] = await Promise.all([PEER.url, p.ks.url].map((b) => call(b, method, `/v3/users/${user.id}/password`)));
    t.equal(mine!.status, theirs!.status, `${method} status`);
    t.equal(mine!.headers.get('allow'), theirs!.headers.get('allow'), `${method} Allow`);
    t.same(mine!.body, theirs!.body, `${method} body`);
  }
});

t.test('a change replaces the password, revokes the user\'s tokens on both servers, and is self-service', async (t) => {
  const user = await p.user({ password: 'before' });
  const token = await issueToken(PEER.url, passwordAuth({ id: user.id }, 'before'));
  t.equal((await call(p.ks.url, 'GET', `/v3/users/${user.id}`, { token: token.id })).status, 200);
  const res = await change(p.ks.url, user.id, 'before', 'after');
  t.equal(res.status, 204);
  t.equal(await login(user.id, 'after'), 201);
  t.equal(await login(user.id, 'before'), 401);
  for (const base of [PEER.url, p.ks.url]) {
    t.equal((await call(base, 'GET', `/v3/users/${user.id}`, { token: token.id })).status, 401, `old token refused by ${base}`);
  }
  const rows = await peerSql(
    (sql) => sql`SELECT self_service, expires_at IS NOT NULL AS expired FROM password
      JOIN local_user ON local_user.id = local_user_id WHERE user_id = ${user.id} ORDER BY created_at_int`,
  );
  t.same([...rows], [{ self_service: false, expired: true }, { self_service: true, expired: false }]);
  // The peer changes it back the same way.
  t.equal((await change(PEER.url, user.id, 'after', 'again')).status, 204);
});

t.test('a disabled user cannot change their password (401 naming the user)', async (t) => {
  const user = await p.user({ password: 'pw', enabled: false });
  sameAnswer(t, { theirs: await change(PEER.url, user.id, 'pw', 'x'), mine: await change(p.ks.url, user.id, 'pw', 'x') }, 'disabled');
});

t.test('an expired password can still be changed', async (t) => {
  const user = await p.user({ password: 'old' });
  await peerSql(
    (sql) => sql`UPDATE password SET expires_at = now() AT TIME ZONE 'utc' - interval '1 day',
      expires_at_int = (extract(epoch FROM now()) * 1000000)::bigint - 86400000000
      WHERE local_user_id = (SELECT id FROM local_user WHERE user_id = ${user.id})`,
  );
  t.equal(await login(user.id, 'old'), 401, 'expired');
  t.equal((await change(p.ks.url, user.id, 'old', 'fresh')).status, 204);
  t.equal(await login(user.id, 'fresh'), 201);
});

t.test('[security_compliance]: regex, history and expiry of the new password', async (t) => {
  const ks = await startKeystoneTs(
    besidePeerConfig({
      security_compliance: {
        password_regex: '^(?=.*\\d)(?=.*[a-zA-Z]).{7,}$',
        password_regex_description: 'Passwords need 7 characters, a letter and a digit',
        unique_last_password_count: '2',
        password_expires_days: '30',
      },
    }),
  );
  t.teardown(() => ks.close());
  const user = await p.user({ password: 'first-1' });
  const weak = await change(ks.url, user.id, 'first-1', 'short');
  t.same(weak.body.error, {
    code: 400,
    title: 'Bad Request',
    message: 'The password does not match the requirements: Passwords need 7 characters, a letter and a digit.',
  });
  t.equal((await change(ks.url, user.id, 'first-1', 'second-2')).status, 204);
  const reuse = await change(ks.url, user.id, 'second-2', 'first-1');
  t.same(reuse.body.error.message, 'The new password cannot be identical to a previous password. The total number which includes the new password must be unique is 2.');
  const current = await change(ks.url, user.id, 'second-2', 'second-2');
  t.equal(current.status, 400, 'the current password is history too');
  const shown = await call(ks.url, 'GET', `/v3/users/${user.id}`, { token: p.token });
  const expires = Date.parse(`${shown.body.user.password_expires_at}Z`);
  t.ok(Math.abs(expires - (Date.now() + 30 * 86_400_000)) < 120_000, 'expires in 30 days');
  t.match(shown.body.user.password_expires_at, /\.000000$/, 'to the second');
  t.equal((await change(ks.url, user.id, 'second-2', 'third-3')).status, 204);
  t.equal((await change(ks.url, user.id, 'third-3', 'first-1')).status, 204, 'two changes later the first password is free again');
  const kept = await peerSql(
    (sql) => sql`SELECT count(*)::int AS n FROM password JOIN local_user ON local_user.id = local_user_id WHERE user_id = ${user.id}`,
  );
  t.equal(kept[0]!.n, 3, 'unique_last_password_count rows of history and the current one');
});

t.test('[security_compliance]: minimum age, lock_password and lockout', async (t) => {
  const ks = await startKeystoneTs(
    besidePeerConfig({ security_compliance: { minimum_password_age: '1', lockout_failure_attempts: '2', lockout_duration: '600' } }),
  );
  t.teardown(() => ks.close());
  const user = await p.user({ password: 'one' });
  t.equal((await change(ks.url, user.id, 'one', 'two')).status, 204, 'an admin-set password may be changed at once');
  const tooSoon = await change(ks.url, user.id, 'two', 'three');
  t.same(tooSoon.body.error.message,
    'You cannot change your password at this time due to the minimum password age. Once you change your password, ' +
      'it must be used for 1 day(s) before it can be changed. Please try again in 0 day(s) or contact your administrator to reset your password.');
  const locked = await p.user({ password: 'pw', options: { lock_password: true } });
  const refused = await change(ks.url, locked.id, 'pw', 'other');
  t.same(refused.body.error, {
    code: 400,
    title: 'Bad Request',
    message: 'You cannot change your password at this time due to password policy disallowing password changes. Please contact your administrator to reset your password.',
  });
  const victim = await p.user({ password: 'pw' });
  for (let i = 0; i < 2; i++) t.equal((await change(ks.url, victim.id, 'wrong', 'x')).status, 401);
  const lockedOut = await change(ks.url, victim.id, 'pw', 'x');
  t.same(lockedOut.body.error, { code: 401, title: 'Unauthorized', message: `The account is locked for user: ${victim.id}.` });
  const exempt = await p.user({ password: 'pw', options: { ignore_lockout_failure_attempts: true } });
  for (let i = 0; i < 3; i++) await change(ks.url, exempt.id, 'wrong', 'x');
  t.equal((await change(ks.url, exempt.id, 'pw', 'fine-now')).status, 204, 'ignore_lockout_failure_attempts');
});

t.test('[security_compliance] change_password_upon_first_use: an admin-set password expires at once', async (t) => {
  const ks = await startKeystoneTs(besidePeerConfig({ security_compliance: { change_password_upon_first_use: 'true' } }));
  t.teardown(() => ks.close());
  const created = await call(ks.url, 'POST', '/v3/users', {
    token: p.token,
    body: { user: { name: `first-use-${Date.now()}`, domain_id: p.domainId, password: 'temp', options: { ignore_change_password_upon_first_use: true } } },
  });
  t.equal(created.status, 201);
  t.ok(created.body.user.password_expires_at, 'py-keystone applies the rule before it stores the new user\'s options');
  t.equal(await login(created.body.user.id, 'temp'), 401, 'the password has expired');
  t.equal((await change(ks.url, created.body.user.id, 'temp', 'mine-now')).status, 204);
  t.equal(await login(created.body.user.id, 'mine-now'), 201);
  const reset = await call(ks.url, 'PATCH', `/v3/users/${created.body.user.id}`, { token: p.token, body: { user: { password: 'admin-set' } } });
  t.equal(reset.body.user.password_expires_at, null, 'on update the stored ignore option applies');
});
