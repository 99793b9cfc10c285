// The validation cache's contract (ADR 0004) on real tokens from the py-keystone peer, against its database:
// concurrent misses share one validation, an entry late in its life is served while it is revalidated in the
// background, a token revoked meanwhile leaves the cache, and a validation that started before the cache was
// cleared does not put a stale entry back.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/logger.js';
import { openDatabase, type Database } from '../../src/db/connection.js';
import { KeyRepository } from '../../src/token/key-repository.js';
import { TokenFormatter } from '../../src/token/formatter.js';
import { TokenProvider } from '../../src/token/provider.js';
import { ValidationCache } from '../../src/token/validation-cache.js';
import { call } from '../helpers/identity-api.js';
import { besidePeerConfig } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { peerAdminToken } from '../interop/fixtures.js';

t.test('ValidationCache: fresh, then due for refresh, then gone at the bound', async (t) => {
  let now = 1_000_000;
  const cache = new ValidationCache<string>(2, 10, () => now);
  cache.set('a', 'A');
  t.same(cache.get('a'), { value: 'A', refreshDue: false });
  now += 1_499;
  t.same(cache.get('a'), { value: 'A', refreshDue: false }, 'fresh until 75% of its life');
  now += 1;
  t.same(cache.get('a'), { value: 'A', refreshDue: true }, 'served and due for refresh after 75%');
  now += 499;
  t.ok(cache.get('a'), 'still served just inside the bound');
  now += 1;
  t.equal(cache.get('a'), undefined, 'never served at the bound');
  cache.set('b', 'B', new Date(now + 400));
  now += 300;
  t.same(cache.get('b'), { value: 'B', refreshDue: true }, "a token's own expiry shortens the entry's life");
  now += 100;
  t.equal(cache.get('b'), undefined);
  const off = new ValidationCache<string>(0, 10, () => now);
  off.set('c', 'C');
  t.equal(off.get('c'), undefined, 'ttl 0 caches nothing');
});

t.test('LRU eviction keeps the most recently used entries', async (t) => {
  const cache = new ValidationCache<number>(60, 2);
  cache.set('a', 1);
  cache.set('b', 2);
  cache.get('a');
  cache.set('c', 3);
  t.equal(cache.get('b'), undefined, 'the least recently used entry went');
  t.ok(cache.get('a'));
  t.ok(cache.get('c'));
});

/** A provider over the peer's database and keys, counting the uncached validations (each decrypts the token once). */
async function countingProvider(t: { teardown(fn: () => unknown): void }, cacheSeconds: string, clock?: () => Date) {
  const config = besidePeerConfig({ keystone_ts: { validation_cache_seconds: cacheSeconds } });
  const logger = createLogger({ level: 'silent' });
  const database: Database = await openDatabase(config, logger);
  t.teardown(() => database.close());
  const keys = new KeyRepository(config.fernet_tokens.key_repository, { configGroup: 'fernet_tokens', logger });
  const formatter = new TokenFormatter({
    methods: config.auth.methods,
    defaultDomainId: config.identity.default_domain_id,
    fernet: () => keys.current().fernet,
    maxTokenSize: config.DEFAULT.max_token_size,
    logger,
  });
  const counter = { decrypts: 0 };
  const validate = formatter.validate.bind(formatter);
  formatter.validate = (token) => {
    counter.decrypts++;
    return validate(token);
  };
  return { provider: new TokenProvider({ db: database.db, config, formatter, logger, clock }), counter };
}

t.test('sixteen concurrent misses for one token run one validation', async (t) => {
  const { provider, counter } = await countingProvider(t, '30');
  const token = await peerAdminToken();
  const results = await Promise.all(Array.from({ length: 16 }, () => provider.validate(token)));
  t.equal(counter.decrypts, 1, 'one uncached validation');
  t.ok(results.every((r) => r === results[0]), 'every caller got the same validated token');
  await provider.validate(token);
  t.equal(counter.decrypts, 1, 'the next request is a cache hit');
});

t.test('an entry late in its life is served and refreshed in the background; a revoked token then leaves', async (t) => {
  let now = Date.now();
  const { provider, counter } = await countingProvider(t, '2', () => new Date(now));
  const token = await peerAdminToken();
  await provider.validate(token);
  t.equal(counter.decrypts, 1);
  now += 1_600;
  const late = await provider.validate(token);
  t.equal(late.context.tokenId, token, 'served from the cache, past 75% of its life');
  t.equal(counter.decrypts, 2, 'and revalidated at once, in the background');
  await sleep(300); // let the refresh finish
  now += 1_000;
  await provider.validate(token);
  t.equal(counter.decrypts, 2, 'the refreshed entry answers past the first entry’s bound');

  const revoked = await call(PEER.url, 'DELETE', '/v3/auth/tokens', { token, subject: token });
  t.equal(revoked.status, 204, 'py-keystone revokes it');
  now += 600; // the refreshed entry, set at +1.6 s, is due for refresh at +3.1 s and gone at +3.6 s
  await provider.validate(token); // still within the bound: served, and its refresh finds the revocation
  await sleep(300);
  await t.rejects(provider.validate(token), { code: 404, message: 'Failed to validate token' } as object as Error, 'the failed refresh removed the entry');
});

t.test('a validation that started before the cache was cleared is not cached', async (t) => {
  const { provider, counter } = await countingProvider(t, '30');
  const token = await peerAdminToken();
  const pending = provider.validate(token);
  provider.invalidateCache();
  await pending;
  await provider.validate(token);
  t.equal(counter.decrypts, 2, 'validated again after the clear');
  await provider.validate(token);
  t.equal(counter.decrypts, 2, 'and cached from then on');
});
