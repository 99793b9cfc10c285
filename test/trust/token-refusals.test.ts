// When py-keystone and keystone-ts refuse a trust-scoped token, they refuse it alike: a trust whose uses are
// taken (by tokens from either server), a trust that has expired, and bad trust scopes.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Response } from '../helpers/identity-api.js';
import { firstLine, SERVERS, startWorld, type World } from './kit.js';
import { CACHE_BOUND_MS, refusal, sameRefusal, seconds, subjectOf, tokenCalls } from './token-kit.js';

const world: World = await startWorld();
t.teardown(() => world.cleanup());
const { issue, validate } = tokenCalls(world);

t.test('each token issued by either server takes one use; a used-up trust is refused alike and ends its tokens', async (t) => {
  const trust = await world.create('keystone-ts', { remaining_uses: 3 });
  const tokens: string[] = [];
  for (const [server, left] of [
    ['py-keystone', 2],
    ['keystone-ts', 1],
    ['py-keystone', 0],
  ] as const) {
    const res = await issue(server, world.trustAuth(trust.id));
    t.equal(res.status, 201, `${server} issues`);
    tokens.push(subjectOf(res));
    const [row] = await world.sql`SELECT remaining_uses FROM trust WHERE id = ${trust.id}`;
    t.equal(row?.remaining_uses, left, `${left} uses left`);
  }
  const exhausted = await sameRefusal(t, 'a used-up trust', (server) => issue(server, world.trustAuth(trust.id)));
  t.equal(exhausted.status, 401);
  const [row] = await world.sql`SELECT remaining_uses FROM trust WHERE id = ${trust.id}`;
  t.equal(row?.remaining_uses, 0, 'a refusal takes no use');
  await sleep(CACHE_BOUND_MS);
  for (const [i, tokenId] of tokens.entries()) {
    const theirs = await sameRefusal(t, `token ${i + 1} once the trust is used up`, (server) => validate(server, tokenId));
    t.same(refusal(theirs), { status: 404, code: 404, title: 'Not Found', message: `Could not find trust: ${trust.id}.` });
  }
});

t.test("a trust's expiry does not shorten its tokens, but ends them, and the trust's use, alike on both", async (t) => {
  // Long enough to issue and validate two tokens on a busy machine.
  const expiry = Date.now() + 10_000;
  const trust = await world.create('keystone-ts', { expires_at: new Date(expiry).toISOString() });
  const tokens: Response[] = [];
  for (const server of SERVERS) {
    const res = await issue(server, world.trustAuth(trust.id));
    t.equal(res.status, 201, `${server} issues before the expiry`);
    // py-keystone Zed caps a token's expiry by an application credential's, never by a trust's.
    t.equal(seconds(res.body.token.expires_at) - seconds(res.body.token.issued_at), 3600, `${server}: the default expiry`);
    tokens.push(res);
  }
  const [fromPeer, fromOurs] = tokens as [Response, Response];
  t.equal((await validate('keystone-ts', subjectOf(fromPeer))).status, 200, "keystone-ts validates py-keystone's token");
  t.equal((await validate('py-keystone', subjectOf(fromOurs))).status, 200, "py-keystone validates keystone-ts's token");
  await sleep(Math.max(expiry + 1000 - Date.now(), CACHE_BOUND_MS));
  const theirs = await sameRefusal(t, 'an expired trust', (server) => issue(server, world.trustAuth(trust.id)));
  t.equal(theirs.status, 401);
  for (const res of tokens) {
    const ended = await sameRefusal(t, 'a token of an expired trust', (server) => validate(server, subjectOf(res)));
    t.same(refusal(ended), { status: 404, code: 404, title: 'Not Found', message: `Could not find trust: ${trust.id}.` });
  }
});

t.test('bad trust scopes get the same answer from both servers', async (t) => {
  const trust = await world.create('py-keystone');
  const withScope = (scope: unknown) => {
    const body = world.trustAuth(trust.id) as { auth: { scope: Record<string, unknown> } };
    body.auth.scope['OS-TRUST:trust'] = scope;
    return body;
  };
  const cases: [string, unknown, number][] = [
    ['an unknown trust', world.trustAuth('f'.repeat(32)), 401],
    ['a trust id that is no uuid', world.trustAuth('no-such-trust'), 401],
    ['a trust of another trustee (the third user)', world.trustAuth(trust.id, world.third), 403],
    ['the trustor using its own trust', world.trustAuth(trust.id, world.trustor), 403],
    ['a trust scope without an id', withScope({}), 400],
    ['an empty trust id', withScope({ id: '' }), 400],
    ['a trust scope beside a project scope', { auth: { ...(world.trustAuth(trust.id) as any).auth, scope: { 'OS-TRUST:trust': { id: trust.id }, project: { id: world.projectId } } } }, 400],
  ];
  for (const [what, body, status] of cases) {
    const theirs = await sameRefusal(t, what, (server) => issue(server, body));
    t.equal(theirs.status, status, `${what}: ${status}`);
  }
  // Bodies py-keystone's JSON schema refuses: the same 400, worded by each server's own validator (docs/status.md).
  const schemaCases: [string, unknown, string][] = [
    ['a trust id that is a number', withScope({ id: 5 }), "Invalid input for field 'scope/OS-TRUST:trust/id': 5 is not of type 'string'"],
    ['a trust id that is null', withScope({ id: null }), "Invalid input for field 'scope/OS-TRUST:trust/id': None is not of type 'string'"],
    ['a trust scope that is a string', withScope('x'), "Invalid input for field 'scope/OS-TRUST:trust': 'x' is not of type 'object'"],
  ];
  for (const [what, body, message] of schemaCases) {
    const theirs = await issue('py-keystone', body);
    const mine = await issue('keystone-ts', body);
    t.equal(firstLine(theirs), message, `${what}: py-keystone's message`);
    t.same({ ...refusal(mine), message: null }, { ...refusal(theirs), message: null }, `${what}: the same 400`);
    t.match(firstLine(mine), /^Invalid input for field\(s\): \/auth\/scope: /, `${what}: keystone-ts names the part that failed`);
  }
  const [row] = await world.sql`SELECT remaining_uses FROM trust WHERE id = ${trust.id}`;
  t.equal(row?.remaining_uses, null, 'the trust is untouched');
});
