// The unmodified `openstack` CLI (python3-openstackclient) against keystone-ts standing alone: keystone-ts's own
// db_sync, fernet_setup and bootstrap on an empty PostgreSQL database, its own endpoints in the catalog.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { loadConfig } from '../../src/config/load.js';
import { main } from '../../src/main.js';
import { call } from '../helpers/identity-api.js';
import { startKeystoneTs } from '../helpers/keystone-ts.js';
import { freePort } from '../helpers/processes.js';
import { scratchDatabase } from '../helpers/services.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'kts-osc-'));
const database = await scratchDatabase('osc');

const port = await freePort();
const url = `http://127.0.0.1:${port}/v3`;
const configFile = join(work, 'keystone.conf');
writeFileSync(
  configFile,
  `[database]\nconnection = postgresql+psycopg2://${database.url.slice('postgresql://'.length)}\n` +
    `[fernet_tokens]\nkey_repository = ${join(work, 'fernet')}\n` +
    `[fernet_receipts]\nkey_repository = ${join(work, 'receipts')}\n` +
    `[credential]\nkey_repository = ${join(work, 'credential')}\n`,
);
const cli = async (...args: string[]) => {
  const code = await main([...args, '--config-file', configFile]);
  if (code !== 0) throw new Error(`keystone-ts ${args[0]} exited with ${code}`);
};
// The operator's set-up, with keystone-ts's own commands; running bootstrap twice must be harmless.
const bootstrapArgs = ['--bootstrap-password', 'osc-secret', '--bootstrap-region-id', 'RegionOne', '--bootstrap-public-url', url, '--bootstrap-internal-url', url, '--bootstrap-admin-url', url];
for (const command of [['db_sync'], ['fernet_setup'], ['credential_setup'], ['bootstrap', ...bootstrapArgs], ['bootstrap', ...bootstrapArgs]]) {
  await cli(...command);
}

// Served on the port the bootstrap put into the catalog, as an operator would run it.
const server = await startKeystoneTs(loadConfig({ file: configFile }), port);
t.teardown(async () => {
  await server.close();
  await database.drop();
  rmSync(work, { recursive: true, force: true });
});

const osEnv = {
  ...process.env,
  OS_AUTH_URL: url,
  OS_USERNAME: 'admin',
  OS_PASSWORD: 'osc-secret',
  OS_PROJECT_NAME: 'admin',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_NAME: 'Default',
  OS_IDENTITY_API_VERSION: '3',
  OS_INTERFACE: 'public',
};
const openstack = async (...args: string[]) => {
  const { stdout } = await run('openstack', [...args, '-f', 'json'], { env: osEnv, timeout: 60_000 });
  return JSON.parse(stdout);
};

t.test('openstack token issue returns a token scoped to the admin project', async (t) => {
  const token = await openstack('token', 'issue');
  t.match(token.id, /^gAAAAA/);
  t.match(token.project_id, /^[0-9a-f]{32}$/);
  t.match(token.user_id, /^[0-9a-f]{32}$/);
  t.ok(Date.parse(token.expires) > Date.now());
});

t.test('openstack catalog list shows the identity service and its three endpoints', async (t) => {
  const catalog = await openstack('catalog', 'list');
  const identity = catalog.find((s: { Type: string }) => s.Type === 'identity');
  t.ok(identity, 'identity service listed');
  t.equal(identity.Name, 'keystone');
  t.equal(identity.Endpoints.length, 3);
  for (const e of identity.Endpoints) t.equal(e.url, url);
});

t.test('openstack token revoke makes the token invalid', async (t) => {
  const victim = await openstack('token', 'issue');
  await run('openstack', ['token', 'revoke', victim.id], { env: osEnv, timeout: 60_000 });
  const caller = await openstack('token', 'issue');
  const res = await call(`http://127.0.0.1:${port}`, 'GET', '/v3/auth/tokens', { token: caller.id, subject: victim.id });
  t.equal(res.status, 404);
});
