// /v3/OS-TRUST/trusts read and written through either server, on the same database: the same bodies, the same
// rows, the same lists and filters, the same 404s for trusts that are gone, expired or used up.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { comparable, SERVERS, startWorld, type World } from './kit.js';

const world: World = await startWorld();
t.teardown(() => world.cleanup());
const events: { eventType: string; resourceId: string }[] = [];
t.teardown(world.ours.runtime.events.subscribe((e) => events.push(e)));

t.test('a trust created on each server has the same body, and the same rows', async (t) => {
  const expiresAt = new Date(Date.now() + 86_400_000);
  expiresAt.setUTCMilliseconds(123);
  const made: Record<string, any> = {};
  for (const server of SERVERS) {
    // An unknown key is kept (in `extra`) and shown back; roles by name and by id.
    made[server] = await world.create(server, {
      expires_at: expiresAt.toISOString().replace('Z', '456Z'),
      roles: [{ name: 'member' }, { id: world.roles.reader }],
      impersonation: server === 'keystone-ts',
      note: 'kept',
    });
  }
  const py = made['py-keystone'];
  const ts = made['keystone-ts'];
  t.equal(ts.expires_at, `${expiresAt.toISOString().slice(0, 19)}.000000Z`, 'expires_at shown to the second');
  t.equal(ts.roles_links.self, `${world.url('keystone-ts')}/v3/${ts.id}/roles`, "py-keystone's roles_links self link, as it builds it");
  t.same(
    comparable({ ...ts, impersonation: null }, 'keystone-ts', world, [ts.id]),
    comparable({ ...py, impersonation: null }, 'py-keystone', world, [py.id]),
  );
  t.same(Object.keys(ts), Object.keys(py), 'keys in the same order');
  const rows = await world.sql`
    SELECT id, expires_at::text AS expires_at, expires_at_int, extra, remaining_uses, redelegation_count, deleted_at
    FROM trust WHERE id IN ${world.sql([py.id, ts.id])}`;
  const byId = (id: string): Record<string, any> => {
    const { id: _id, ...row } = rows.find((r) => r.id === id)!;
    return { ...row, extra: JSON.parse(row.extra) };
  };
  t.same(byId(ts.id), byId(py.id), 'the trust rows agree (microseconds, extra, counts)');
  t.match(byId(ts.id).expires_at, /\.\d{3}456$/, 'the timestamp column keeps the microseconds');
  const roleRows = await world.sql`SELECT trust_id, role_id FROM trust_role WHERE trust_id IN ${world.sql([py.id, ts.id])}`;
  const roleIds = (id: string) => roleRows.filter((r) => r.trust_id === id).map((r) => r.role_id).sort();
  t.same(roleIds(ts.id), roleIds(py.id));
  t.ok(events.some((e) => e.eventType === 'identity.OS-TRUST:trust.created' && e.resourceId === ts.id), 'created event');
});

t.test('a trust reads the same from both servers: GET, HEAD, its roles and each role', async (t) => {
  const trust = await world.create('py-keystone', { roles: [{ name: 'member' }, { name: 'reader' }], extra_key: { a: 1 } });
  const read = async (path: string, method = 'GET') => {
    const [theirs, mine] = [await world.send('py-keystone', method, path), await world.send('keystone-ts', method, path)];
    t.equal(mine.status, theirs.status, `${method} ${path}`);
    t.same(comparable(mine.body, 'keystone-ts', world), comparable(theirs.body, 'py-keystone', world), `${method} ${path} body`);
    return mine;
  };
  const shown = await read(`/v3/OS-TRUST/trusts/${trust.id}`);
  t.same(shown.body.trust.extra_key, { a: 1 });
  await read(`/v3/OS-TRUST/trusts/${trust.id}`, 'HEAD');
  const roles = await read(`/v3/OS-TRUST/trusts/${trust.id}/roles`);
  t.equal(roles.body.roles.length, 2);
  await read(`/v3/OS-TRUST/trusts/${trust.id}/roles`, 'HEAD');
  await read(`/v3/OS-TRUST/trusts/${trust.id}/roles/${world.roles.reader}`);
  await read(`/v3/OS-TRUST/trusts/${trust.id}/roles/${world.roles.reader}`, 'HEAD');
  const missing = await read(`/v3/OS-TRUST/trusts/${trust.id}/roles/${world.roles.admin}`);
  t.equal(missing.status, 404, 'a role the trust does not delegate');
  const unknown = await read('/v3/OS-TRUST/trusts/no-such-trust');
  t.equal(unknown.body.error.message, 'Could not find trust: no-such-trust.');
  await read('/v3/OS-TRUST/trusts/no-such-trust/roles');
});

