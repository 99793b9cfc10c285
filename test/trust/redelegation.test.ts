// Redelegation: a trustee's trust-scoped token creating the next trust of the chain, on either server, with
// py-keystone's answers: what is allowed, what is refused and with what, what is written, and what a chain
// means for the trusts and tokens hanging off it.
import t from 'tap';
import { comparable, SERVERS, startWorld, type Server, type World } from './kit.js';
import { sameRefusal, subjectOf, tokenCalls } from './token-kit.js';

const world: World = await startWorld();
t.teardown(() => world.cleanup());
const { issue } = tokenCalls(world);
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

/** A trust the trustee may redelegate, and the trustee's token for it from `issuer`. */
async function redelegatable(maker: Server, issuer: Server, overrides: Record<string, unknown> = {}) {
  const parent = await world.create(maker, { allow_redelegation: true, redelegation_count: 2, expires_at: later(3_600_000), ...overrides });
  const res = await issue(issuer, world.trustAuth(parent.id));
  if (res.status !== 201) throw new Error(`trust token: ${res.status} ${JSON.stringify(res.body)}`);
  return { parent, token: subjectOf(res) };
}

/** The next link: the trustee delegates member on the project to the third user, naming the parent as py-keystone needs. */
const childBody = (parentId: string | undefined, overrides: Record<string, unknown> = {}) => ({
  trust: {
    trustor_user_id: world.trustee.id,
    trustee_user_id: world.third.id,
    impersonation: false,
    project_id: world.projectId,
    roles: [{ name: 'member' }],
    ...(parentId && { redelegated_trust_id: parentId }),
    ...overrides,
  },
});

const createWith = (server: Server, token: string, body: unknown) => world.send(server, 'POST', '/v3/OS-TRUST/trusts', { token, body });

t.test('a trust-scoped token creates the next trust on either server, whichever server issued it', async (t) => {
  const made: Record<string, any> = {};
  const parents: Record<string, any> = {};
  for (const [server, issuer] of [
    ['py-keystone', 'keystone-ts'],
    ['keystone-ts', 'py-keystone'],
  ] as const) {
    const { parent, token } = await redelegatable(issuer, issuer, { expires_at: later(server === 'py-keystone' ? 3_600_000 : 3_601_000) });
    parents[server] = parent;
    const res = await createWith(server, token, childBody(parent.id, { allow_redelegation: true }));
    t.equal(res.status, 201, `${server} creates it with a ${issuer} token`);
    made[server] = res.body.trust;
    const shown = await world.send(server === 'py-keystone' ? 'keystone-ts' : 'py-keystone', 'GET', `/v3/OS-TRUST/trusts/${made[server].id}`, { token });
    t.equal(shown.status, 200, 'the other server reads the chain as valid');
  }
  const [py, ts] = [made['py-keystone'], made['keystone-ts']];
  const generated = (x: any, server: string) => [x.id, parents[server].id, parents[server].expires_at];
  t.same(comparable(ts, 'keystone-ts', world, generated(ts, 'keystone-ts')), comparable(py, 'py-keystone', world, generated(py, 'py-keystone')));
  for (const server of SERVERS) {
    const child = made[server];
    t.equal(child.redelegated_trust_id, parents[server].id, `${server}: the parent`);
    t.equal(child.redelegation_count, 1, `${server}: one redelegation left`);
    t.equal(child.expires_at, parents[server].expires_at, `${server}: the expiry taken from the parent`);
  }
  const rows = await world.sql`SELECT id, redelegation_count, redelegated_trust_id, extra FROM trust WHERE id IN ${world.sql([py.id, ts.id])}`;
  const row = (id: string) => {
    const { id: _id, redelegated_trust_id: _parent, extra, ...rest } = rows.find((r) => r.id === id)!;
    return { ...rest, extra: JSON.parse(extra) };
  };
  t.same(row(ts.id), row(py.id), 'the same rows');
  // The third user's token for the child: py-keystone also wants the child's own trustor (the first trustee, who
  // holds no role on the project) to hold the roles, so the chain can be written but not used.
  for (const server of SERVERS) {
    const res = await sameRefusal(t, `a token for the ${server} child`, (s) => issue(s, world.trustAuth(made[server].id, world.third)));
    t.equal(res.status, 403);
  }
});

