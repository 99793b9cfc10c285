// What ends a trust's tokens, whichever server issued them: deleting the trust on either server, and the trustor
// losing a delegated role (which py-keystone checks on every validation, so granting it back revives them).
// keystone-ts sees another server's changes within its 2 s validation cache bound, and its own at once.
import t, { type Test } from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVERS, startWorld, type Server, type World } from './kit.js';
import { CACHE_BOUND_MS, refusal, sameRefusal, subjectOf, tokenCalls } from './token-kit.js';

const world: World = await startWorld();
t.teardown(() => world.cleanup());
const { issue, validate } = tokenCalls(world);

/** A trust made on `maker`, a token for it from each server, each validated once in the other (so cached there). */
async function trustWithTokens(t: Test, maker: Server) {
  const trust = await world.create(maker);
  const tokens: string[] = [];
  for (const [issuer, validator] of [
    ['py-keystone', 'keystone-ts'],
    ['keystone-ts', 'py-keystone'],
  ] as const) {
    const res = await issue(issuer, world.trustAuth(trust.id));
    t.equal(res.status, 201, `${issuer} issues`);
    tokens.push(subjectOf(res));
    t.equal((await validate(validator, subjectOf(res))).status, 200, `${validator} validates it`);
  }
  return { trust, tokens };
}

t.test('deleting a trust on either server ends its tokens on both', async (t) => {
  for (const [maker, deleter] of [
    ['py-keystone', 'keystone-ts'],
    ['keystone-ts', 'py-keystone'],
  ] as const) {
    const { trust, tokens } = await trustWithTokens(t, maker);
    t.equal((await world.send(deleter, 'DELETE', `/v3/OS-TRUST/trusts/${trust.id}`)).status, 204, `${deleter} deletes it`);
    // keystone-ts drops its cache when it deletes; a deletion by py-keystone it sees within the bound.
    if (deleter === 'py-keystone') await sleep(CACHE_BOUND_MS);
    for (const tokenId of tokens) {
      const res = await sameRefusal(t, `a token of a trust deleted by ${deleter}`, (server) => validate(server, tokenId));
      t.same(refusal(res), { status: 404, code: 404, title: 'Not Found', message: `Could not find trust: ${trust.id}.` });
    }
    const asCaller = await sameRefusal(t, 'the token as a caller', (server) =>
      world.send(server, 'GET', `/v3/projects/${world.projectId}`, { token: tokens[0]! }),
    );
    t.equal(asCaller.status, 404);
    const reissue = await sameRefusal(t, 'a new token for it', (server) => issue(server, world.trustAuth(trust.id)));
    t.equal(reissue.status, 401);
  }
});

// Last: it takes the trustor's role away for a while.
t.test("the trustor losing the delegated role ends the trust's tokens on both; granting it back revives them", async (t) => {
  const { trust, tokens } = await trustWithTokens(t, 'py-keystone');
  await world.revoke(world.trustor.id, world.projectId, world.roles.member);
  try {
    await sleep(CACHE_BOUND_MS);
    for (const tokenId of tokens) {
      const res = await sameRefusal(t, 'a token of a trust its trustor no longer backs', (server) => validate(server, tokenId));
      t.equal(res.status, 403);
    }
    const reissue = await sameRefusal(t, 'a new token for it', (server) => issue(server, world.trustAuth(trust.id)));
    t.equal(reissue.status, 403);
  } finally {
    await world.grant(world.trustor.id, world.projectId, world.roles.member);
  }
  await sleep(CACHE_BOUND_MS);
  for (const tokenId of tokens) {
    for (const server of SERVERS) t.equal((await validate(server, tokenId)).status, 200, `${server} validates it again`);
  }
});
