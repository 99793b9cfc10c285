// `npm start` on a machine with no PostgreSQL: the embedded database, keys and an admin user appear, and the
// server answers on the chosen address; a second start reuses them.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { issueToken, passwordAuth } from '../helpers/identity-api.js';
import { freePort, startProcess, waitForUrl } from '../helpers/processes.js';
import { REPO_ROOT } from '../helpers/services.js';

const work = mkdtempSync(join(tmpdir(), 'kts-start-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

// Everything the embedded default writes is redirected into `work` through the OS_* overrides operators use.
const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  OS_KEYSTONE_TS__DATA_DIR: join(work, 'pglite'),
  OS_FERNET_TOKENS__KEY_REPOSITORY: join(work, 'fernet'),
  OS_FERNET_RECEIPTS__KEY_REPOSITORY: join(work, 'receipts'),
  OS_CREDENTIAL__KEY_REPOSITORY: join(work, 'credential'),
  ...extra,
});

async function start(extraEnv: Record<string, string> = {}) {
  const port = await freePort();
  const proc = startProcess('npm', ['start', '--silent', '--', '--bind', `127.0.0.1:${port}`], { cwd: REPO_ROOT, env: env(extraEnv) });
  const url = `http://127.0.0.1:${port}`;
  await waitForUrl(`${url}/v3`, proc.child, 180_000);
  return { ...proc, url };
}

t.test('a first start creates the database, keys and admin, and issues tokens', async (t) => {
  const server = await start({ OS_BOOTSTRAP_PASSWORD: 'first-start-pw' });
  t.teardown(server.stop);
  t.ok(existsSync(join(work, 'fernet', '0')), 'staged Fernet key');
  t.ok(existsSync(join(work, 'fernet', '1')), 'primary Fernet key');
  t.ok(existsSync(join(work, 'credential', '0')), 'credential key');
  const token = await issueToken(
    server.url,
    passwordAuth({ name: 'admin', domainId: 'default' }, 'first-start-pw', { project: { name: 'admin', domain: { id: 'default' } } }),
  );
  t.equal(token.status, 201);
  t.same(token.body.token.roles.map((r: { name: string }) => r.name).sort(), ['admin', 'member', 'reader']);
  t.equal(token.body.token.catalog[0].endpoints[0].url, `${server.url}/v3`, 'the catalog points at this server');
  t.notMatch(server.output(), /admin password \(shown once\)/, 'no generated password when one was given');
});

t.test('a second start keeps the admin and its password', async (t) => {
  const server = await start();
  t.teardown(server.stop);
  const token = await issueToken(server.url, passwordAuth({ name: 'admin', domainId: 'default' }, 'first-start-pw'));
  t.equal(token.status, 201);
});