t.test('redelegations py-keystone refuses are refused alike', async (t) => {
  const { parent, token } = await redelegatable('py-keystone', 'keystone-ts');
  const other = await world.user();
  const cases: [string, unknown, number][] = [
    ['a child that does not name its parent (the trustee holds no role itself)', childBody(undefined), 404],
    ['a child naming an unknown parent', childBody('f'.repeat(32)), 404],
    ['a child that impersonates when its parent does not', childBody(parent.id, { impersonation: true, trustee_user_id: other.id }), 403],
    ['a child with a use limit', childBody(parent.id, { remaining_uses: 2 }), 403],
    ['a redelegatable child with a use limit', childBody(parent.id, { remaining_uses: 2, allow_redelegation: true }), 400],
    ['a child asking for its own redelegation count', childBody(parent.id, { allow_redelegation: true, redelegation_count: 2 }), 403],
    ['a child outliving its parent', childBody(parent.id, { expires_at: later(7_200_000) }), 403],
    ['a child delegating a role its parent does not', childBody(parent.id, { roles: [{ name: 'reader' }] }), 403],
  ];
  for (const [what, body, status] of cases) {
    const res = await sameRefusal(t, what, (server) => createWith(server, token, body));
    t.equal(res.status, status, `${what}: ${status}`);
  }
  const plain = await world.create('keystone-ts', { trustee_user_id: world.trustee.id, expires_at: later(3_602_000) });
  const plainToken = subjectOf(await issue('py-keystone', world.trustAuth(plain.id)));
  const refused = await sameRefusal(t, 'a trust that does not allow redelegation', (server) => createWith(server, plainToken, childBody(plain.id)));
  t.equal(refused.status, 403);
  const deep = await sameRefusal(t, 'a redelegation count beyond [trust] max_redelegation_count', (server) =>
    world.send(server, 'POST', '/v3/OS-TRUST/trusts', { body: world.body({ allow_redelegation: true, redelegation_count: 4 }) }),
  );
  t.equal(deep.status, 403);
  const children = await world.sql`SELECT id FROM trust WHERE redelegated_trust_id IN ${world.sql([parent.id, plain.id])}`;
  t.same(children, [], 'nothing was written');
});

t.test("a trustor's own token naming a parent in the body: written as py-keystone writes it; deleting the parent ends the chain", async (t) => {
  const parent = await world.create('py-keystone', { allow_redelegation: true, expires_at: later(3_603_000) });
  const made: Record<string, any> = {};
  for (const server of SERVERS) {
    const body = world.body({ redelegated_trust_id: parent.id, trustee_user_id: world.third.id, expires_at: later(server === 'py-keystone' ? 60_000 : 61_000) });
    const res = await world.send(server, 'POST', '/v3/OS-TRUST/trusts', { body });
    t.equal(res.status, 201, `${server} creates it`);
    made[server] = res.body.trust;
  }
  const rows = await world.sql`SELECT id, redelegated_trust_id, redelegation_count, extra FROM trust WHERE id IN ${world.sql([made['py-keystone'].id, made['keystone-ts'].id])}`;
  const row = (id: string) => {
    const { id: _id, extra, ...rest } = rows.find((r) => r.id === id)!;
    return { ...rest, extra: JSON.parse(extra) } as Record<string, any>;
  };
  t.same(row(made['keystone-ts'].id), row(made['py-keystone'].id), 'the same rows');
  t.equal(row(made['keystone-ts'].id).redelegated_trust_id, parent.id, "the body's parent is kept");
  const parentToken = subjectOf(await issue('py-keystone', world.trustAuth(parent.id)));
  const child = await createWith('keystone-ts', parentToken, childBody(parent.id));
  t.equal(child.status, 201, "the trustee's redelegated trust");
  t.equal((await world.send('keystone-ts', 'DELETE', `/v3/OS-TRUST/trusts/${parent.id}`)).status, 204);
  for (const server of SERVERS) {
    const gone = await world.sql`SELECT deleted_at FROM trust WHERE id = ${made[server].id}`;
    t.ok(gone[0]?.deleted_at, `the ${server} trust, of the same trustor, is deleted with its parent`);
  }
  // The trustee's trust hangs off a parent that is gone: py-keystone keeps it, but finds it no more.
  const [kept] = await world.sql`SELECT deleted_at FROM trust WHERE id = ${child.body.trust.id}`;
  t.equal(kept?.deleted_at, null, 'a redelegation by another trustor is not deleted');
  const lost = await sameRefusal(t, 'reading it', (server) =>
    world.send(server, 'GET', `/v3/OS-TRUST/trusts/${child.body.trust.id}`, { token: world.adminToken }),
  );
  t.equal(lost.status, 404);
});
