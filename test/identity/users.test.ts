// /v3/users answered by keystone-ts as by py-keystone: create, show, update and delete with the same bodies,
// the same defaults and the same refusals, and the rows written as py-keystone writes them.
import t from 'tap';
import { issueToken, passwordAuth, uniqueName } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { peerSql, sameAnswer, SERVERS, startParity, type Server } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());

/** The same create on both servers, each with its own name; the answers and the replacements that align them. */
async function createOnBoth(body: Record<string, unknown>, opts: { withDomain?: boolean } = {}) {
  const names: Record<Server, string> = { 'py-keystone': uniqueName('id-peer'), 'keystone-ts': uniqueName('id-ours') };
  const [theirs, mine] = await Promise.all(
    SERVERS.map((s) =>
      p.send(s, 'POST', '/v3/users', { user: { ...(opts.withDomain !== false && { domain_id: p.domainId }), ...body, name: names[s] } }),
    ),
  );
  const replace: Record<string, string> = { [names['py-keystone']]: '<name>', [names['keystone-ts']]: '<name>' };
  if (theirs!.status === 201) replace[theirs!.body.user.id] = '<id>';
  if (mine!.status === 201) replace[mine!.body.user.id] = '<id>';
  return { theirs: theirs!, mine: mine!, replace, names };
}

t.test('a user created on either server has the same body, and reads the same from both', async (t) => {
  const created = await createOnBoth({
    password: 'secret-1',
    email: 'someone@example.com',
    description: 'a user',
    enabled: false,
    default_project_id: 'does-not-exist',
    'odd-key': 1,
    'ns:key': { nested: [1, 'two'] },
    options: { ignore_password_expiry: true, multi_factor_auth_rules: [['password', 'totp'], ['password']], lock_password: false },
  });
  sameAnswer(t, created, 'create', { replace: created.replace });
  t.equal(created.mine.body.user.ns_key?.nested?.[1], 'two', "':' and '-' in attribute names become '_'");
  for (const id of [created.theirs.body.user.id, created.mine.body.user.id]) {
    sameAnswer(t, await p.both('GET', `/v3/users/${id}`), `show ${id}`, { replace: created.replace });
    const head = await p.both('HEAD', `/v3/users/${id}`);
    t.equal(head.mine.status, head.theirs.status, 'HEAD');
  }
});

t.test('defaults: enabled, no default project, no password expiry, no options', async (t) => {
  const created = await createOnBoth({});
  sameAnswer(t, created, 'create', { replace: created.replace });
  t.same(Object.keys(created.mine.body.user).sort(), ['domain_id', 'enabled', 'id', 'links', 'name', 'options', 'password_expires_at']);
});

t.test('a domain_id left out is the [identity] default domain for a project-scoped caller', async (t) => {
  const created = await createOnBoth({}, { withDomain: false });
  for (const r of [created.theirs, created.mine]) if (r.status === 201) p.trackUser(r.body.user.id);
  sameAnswer(t, created, 'create', { replace: created.replace });
  t.equal(created.mine.body.user.domain_id, 'default');
});

t.test('free attributes password, tenants, groups and domains are stored but not shown', async (t) => {
  const created = await createOnBoth({ tenants: ['x'], groups: 1, domains: 'd', extra: { lost: true }, password_expires_at: '2031-01-01T00:00:00Z', id: 'mine' });
  sameAnswer(t, created, 'create', { replace: created.replace });
  t.not(created.mine.body.user.id, 'mine', 'the id is generated');
  const update = await p.both('PATCH', `/v3/users/${created.theirs.body.user.id}`, { user: { description: 'x' } });
  sameAnswer(t, update, 'update shows the extra object without password and tenants', { replace: created.replace });
  t.same(update.mine.body.user.extra, { groups: 1, domains: 'd', description: 'x' });
});

t.test('the name is stripped; a name already used in the domain is a 409 naming it', async (t) => {
  const name = uniqueName('id-strip');
  const theirs = await p.send('py-keystone', 'POST', '/v3/users', { user: { name: `  ${name}  `, domain_id: p.domainId } });
  t.equal(theirs.body.user.name, name);
  sameAnswer(t, await p.both('POST', '/v3/users', { user: { name, domain_id: p.domainId } }), 'duplicate');
  sameAnswer(t, await p.both('POST', '/v3/users', { user: { name: ` ${name}`, domain_id: p.domainId } }), 'duplicate after strip');
  const mine = await p.send('keystone-ts', 'POST', '/v3/users', { user: { name: ` ${name}-2 `, domain_id: p.domainId } });
  t.equal(mine.body.user.name, `${name}-2`);
});

