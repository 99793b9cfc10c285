// The changes after which py-keystone revokes a user's tokens write the same revocation event through keystone-ts:
// disabling the user, deleting it, an administrator setting its password, removing it from a group, deleting a
// group that holds role assignments. Other changes revoke nothing. keystone-ts refuses the dead token at once,
// py-keystone (which reads the same table) too.
import t, { type Test } from 'tap';
import { call, issueToken, passwordAuth } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { peerSql, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());

const events = (userId: string) =>
  peerSql((sql) => sql`SELECT count(*)::int AS n FROM revocation_event WHERE user_id = ${userId}`.then((r) => r[0]!.n as number));

/** A user with a password and a project-scoped token issued by the peer, already validated (cached) by keystone-ts. */
async function userWithToken() {
  const user = await p.user({ password: 'pw' });
  const project = (await p.must('POST', '/v3/projects', { project: { name: `rv-${user.id.slice(0, 8)}`, domain_id: p.domainId } })).project;
  const reader = (await p.must('GET', '/v3/roles?name=reader')).roles[0];
  await p.must('PUT', `/v3/projects/${project.id}/users/${user.id}/roles/${reader.id}`);
  const token = await issueToken(PEER.url, passwordAuth({ id: user.id }, 'pw', { project: { id: project.id } }));
  const self = await call(p.ks.url, 'GET', `/v3/users/${user.id}`, { token: token.id });
  if (self.status !== 200) throw new Error(`fixture token refused: ${self.status}`);
  return { user, token: token.id };
}

async function tokenDead(t: Test, token: string, userId: string) {
  for (const base of [p.ks.url, PEER.url]) {
    t.equal((await call(base, 'GET', `/v3/users/${userId}`, { token })).status, 401, `token refused by ${base === PEER.url ? 'py-keystone' : 'keystone-ts'}`);
  }
}

t.test('disabling a user revokes its tokens; re-enabling does not bring them back', async (t) => {
  const { user, token } = await userWithToken();
  t.equal((await p.send('keystone-ts', 'PATCH', `/v3/users/${user.id}`, { user: { enabled: false } })).status, 200);
  t.equal(await events(user.id), 1);
  await tokenDead(t, token, user.id);
  await p.send('keystone-ts', 'PATCH', `/v3/users/${user.id}`, { user: { enabled: false, description: 'still off' } });
  t.equal(await events(user.id), 1, 'disabling a disabled user writes no second event');
  await p.send('keystone-ts', 'PATCH', `/v3/users/${user.id}`, { user: { enabled: true } });
  t.equal(await events(user.id), 1, 'enabling writes none');
  await tokenDead(t, token, user.id);
});

t.test('other attribute changes revoke nothing', async (t) => {
  const { user, token } = await userWithToken();
  await p.send('keystone-ts', 'PATCH', `/v3/users/${user.id}`, { user: { description: 'x', email: 'e@x', options: { lock_password: true } } });
  t.equal(await events(user.id), 0);
  t.equal((await call(p.ks.url, 'GET', `/v3/users/${user.id}`, { token })).status, 200);
});

t.test('an administrator setting the password revokes the tokens ("password": null does not)', async (t) => {
  const { user, token } = await userWithToken();
  await p.send('keystone-ts', 'PATCH', `/v3/users/${user.id}`, { user: { password: null } });
  t.equal(await events(user.id), 0);
  await p.send('keystone-ts', 'PATCH', `/v3/users/${user.id}`, { user: { password: 'new-pw' } });
  t.equal(await events(user.id), 1);
  await tokenDead(t, token, user.id);
});

t.test('deleting a user revokes its tokens', async (t) => {
  const { user, token } = await userWithToken();
  t.equal((await p.send('keystone-ts', 'DELETE', `/v3/users/${user.id}`)).status, 204);
  t.equal(await events(user.id), 1);
  // py-keystone answers a deleted user's token with 404 "Could not find user" (the user lookup fails before the
  // revocation check); both servers must agree.
  for (const base of [p.ks.url, PEER.url]) {
    const res = await call(base, 'GET', '/v3/users', { token });
    t.equal(res.status, 404, base);
    t.match(res.body?.error?.message, /Could not find user/, base);
  }
});

t.test('removing a user from a group revokes its tokens, adding it does not', async (t) => {
  const { user, token } = await userWithToken();
  const group = await p.group();
  await p.send('keystone-ts', 'PUT', `/v3/groups/${group.id}/users/${user.id}`);
  t.equal(await events(user.id), 0);
  await p.send('keystone-ts', 'DELETE', `/v3/groups/${group.id}/users/${user.id}`);
  t.equal(await events(user.id), 1);
  await tokenDead(t, token, user.id);
});

t.test("deleting a group revokes its members' tokens only when the group holds a role", async (t) => {
  const a = await userWithToken();
  const b = await userWithToken();
  const plain = await p.group();
  const granted = await p.group();
  await p.must('PUT', `/v3/groups/${plain.id}/users/${a.user.id}`);
  await p.must('PUT', `/v3/groups/${granted.id}/users/${b.user.id}`);
  const reader = (await p.must('GET', '/v3/roles?name=reader')).roles[0];
  await p.must('PUT', `/v3/domains/${p.domainId}/groups/${granted.id}/roles/${reader.id}`);
  await p.send('keystone-ts', 'DELETE', `/v3/groups/${plain.id}`);
  t.equal(await events(a.user.id), 0, 'a group without roles');
  t.equal((await call(p.ks.url, 'GET', `/v3/users/${a.user.id}`, { token: a.token })).status, 200);
  await p.send('keystone-ts', 'DELETE', `/v3/groups/${granted.id}`);
  t.equal(await events(b.user.id), 1, 'a group with a role');
  await tokenDead(t, b.token, b.user.id);
});

t.test('each change notifies once, naming the resource and the initiator', async (t) => {
  const seen: string[] = [];
  const stop = p.ks.runtime.events.subscribe((e) => seen.push(`${e.eventType} ${e.resourceId} by ${e.initiator.userId ?? '-'}`));
  t.teardown(stop);
  const created = await p.send('keystone-ts', 'POST', '/v3/users', { user: { name: `rv-n-${Date.now()}`, domain_id: p.domainId } });
  const id = created.body.user.id;
  const group = await p.send('keystone-ts', 'POST', '/v3/groups', { group: { name: `rv-g-${Date.now()}`, domain_id: p.domainId } });
  const gid = group.body.group.id;
  await p.send('keystone-ts', 'PATCH', `/v3/users/${id}`, { user: { description: 'x' } });
  await p.send('keystone-ts', 'PUT', `/v3/groups/${gid}/users/${id}`);
  await p.send('keystone-ts', 'DELETE', `/v3/groups/${gid}/users/${id}`);
  await p.send('keystone-ts', 'PATCH', `/v3/groups/${gid}`, { group: { description: 'y' } });
  await p.send('keystone-ts', 'DELETE', `/v3/groups/${gid}`);
  await p.send('keystone-ts', 'DELETE', `/v3/users/${id}`);
  const admin = (await p.ks.runtime.tokens.validate(p.token)).context.userId;
  t.same(
    seen,
    [
      `identity.user.created ${id}`,
      `identity.group.created ${gid}`,
      `identity.user.updated ${id}`,
      `identity.group.updated ${gid}`,
      `identity.group.updated ${gid}`,
      `identity.group.updated ${gid}`,
      `identity.group.deleted ${gid}`,
      `identity.user.deleted ${id}`,
    ].map((e) => `${e} by ${admin}`),
  );
});
