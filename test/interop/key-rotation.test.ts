// A key rotation done by either side's CLI keeps both implementations validating each other's tokens: the
// rotation py-keystone's keystone-manage does is picked up by a running keystone-ts without a restart, and keys
// written by keystone-ts's fernet_rotate are readable by py-keystone (same owner and modes).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { validateConfig } from '../../src/config/load.js';
import { main } from '../../src/main.js';
import { Fernet, restorePadding } from '../../src/token/fernet.js';
import { call, issueToken, passwordAuth } from '../helpers/identity-api.js';
import { startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER, ROTATION_PEER } from '../helpers/services.js';

const work = mkdtempSync(join(tmpdir(), 'kts-rotate-'));
const configFile = join(work, 'keystone.conf');
writeFileSync(configFile, `[database]\nconnection = ${ROTATION_PEER.databaseUrl}\n[fernet_tokens]\nkey_repository = ${ROTATION_PEER.fernetKeys}\n[fernet_receipts]\nkey_repository = ${ROTATION_PEER.fernetKeys}\n`);
const ours = await startKeystoneTs(
  validateConfig({
    database: { connection: ROTATION_PEER.databaseUrl },
    fernet_tokens: { key_repository: ROTATION_PEER.fernetKeys },
    keystone_ts: { validation_cache_seconds: '0' },
  }),
);
t.teardown(async () => {
  await ours.close();
  rmSync(work, { recursive: true, force: true });
});

const admin = () => passwordAuth({ name: 'admin', domainId: 'default' }, PEER.adminPassword, { project: { name: 'admin', domain: { id: 'default' } } });
const servers = { 'py-keystone': ROTATION_PEER.url, 'keystone-ts': ours.url };
/** Longer than the key repository's recheck interval (1 s). */
const RELOAD_WAIT_MS = 1200;

async function assertValidInBoth(test: Test, token: string, what: string) {
  for (const [name, url] of Object.entries(servers)) {
    const res = await call(url, 'GET', '/v3/auth/tokens', { token, subject: token });
    test.equal(res.status, 200, `${what} validates in ${name}`);
  }
}

/** Whether `token` was encrypted with the repository's current primary key (the highest-numbered one). */
function encryptedWithPrimary(token: string): boolean {
  const primary = readFileSync(join(ROTATION_PEER.fernetKeys, String(Math.max(...keyIds()))), 'utf8').trim();
  try {
    new Fernet([primary]).decrypt(restorePadding(token));
    return true;
  } catch {
    return false;
  }
}

const keyIds = () => readdirSync(ROTATION_PEER.fernetKeys).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b);

t.test('keystone-ts fernet_rotate: old and new tokens validate in both', async (t) => {
  const before = await issueToken(ROTATION_PEER.url, admin());
  const primaryBefore = Math.max(...keyIds());
  t.equal(await main(['fernet_rotate', '--config-file', configFile, '--keystone-user', 'keystone', '--keystone-group', 'keystone']), 0);
  t.equal(Math.max(...keyIds()), primaryBefore + 1, 'a new primary key');
  for (const id of keyIds()) {
    const st = statSync(join(ROTATION_PEER.fernetKeys, String(id)));
    t.equal(st.mode & 0o077, 0, `key ${id} is private`);
  }
  await sleep(RELOAD_WAIT_MS);
  await assertValidInBoth(t, before.id, 'a token from before the rotation');
  const after = await issueToken(ours.url, admin());
  t.equal(after.status, 201);
  t.ok(encryptedWithPrimary(after.id), 'keystone-ts encrypts with the new primary');
  await assertValidInBoth(t, after.id, 'a token keystone-ts encrypted with the new primary');
});

t.test("py-keystone's keystone-manage fernet_rotate is picked up by a running keystone-ts", async (t) => {
  const before = await issueToken(ours.url, admin());
  execFileSync('runuser', ['-u', 'keystone', '--', '/usr/bin/keystone-manage', '--config-file', ROTATION_PEER.config, 'fernet_rotate', '--keystone-user', 'keystone', '--keystone-group', 'keystone'], {
    cwd: '/',
    stdio: 'ignore',
  });
  await sleep(RELOAD_WAIT_MS);
  await assertValidInBoth(t, before.id, 'a keystone-ts token from before');
  const after = await issueToken(ROTATION_PEER.url, admin());
  await assertValidInBoth(t, after.id, 'a py-keystone token encrypted with its new primary');
  const mine = await issueToken(ours.url, admin());
  t.ok(encryptedWithPrimary(mine.id), 'keystone-ts switched to the primary keystone-manage made');
  await assertValidInBoth(t, mine.id, 'a keystone-ts token encrypted after the reload');
});
