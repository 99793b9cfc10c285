// /v3/groups answered by keystone-ts as by py-keystone: create, show, list (filters), update and delete with the
// same bodies and refusals; membership added, checked and removed; a user's groups.
import t from 'tap';
import { uniqueName } from '../helpers/identity-api.js';
import { peerSql, sameAnswer, SERVERS, startParity, type Server } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());

async function createOnBoth(body: Record<string, unknown>) {
  const names: Record<Server, string> = { 'py-keystone': uniqueName('gr-peer'), 'keystone-ts': uniqueName('gr-ours') };
  const [theirs, mine] = await Promise.all(
    SERVERS.map((s) => p.send(s, 'POST', '/v3/groups', { group: { domain_id: p.domainId, ...body, name: names[s] } })),
  );
  const replace: Record<string, string> = { [names['py-keystone']]: '<name>', [names['keystone-ts']]: '<name>' };
  if (theirs!.status === 201) replace[theirs!.body.group.id] = '<id>';
  if (mine!.status === 201) replace[mine!.body.group.id] = '<id>';
  return { theirs: theirs!, mine: mine!, replace };
}

t.test('a group created on either server has the same body, and reads the same from both', async (t) => {
  const created = await createOnBoth({ description: 'a group', colour: 'blue', 'odd:key': [1] });
  sameAnswer(t, created, 'create', { replace: created.replace });
  t.same(created.mine.body.group.odd_key, [1]);
  for (const id of [created.theirs.body.group.id, created.mine.body.group.id]) {
    sameAnswer(t, await p.both('GET', `/v3/groups/${id}`), `show ${id}`, { replace: created.replace });
  }
  const minimal = await createOnBoth({});
  sameAnswer(t, minimal, 'minimal create: description defaults to ""', { replace: minimal.replace });
  const nullDescription = await createOnBoth({ description: null });
  sameAnswer(t, nullDescription, 'null description', { replace: nullDescription.replace });
});

t.test('refusals: bad bodies, an unknown domain, a taken name', async (t) => {
  const taken = await p.group();
  const bodies: unknown[] = [
    { group: { name: '' } },
    { group: { name: 'x', domain_id: 'a b' } },
    { group: { name: 'x', description: 5 } },
    { group: {} },
    { group: 'x' },
    {},
    { group: { name: 'x', domain_id: 'no-such-domain' } },
    { group: { name: taken.name, domain_id: p.domainId } },
    { group: { name: `  ${taken.name} `, domain_id: p.domainId } },
  ];
  for (const body of bodies) sameAnswer(t, await p.both('POST', '/v3/groups', body), JSON.stringify(body));
  const array = await p.both('POST', '/v3/groups', [1]);
  t.equal(array.mine.status, array.theirs.status, 'a JSON array body');
});

t.test('listing filters by domain_id and name, exactly and inexactly', async (t) => {
  const prefix = uniqueName('gl');
  await p.group({ name: `${prefix}-One` });
  await p.group({ name: `${prefix}-two` });
  for (const q of [
    `domain_id=${p.domainId}`,
    `name=${prefix}-One`,
    `name=${prefix}-one`,
    `name__icontains=${prefix}-O`,
    `name__startswith=${prefix}-t`,
    `name__contains=One&domain_id=${p.domainId}`,
    `name__iendswith=TWO&domain_id=${p.domainId}`,
    `name=${'g'.repeat(70)}`,
  ]) {
    sameAnswer(t, await p.both('GET', `/v3/groups?${q}`), q);
  }
});

t.test('an update changes name and description, merges free attributes; it cannot change id or domain', async (t) => {
  const created = await createOnBoth({ description: 'd', keep: 1 });
  const renamed: Record<Server, string> = { 'py-keystone': uniqueName('rn-peer'), 'keystone-ts': uniqueName('rn-ours') };
  const [theirs, mine] = [
    await p.send('py-keystone', 'PATCH', `/v3/groups/${created.theirs.body.group.id}`, {
      group: { description: null, added: 'x', name: `  ${renamed['py-keystone']}  ` },
    }),
    await p.send('keystone-ts', 'PATCH', `/v3/groups/${created.mine.body.group.id}`, {
      group: { description: null, added: 'x', name: `  ${renamed['keystone-ts']}  ` },
    }),
  ];
  const replace = { ...created.replace, [renamed['py-keystone']]: '<n>', [renamed['keystone-ts']]: '<n>' };
  t.equal(mine!.status, 200);
  sameAnswer(t, { theirs: theirs!, mine: mine! }, 'update', { replace });
  const id = created.mine.body.group.id;
  const other = await p.group();
  for (const body of [
    { group: { id: 'other' } },
    { group: { id } },
    { group: { domain_id: 'other' } },
    { group: { domain_id: p.domainId, description: 'same domain is fine' } },
    { group: {} },
    { group: { name: other.name } },
  ]) {
    sameAnswer(t, await p.both('PATCH', `/v3/groups/${id}`, body), JSON.stringify(body), { replace: created.replace });
  }
  sameAnswer(t, await p.both('PATCH', '/v3/groups/no-such-group', { group: { name: 'x' } }), 'unknown group');
  sameAnswer(t, await p.both('PATCH', '/v3/groups/no-such-group', { group: {} }), 'unknown group, bad body: 400 first');
});