t.test('lists: by trustor, by trustee, all (admin), and a query naming neither lists nothing', async (t) => {
  const a = await world.create('py-keystone');
  const b = await world.create('keystone-ts', { trustee_user_id: world.third.id });
  const list = async (query: string, token = world.trustorToken) => {
    const path = `/v3/OS-TRUST/trusts${query}`;
    const theirs = await world.send('py-keystone', 'GET', path, { token });
    const mine = await world.send('keystone-ts', 'GET', path, { token });
    t.equal(mine.status, theirs.status, `GET ${path}`);
    const sorted = (body: any) => ({ ...body, trusts: [...(body.trusts ?? [])].sort((x: any, y: any) => x.id.localeCompare(y.id)) });
    t.same(comparable(sorted(mine.body), 'keystone-ts', world), comparable(sorted(theirs.body), 'py-keystone', world), `GET ${path} body`);
    return mine;
  };
  const mine = await list(`?trustor_user_id=${world.trustor.id}`);
  const ids = mine.body.trusts.map((x: any) => x.id);
  t.ok(ids.includes(a.id) && ids.includes(b.id), "the trustor's trusts");
  t.notOk('roles' in mine.body.trusts[0], 'list entries carry no roles');
  const byTrustee = await list(`?trustee_user_id=${world.third.id}`, world.adminToken);
  t.equal((await list(`?trustee_user_id=${world.third.id}`)).status, 403, 'the trustor may not list by another trustee');
  t.same(byTrustee.body.trusts.map((x: any) => x.id), [b.id]);
  t.equal((await list('?foo=bar', world.adminToken)).body.trusts.length, 0, 'an unrelated query');
  t.equal((await list('?trustor_user_id=', world.adminToken)).body.trusts.length, 0, 'an empty filter');
  const all = await world.send('keystone-ts', 'GET', '/v3/OS-TRUST/trusts', { token: world.adminToken });
  t.equal(all.status, 200);
  t.ok(all.body.trusts.some((x: any) => x.id === a.id), 'admin lists every trust');
  t.equal((await list('')).status, 403, 'a member may not list every trust');
  const head = await world.send('keystone-ts', 'HEAD', `/v3/OS-TRUST/trusts?trustor_user_id=${world.trustor.id}`);
  t.equal(head.status, 200);
});

t.test('deleting a trust made by the other server: 204, a soft delete, a revocation event, 404 after', async (t) => {
  for (const [maker, deleter] of [
    ['py-keystone', 'keystone-ts'],
    ['keystone-ts', 'py-keystone'],
  ] as const) {
    const trust = await world.create(maker);
    const res = await world.send(deleter, 'DELETE', `/v3/OS-TRUST/trusts/${trust.id}`);
    t.equal(res.status, 204, `${deleter} deletes`);
    const [row] = await world.sql`SELECT deleted_at FROM trust WHERE id = ${trust.id}`;
    t.ok(row?.deleted_at, 'the row stays, marked deleted');
    const events = await world.sql`SELECT user_id, project_id, audit_id FROM revocation_event WHERE trust_id = ${trust.id}`;
    t.same(events, [{ user_id: null, project_id: null, audit_id: null }], 'one revocation event on the trust');
    for (const server of ['py-keystone', 'keystone-ts'] as const) {
      const gone = await world.send(server, 'GET', `/v3/OS-TRUST/trusts/${trust.id}`);
      t.equal(gone.status, 404, `${server} no longer finds it`);
      t.equal((await world.send(server, 'DELETE', `/v3/OS-TRUST/trusts/${trust.id}`)).status, 404, `${server} cannot delete it again`);
    }
  }
  t.ok(events.some((e) => e.eventType === 'identity.OS-TRUST:trust.deleted'), 'deleted event');
});

t.test('an expired trust is not found, yet still listed, on both', async (t) => {
  const expiry = new Date(Date.now() + 6000);
  const trust = await world.create('keystone-ts', { expires_at: expiry.toISOString(), trustee_user_id: world.third.id });
  await sleep(Math.max(0, expiry.getTime() - Date.now()) + 1000);
  for (const server of SERVERS) {
    t.equal((await world.send(server, 'GET', `/v3/OS-TRUST/trusts/${trust.id}`)).status, 404, `${server}: GET`);
    t.equal((await world.send(server, 'DELETE', `/v3/OS-TRUST/trusts/${trust.id}`)).status, 404, `${server}: DELETE`);
    const listed = await world.send(server, 'GET', `/v3/OS-TRUST/trusts?trustee_user_id=${world.third.id}`, { token: world.adminToken });
    t.ok(listed.body.trusts.some((x: any) => x.id === trust.id), `${server}: still listed`);
  }
});

t.test('JSON-home lists the OS-TRUST relations', async (t) => {
  const home = await fetch(`${world.ours.url}/v3`, { headers: { Accept: 'application/json-home' } }).then((r) => r.json() as Promise<any>);
  const peer = await fetch(`${world.url('py-keystone')}/v3`, { headers: { Accept: 'application/json-home' } }).then((r) => r.json() as Promise<any>);
  const trusts = (doc: any) => Object.fromEntries(Object.entries(doc.resources).filter(([rel]) => rel.includes('OS-TRUST')));
  t.same(trusts(home), trusts(peer));
});