t.test('an unknown domain is a 404; a default project that is a domain is a 400', async (t) => {
  sameAnswer(t, await p.both('POST', '/v3/users', { user: { name: uniqueName('x'), domain_id: 'no-such-domain' } }), 'unknown domain');
  sameAnswer(t, await p.both('POST', '/v3/users', { user: { name: uniqueName('x'), domain_id: p.domainId, default_project_id: p.domainId } }), 'domain as project');
});

t.test('a duplicate name leaves no half-written user behind', async (t) => {
  const existing = await p.user();
  const count = () => peerSql((sql) => sql`SELECT count(*)::int AS n FROM "user" WHERE domain_id = ${p.domainId}`.then((r) => r[0]!.n as number));
  const before = await count();
  const res = await p.send('keystone-ts', 'POST', '/v3/users', { user: { name: existing.name, domain_id: p.domainId, password: 'pw', options: { lock_password: true } } });
  t.equal(res.status, 409);
  t.equal(await count(), before, 'the user row inserted before the failing local_user row was rolled back');
});

t.test('create writes user, local_user, password and options rows as py-keystone does', async (t) => {
  const created = await createOnBoth({ password: 'pw-rows', options: { ignore_lockout_failure_attempts: true, multi_factor_auth_rules: [['password']] } });
  const rows = await peerSql((sql) =>
    Promise.all(
      [created.theirs.body.user.id, created.mine.body.user.id].map(async (id) => {
        const [u] = await sql`SELECT enabled, extra, default_project_id, created_at IS NOT NULL AS has_created FROM "user" WHERE id = ${id}`;
        const [l] = await sql`SELECT domain_id, failed_auth_count, failed_auth_at FROM local_user WHERE user_id = ${id}`;
        const pw = await sql`SELECT left(password_hash, 7) AS prefix, self_service, expires_at, expires_at_int,
            created_at_int / 1000000 = floor(extract(epoch FROM created_at)) AS same_time
          FROM password JOIN local_user ON local_user.id = password.local_user_id WHERE user_id = ${id}`;
        const options = await sql`SELECT option_id, option_value FROM user_option WHERE user_id = ${id} ORDER BY option_id`;
        return { user: { ...u, extra: JSON.parse(u!.extra) }, local: l, passwords: [...pw], options: [...options] };
      }),
    ),
  );
  t.same(rows[1], rows[0]);
  t.equal(rows[1]!.passwords.length, 1);
  t.equal(rows[1]!.passwords[0]!.prefix, '$2b$12$', 'bcrypt with 12 rounds, [identity] password_hash_algorithm');
  const login = await issueToken(PEER.url, passwordAuth({ id: created.mine.body.user.id }, 'pw-rows'));
  t.equal(login.status, 201, 'py-keystone accepts the password keystone-ts hashed');
});

t.test('"password": null writes a password row without a hash, as py-keystone does', async (t) => {
  const created = await createOnBoth({ password: null });
  sameAnswer(t, created, 'create', { replace: created.replace });
  const hashes = await peerSql((sql) =>
    Promise.all(
      [created.theirs.body.user.id, created.mine.body.user.id].map(
        (id) => sql`SELECT password_hash FROM password JOIN local_user ON local_user.id = local_user_id WHERE user_id = ${id}`,
      ),
    ),
  );
  t.same(hashes.map((h) => [...h]), [[{ password_hash: null }], [{ password_hash: null }]]);
});