t.test('membership: add (idempotent), check, list both ways, remove; unknown users and groups', async (t) => {
  const group = await p.group();
  const user = await p.user();
  const outsider = await p.user();
  sameAnswer(t, await p.both('PUT', `/v3/groups/${group.id}/users/${user.id}`), 'add');
  for (const [method, path] of [
    ['HEAD', `/v3/groups/${group.id}/users/${user.id}`],
    ['GET', `/v3/groups/${group.id}/users/${user.id}`],
    ['GET', `/v3/groups/${group.id}/users/${outsider.id}`],
    ['GET', `/v3/groups/${group.id}/users/no-such-user`],
    ['GET', `/v3/groups/no-such-group/users/${user.id}`],
    ['PUT', `/v3/groups/${group.id}/users/no-such-user`],
    ['PUT', `/v3/groups/no-such-group/users/no-such-user`],
    ['GET', `/v3/groups/${group.id}/users`],
    ['GET', `/v3/users/${user.id}/groups`],
    ['GET', `/v3/users/${user.id}/groups?name=${group.name}`],
    ['GET', `/v3/users/${user.id}/groups?name__icontains=${group.name.toUpperCase()}`],
    ['GET', `/v3/users/${outsider.id}/groups`],
    ['GET', '/v3/users/no-such-user/groups'],
    ['DELETE', `/v3/groups/${group.id}/users/${outsider.id}`],
    ['DELETE', `/v3/groups/${group.id}/users/no-such-user`],
    ['DELETE', `/v3/groups/no-such-group/users/${user.id}`],
  ] as const) {
    sameAnswer(t, await p.both(method, path), `${method} ${path}`);
  }
  // A removal happens once: on keystone-ts, then both see it gone.
  const removed = await p.send('keystone-ts', 'DELETE', `/v3/groups/${group.id}/users/${user.id}`);
  t.equal(removed.status, 204);
  sameAnswer(t, await p.both('DELETE', `/v3/groups/${group.id}/users/${user.id}`), 'remove again');
  sameAnswer(t, await p.both('GET', `/v3/groups/${group.id}/users/${user.id}`), 'check after removal');
});

t.test("a user's groups include unexpired federated memberships, with their expiry", async (t) => {
  const idp = uniqueName('gr-idp');
  await p.must('PUT', `/v3/OS-FEDERATION/identity_providers/${idp}`, { identity_provider: { enabled: true, authorization_ttl: 60 } });
  t.teardown(() => p.send('py-keystone', 'DELETE', `/v3/OS-FEDERATION/identity_providers/${idp}`));
  const user = await p.user();
  const [fresh, stale] = [await p.group(), await p.group()];
  await peerSql(async (sql) => {
    await sql`INSERT INTO expiring_user_group_membership (user_id, group_id, idp_id, last_verified)
      VALUES (${user.id}, ${fresh.id}, ${idp}, now() AT TIME ZONE 'utc'),
             (${user.id}, ${stale.id}, ${idp}, now() AT TIME ZONE 'utc' - interval '2 hours')`;
  });
  sameAnswer(t, await p.both('GET', `/v3/users/${user.id}/groups`), 'groups with an expiring membership');
  const listed = await p.send('keystone-ts', 'GET', `/v3/users/${user.id}/groups`);
  t.same(listed.body.groups.map((g: any) => g.id), [fresh.id]);
  t.match(listed.body.groups[0].membership_expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  sameAnswer(t, await p.both('HEAD', `/v3/groups/${fresh.id}/users/${user.id}`), 'check an expiring membership');
  sameAnswer(t, await p.both('HEAD', `/v3/groups/${stale.id}/users/${user.id}`), 'check a lapsed membership');
  await peerSql((sql) => sql`DELETE FROM expiring_user_group_membership WHERE user_id = ${user.id}`);
});

t.test('delete removes the group with its memberships and grants; then it is a 404', async (t) => {
  const group = await p.group();
  const user = await p.user();
  await p.must('PUT', `/v3/groups/${group.id}/users/${user.id}`);
  const reader = (await p.must('GET', '/v3/roles?name=reader')).roles[0];
  await p.must('PUT', `/v3/domains/${p.domainId}/groups/${group.id}/roles/${reader.id}`);
  await p.must('PUT', `/v3/system/groups/${group.id}/roles/${reader.id}`);
  t.equal((await p.send('keystone-ts', 'DELETE', `/v3/groups/${group.id}`)).status, 204);
  const left = await peerSql(async (sql) => ({
    groups: (await sql`SELECT 1 FROM "group" WHERE id = ${group.id}`).length,
    memberships: (await sql`SELECT 1 FROM user_group_membership WHERE group_id = ${group.id}`).length,
    grants: (await sql`SELECT 1 FROM assignment WHERE actor_id = ${group.id}`).length,
    system: (await sql`SELECT 1 FROM system_assignment WHERE actor_id = ${group.id}`).length,
  }));
  t.same(left, { groups: 0, memberships: 0, grants: 0, system: 0 });
  sameAnswer(t, await p.both('DELETE', `/v3/groups/${group.id}`), 'delete again');
  sameAnswer(t, await p.both('GET', `/v3/groups/${group.id}`), 'show deleted');
  sameAnswer(t, await p.both('GET', `/v3/users/${user.id}/groups`), 'the member has no groups left');
});
