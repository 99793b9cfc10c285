// GET /v3/users and GET /v3/groups/{group_id}/users filter as py-keystone does: exact and inexact name filters
// (ILIKE wildcards included), domain_id, enabled, password_expires_at with its operators, a domain-scoped caller's
// own domain, and [identity] list_limit with `truncated`.
import t from 'tap';
import { issueToken, passwordAuth, uniqueName } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { peerSql, sameAnswer, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());

const prefix = uniqueName('ul').replace('-', '_');
const alpha = await p.user({ name: `${prefix}-Alpha`, email: 'alpha@example.com' });
const beta = await p.user({ name: `${prefix}-beta`, enabled: false, password: 'pw-beta' });
const gamma = await p.user({ name: `${prefix}-gamma`, password: 'pw-gamma' });
const group = await p.group();
for (const u of [alpha, beta]) await p.must('PUT', `/v3/groups/${group.id}/users/${u.id}`);

// Password expiry times to filter on: beta's current password expires at T, gamma's at T + 1 day.
const T = '2031-03-04T05:06:07.123456';
const tMicros = Date.parse(`${T.slice(0, 23)}Z`) * 1000 + 456;
const DAY_MICROS = 86_400_000_000;
await peerSql(async (sql) => {
  await sql`UPDATE password SET expires_at = ${T}::timestamp, expires_at_int = ${tMicros}
    WHERE local_user_id = (SELECT id FROM local_user WHERE user_id = ${beta.id})`;
  await sql`UPDATE password SET expires_at = ${T}::timestamp + interval '1 day', expires_at_int = ${tMicros + DAY_MICROS}
    WHERE local_user_id = (SELECT id FROM local_user WHERE user_id = ${gamma.id})`;
});

t.test('name, domain_id and enabled filters, exact and inexact, as py-keystone applies them', async (t) => {
  const queries = [
    `name=${prefix}-Alpha`,
    `name=${prefix}-alpha`,
    `name__icontains=${prefix.toUpperCase()}`,
    `name__istartswith=${prefix}-A`,
    `name__iendswith=BETA&domain_id=${p.domainId}`,
    `name__contains=${prefix}-b`,
    `name__startswith=${prefix}-A`,
    `name__endswith=ta&domain_id=${p.domainId}`,
    // _ is a wildcard in py-keystone's ILIKE: "u__" matches "ul_".
    `name__icontains=u_${prefix.slice(2)}`,
    `domain_id=${p.domainId}`,
    `domain_id=${p.domainId}&enabled=false`,
    `domain_id=${p.domainId}&enabled=0`,
    `domain_id=${p.domainId}&enabled=true`,
    `domain_id=${p.domainId}&name=${prefix}-beta&name=${prefix}-gamma`,
    `domain_id=${p.domainId}&name=${prefix}-gamma&colour=blue`,
    `name=${'n'.repeat(300)}`,
  ];
  for (const q of queries) sameAnswer(t, await p.both('GET', `/v3/users?${q}`), q);
});

t.test('password_expires_at compares with any password row, with lt, lte, gt, gte, eq and neq', async (t) => {
  const scope = `domain_id=${p.domainId}`;
  const values = [
    `lt:2031-03-05T00:00:00Z`,
    `lte:${T}Z`,
    `gt:2031-03-04T05:06:07Z`,
    `gte:2031-03-05`,
    `eq:${T}Z`,
    `${T}Z`,
    `neq:${T}Z`,
    `gt:2031-03-04T10:00:00+05:00`,
    `lt:2031`,
  ];
  for (const v of values) sameAnswer(t, await p.both('GET', `/v3/users?${scope}&password_expires_at=${encodeURIComponent(v)}`), v);
  for (const v of ['xx:2031-01-01T00:00:00Z', 'lt:garbage', '2031-13-01', 'lt:', 'between:2031-01-01']) {
    sameAnswer(t, await p.both('GET', `/v3/users?password_expires_at=${encodeURIComponent(v)}`), `refused ${v}`);
  }
  const users = await p.send('keystone-ts', 'GET', `/v3/users?${scope}&password_expires_at=lt:2031-03-05T00:00:00Z`);
  t.same(users.body.users.map((u: any) => u.password_expires_at), [`${T}`]);
});

t.test("a group's users filter the same way, and a bad filter is a 400 before the group's 404", async (t) => {
  for (const q of ['', 'enabled=0', `name=${prefix}-Alpha`, `name__icontains=ALPHA`, `name__contains=beta`, 'password_expires_at=lt:2040-01-01', `domain_id=${p.domainId}`]) {
    sameAnswer(t, await p.both('GET', `/v3/groups/${group.id}/users?${q}`), `group users ${q}`);
  }
  sameAnswer(t, await p.both('GET', '/v3/groups/no-such-group/users?password_expires_at=bad'), 'bad filter, unknown group');
  sameAnswer(t, await p.both('GET', '/v3/groups/no-such-group/users'), 'unknown group');
});

t.test("a domain-scoped caller sees only its domain's users, whatever domain_id it asks for", async (t) => {
  const admin = await p.user({ password: 'pw-dom-admin' });
  const role = (await p.must('GET', '/v3/roles?name=admin')).roles[0];
  await p.must('PUT', `/v3/domains/${p.domainId}/users/${admin.id}/roles/${role.id}`);
  const token = await issueToken(PEER.url, passwordAuth({ id: admin.id }, 'pw-dom-admin', { domain: { id: p.domainId } }));
  t.equal(token.status, 201);
  for (const q of ['', `name=${prefix}-Alpha`, 'domain_id=default', `domain_id=${p.domainId}&enabled=1`]) {
    sameAnswer(t, await p.both('GET', `/v3/users?${q}`, undefined, token.id), `domain-scoped ${q}`);
  }
  sameAnswer(t, await p.both('GET', `/v3/groups/${group.id}/users`, undefined, token.id), 'domain-scoped group users');
});

t.test('[identity] list_limit cuts lists and says truncated', async (t) => {
  const limited = await startParity({ config: { identity: { list_limit: '2' } } });
  t.teardown(() => limited.cleanup());
  const list = (path: string) => limited.send('keystone-ts', 'GET', path);
  const all = await list(`/v3/users?domain_id=${p.domainId}&name__startswith=${prefix}`);
  t.equal(all.body.users.length, 2);
  t.equal(all.body.truncated, true);
  const two = await list(`/v3/users?domain_id=${p.domainId}&name__icontains=${prefix}-&enabled=true`);
  t.equal(two.body.users.length, 2, 'exactly the limit');
  t.notOk('truncated' in two.body);
  const members = await list(`/v3/groups/${group.id}/users`);
  t.equal(members.body.users.length, 2);
  t.notOk('truncated' in members.body);
  for (let i = 0; i < 2; i++) await p.group();
  const groups = await list(`/v3/groups?domain_id=${p.domainId}`);
  t.equal(groups.body.groups.length, 2);
  t.equal(groups.body.truncated, true);
  const self = await list(`/v3/users?domain_id=${p.domainId}&name__startswith=${prefix}`);
  t.equal(self.body.links.self, `${limited.ks.url}/v3/users?domain_id=${p.domainId}&name__startswith=${prefix}`);
});