t.test('an update merges free attributes, changes options by name and answers with the extra object', async (t) => {
  const created = await createOnBoth({ email: 'a@b', keep: 1, options: { ignore_password_expiry: true, lock_password: true } });
  const patch = {
    email: null,
    added: 'yes',
    enabled: false,
    default_project_id: 'other',
    description: 'changed',
    options: { ignore_password_expiry: null, ignore_user_inactivity: true },
  };
  const [theirs, mine] = await Promise.all(
    [created.theirs, created.mine].map((r, i) => p.send(SERVERS[i]!, 'PATCH', `/v3/users/${r.body.user.id}`, { user: patch })),
  );
  sameAnswer(t, { theirs: theirs!, mine: mine! }, 'update', { replace: created.replace });
  t.same(mine!.body.user.options, { lock_password: true, ignore_user_inactivity: true });
  sameAnswer(t, await p.both('GET', `/v3/users/${created.mine.body.user.id}`), 'read back', { replace: created.replace });
  const unset = await p.both('PATCH', `/v3/users/${created.mine.body.user.id}`, { user: { default_project_id: null, name: '  renamed-x  ' } });
  t.equal(unset.mine.status, 200);
  t.equal(unset.mine.body.user.name, 'renamed-x');
  t.notOk('default_project_id' in unset.mine.body.user, 'a null default project is not shown');
});

t.test('an update cannot change the id or the domain, needs an attribute, and 404s for an unknown user', async (t) => {
  const user = await p.user();
  const other = await p.domain();
  for (const body of [
    { user: { id: 'other' } },
    { user: { id: user.id, domain_id: other.id } },
    { user: { id: 5 } },
    { user: { id: null } },
    { user: {} },
    {},
    { user: { default_project_id: p.domainId } },
  ]) {
    sameAnswer(t, await p.both('PATCH', `/v3/users/${user.id}`, body), JSON.stringify(body));
  }
  sameAnswer(t, await p.both('PATCH', '/v3/users/no-such-user', { user: { name: 'x' } }), 'unknown user');
  sameAnswer(t, await p.both('PATCH', '/v3/users/no-such-user', { user: {} }), 'unknown user with a bad body: 404 first');
});

t.test('renaming a user to a name taken in the domain is a 409 naming only the name', async (t) => {
  const a = await p.user();
  const b = await p.user();
  sameAnswer(t, await p.both('PATCH', `/v3/users/${b.id}`, { user: { name: a.name } }), 'rename to taken');
  sameAnswer(t, await p.both('PATCH', `/v3/users/${b.id}`, { user: { name: a.name, domain_id: p.domainId } }), 'rename with domain');
});

t.test('an update with a password replaces it, keeping the previous one as history', async (t) => {
  const created = await createOnBoth({ password: 'first' });
  for (const [i, r] of [created.theirs, created.mine].entries()) {
    const res = await p.send(SERVERS[i]!, 'PATCH', `/v3/users/${r.body.user.id}`, { user: { password: 'second' } });
    t.equal(res.status, 200);
  }
  const rows = await peerSql((sql) =>
    Promise.all(
      [created.theirs.body.user.id, created.mine.body.user.id].map(
        (id) => sql`SELECT expires_at IS NOT NULL AS expired, self_service FROM password
          JOIN local_user ON local_user.id = local_user_id WHERE user_id = ${id} ORDER BY created_at_int`,
      ),
    ),
  );
  t.same([...rows[1]!], [...rows[0]!], 'the old row now expires, the new one does not');
  for (const r of [created.theirs, created.mine]) {
    t.equal((await issueToken(PEER.url, passwordAuth({ id: r.body.user.id }, 'second'))).status, 201);
    t.equal((await issueToken(PEER.url, passwordAuth({ id: r.body.user.id }, 'first'))).status, 401);
  }
});

t.test('delete removes the user with its memberships, grants and credentials; then it is a 404', async (t) => {
  const user = await p.user({ password: 'pw' });
  const group = await p.group();
  const project = (await p.must('POST', '/v3/projects', { project: { name: uniqueName('id-proj'), domain_id: p.domainId } })).project;
  const roles = (await p.must('GET', '/v3/roles?name=reader')).roles;
  await p.must('PUT', `/v3/groups/${group.id}/users/${user.id}`);
  await p.must('PUT', `/v3/projects/${project.id}/users/${user.id}/roles/${roles[0].id}`);
  await p.must('PUT', `/v3/system/users/${user.id}/roles/${roles[0].id}`);
  await p.must('POST', '/v3/credentials', { credential: { user_id: user.id, type: 'totp', blob: 'GEZDGNBVGY3TQOJQ' } });
  const res = await p.send('keystone-ts', 'DELETE', `/v3/users/${user.id}`);
  t.equal(res.status, 204);
  const left = await peerSql(async (sql) => ({
    users: (await sql`SELECT 1 FROM "user" WHERE id = ${user.id}`).length,
    memberships: (await sql`SELECT 1 FROM user_group_membership WHERE user_id = ${user.id}`).length,
    grants: (await sql`SELECT 1 FROM assignment WHERE actor_id = ${user.id}`).length,
    system: (await sql`SELECT 1 FROM system_assignment WHERE actor_id = ${user.id}`).length,
    credentials: (await sql`SELECT 1 FROM credential WHERE user_id = ${user.id}`).length,
    revoked: (await sql`SELECT 1 FROM revocation_event WHERE user_id = ${user.id}`).length,
  }));
  t.same(left, { users: 0, memberships: 0, grants: 0, system: 0, credentials: 0, revoked: 1 });
  sameAnswer(t, await p.both('DELETE', `/v3/users/${user.id}`), 'delete again');
  sameAnswer(t, await p.both('GET', `/v3/users/${user.id}`), 'show deleted');
  await p.must('DELETE', `/v3/projects/${project.id}`);
});

