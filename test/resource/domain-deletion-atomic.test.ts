// A domain deletion that keystone-ts refuses half-way (an immutable project among the domain's projects) changes
// nothing: it runs in one transaction, where py-keystone would have deleted the projects it reached first.
import t from 'tap';
import { call, uniqueName } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { peerSql, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());

const admin = async (method: string, path: string, body?: unknown) => {
  const r = await call(PEER.url, method, path, { token: p.token, ...(body !== undefined && { body }) });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

t.test('a deletion refused half-way (an immutable project inside) changes nothing', async (t) => {
  const d = await p.domain();
  const first = await p.project({ domain_id: d.id });
  const locked = await p.project({ domain_id: d.id, options: { immutable: true } });
  const user = (await admin('POST', '/v3/users', { user: { name: uniqueName('rs-u'), domain_id: d.id } })).user;
  await admin('PATCH', `/v3/domains/${d.id}`, { domain: { enabled: false } });
  const res = await p.send('keystone-ts', 'DELETE', `/v3/domains/${d.id}`);
  t.equal(res.status, 403);
  t.equal(res.body.error.message, `Unable to delete immutable project resource: \`${locked.id}. Set resource option "immutable" to false first.`);
  const left = await peerSql(async (sql) => ({
    projects: (await sql`SELECT count(*)::int AS n FROM project WHERE id = ANY(${[d.id, first.id, locked.id]})`)[0]!.n,
    users: (await sql`SELECT count(*)::int AS n FROM "user" WHERE id = ${user.id}`)[0]!.n,
    revocations: (await sql`SELECT count(*)::int AS n FROM revocation_event WHERE project_id = ${first.id}`)[0]!.n,
  }));
  t.same(left, { projects: 3, users: 1, revocations: 0 });
  await admin('PATCH', `/v3/projects/${locked.id}`, { project: { options: { immutable: false } } });
});