t.test('federated objects are stored per protocol and shown grouped by identity provider', async (t) => {
  const idp = uniqueName('id-idp');
  const mapping = uniqueName('id-map');
  await p.must('PUT', `/v3/OS-FEDERATION/identity_providers/${idp}`, { identity_provider: { enabled: true } });
  t.teardown(() => p.send('py-keystone', 'DELETE', `/v3/OS-FEDERATION/identity_providers/${idp}`));
  await p.must('PUT', `/v3/OS-FEDERATION/mappings/${mapping}`, {
    mapping: { rules: [{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'REMOTE_USER' }] }] },
  });
  t.teardown(() => p.send('py-keystone', 'DELETE', `/v3/OS-FEDERATION/mappings/${mapping}`));
  for (const proto of ['saml2', 'openid']) {
    await p.must('PUT', `/v3/OS-FEDERATION/identity_providers/${idp}/protocols/${proto}`, { protocol: { mapping_id: mapping } });
  }
  const uniques: Record<Server, string> = { 'py-keystone': uniqueName('u-peer'), 'keystone-ts': uniqueName('u-ours') };
  const [theirs, mine] = await Promise.all(
    SERVERS.map((s) =>
      p.send(s, 'POST', '/v3/users', {
        user: {
          name: uniques[s],
          domain_id: p.domainId,
          federated: [{ idp_id: idp, protocols: [{ protocol_id: 'saml2', unique_id: uniques[s] }, { protocol_id: 'openid', unique_id: `${uniques[s]}-o` }] }],
        },
      }),
    ),
  );
  const replace = { [uniques['py-keystone']]: '<u>', [uniques['keystone-ts']]: '<u>', [theirs!.body.user.id]: '<id>', [mine!.body.user.id]: '<id>' };
  sameAnswer(t, { theirs: theirs!, mine: mine! }, 'create with federated objects', { replace });
  sameAnswer(t, await p.both('GET', `/v3/users/${mine!.body.user.id}`), 'show', { replace });
  for (const q of [`idp_id=${idp}`, `idp_id=${idp}&protocol_id=saml2`, `unique_id=${uniques['keystone-ts']}-o`, `idp_id=${idp}&name=${uniques['py-keystone']}`]) {
    sameAnswer(t, await p.both('GET', `/v3/users?${q}`), q);
  }
  const bad = [
    { idp_id: 'no-such-idp', protocols: [{ protocol_id: 'saml2', unique_id: 'x' }] },
    { idp_id: idp, protocols: [{ protocol_id: 'nope', unique_id: 'x' }] },
  ];
  for (const federated of bad) {
    sameAnswer(t, await p.both('POST', '/v3/users', { user: { name: uniqueName('x'), domain_id: p.domainId, federated: [federated] } }), JSON.stringify(federated));
  }
  const unique = uniqueName('new');
  const replaced = await p.both('PATCH', `/v3/users/${theirs!.body.user.id}`, {
    user: { federated: [{ idp_id: idp, protocols: [{ protocol_id: 'openid', unique_id: unique }] }] },
  });
  sameAnswer(t, replaced, 'update replaces the federated objects', { replace });
  sameAnswer(t, await p.both('GET', `/v3/users/${theirs!.body.user.id}`), 'show after update', { replace });
});
