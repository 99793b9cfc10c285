// keystone-ts credential_rotate and credential_migrate on a scratch database and key repository, checked against
// py-keystone's own code: its credential provider must read every blob after each step, and the real
// `keystone-manage credential_rotate` must refuse and accept exactly when keystone-ts does.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import postgres from 'postgres';
import { CredentialCipher } from '../../src/credential/crypto.js';
import { getCredential, insertCredential } from '../../src/credential/store.js';
import { openPostgres } from '../../src/db/connection.js';
import { createLogger } from '../../src/logger.js';
import { main } from '../../src/main.js';
import { scratchDatabase } from '../helpers/services.js';
import { pyCredentials } from './kit.js';

const work = mkdtempSync(join(tmpdir(), 'kts-credkeys-'));
const repo = join(work, 'credential');
const database = await scratchDatabase('credkeys');
const configFile = join(work, 'keystone.conf');
writeFileSync(
  configFile,
  `[DEFAULT]\nuse_stderr = true\n[database]\nconnection = postgresql+psycopg2://${database.url.slice('postgresql://'.length)}\n` +
    `[credential]\nkey_repository = ${repo}\n` +
    // keystone-manage loads the token provider, which wants a token key repository.
    `[fernet_tokens]\nkey_repository = ${join(work, 'fernet')}\n[fernet_receipts]\nkey_repository = ${join(work, 'receipts')}\n`,
);
const sql = postgres(database.url, { max: 1, onnotice: () => {} });
const db = openPostgres(database.url, { maxPoolSize: 2, logger: createLogger({ level: 'silent' }) });
t.teardown(async () => {
  await sql.end();
  await db.close();
  await database.drop();
  rmSync(work, { recursive: true, force: true });
});

const kts = (...args: string[]) => main([...args, '--config-file', configFile]);
const keystoneManage = (...args: string[]) =>
  new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile('/usr/bin/keystone-manage', ['--config-file', configFile, ...args, '--keystone-user', 'root', '--keystone-group', 'root'], { timeout: 120_000 }, (err, _out, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr });
    });
  });
const keyFiles = () => readdirSync(repo).sort();
const rows = async () => (await sql`select id, key_hash, encrypted_blob from credential order by id`).map((r) => ({ ...r }) as { id: string; key_hash: string; encrypted_blob: string });

for (const command of ['db_sync', 'fernet_setup', 'credential_setup']) {
  if ((await kts(command)) !== 0) throw new Error(`keystone-ts ${command} failed`);
}
const cipher = new CredentialCipher(repo, createLogger({ level: 'silent' }), 0);

// Credentials written by keystone-ts's store and one by py-keystone's provider, straight into the table.
const written = [
  { id: 'a-cert', userId: 'u1', projectId: null, type: 'cert', blob: 'cert blob é' },
  { id: 'b-ec2', userId: 'u1', projectId: 'p1', type: 'ec2', blob: JSON.stringify({ access: 'ak', secret: 'sk' }) },
  { id: 'c-totp', userId: 'u2', projectId: null, type: 'totp', blob: 'GEZDGNBVGY3TQOJQ' },
];
for (const c of written) await insertCredential(db.db, cipher, c);
const byPy = await pyCredentials(repo, { encrypt: ['written by py-keystone'] });
await sql`insert into credential (id, user_id, type, extra, key_hash, encrypted_blob) values ('d-py', 'u3', 'cert', '{}', ${byPy.encrypted[0]![1]}, ${byPy.encrypted[0]![0]})`;
const plaintexts = ['cert blob é', JSON.stringify(JSON.stringify({ access: 'ak', secret: 'sk' })), 'GEZDGNBVGY3TQOJQ', 'written by py-keystone'];

async function assertEveryoneReads(t: Test, step: string): Promise<void> {
  const stored = await rows();
  const py = await pyCredentials(repo, { decrypt: stored.map((r) => r.encrypted_blob) });
  t.same(py.decrypted, plaintexts, `${step}: py-keystone's provider reads every blob`);
  for (const c of written) t.same((await getCredential(db.db, cipher, c.id))?.blob, c.blob, `${step}: keystone-ts reads ${c.id}`);
  t.equal((await getCredential(db.db, cipher, 'd-py'))?.blob, 'written by py-keystone', `${step}: keystone-ts reads d-py`);
}

t.test('with every credential on the primary key, keystone-ts rotates', async (t) => {
  const before = keyFiles();
  t.equal(await kts('credential_rotate'), 0);
  t.same(keyFiles(), ['0', '1', '2'], `keys ${before.join(',')} -> 0,1,2`);
  await assertEveryoneReads(t, 'after a rotation');
});

t.test('with credentials on a secondary key, keystone-ts and keystone-manage both refuse to rotate', async (t) => {
  const before = keyFiles();
  t.equal(await kts('credential_rotate'), 1);
  t.same(keyFiles(), before, 'keystone-ts left the repository alone');
  const manage = await keystoneManage('credential_rotate');
  t.not(manage.code, 0, 'keystone-manage refuses too');
  t.match(manage.stderr, /not all credentials are encrypted with the primary key/);
  t.same(keyFiles(), before);
});

t.test('a migration that meets a blob no key opens changes nothing', async (t) => {
  const before = await rows();
  await sql`insert into credential (id, user_id, type, extra, key_hash, encrypted_blob) values ('z-broken', 'u4', 'cert', '{}', 'x', 'not-a-fernet-token')`;
  await t.rejects(kts('credential_migrate'), /z-broken could not be decrypted/);
  await sql`delete from credential where id = 'z-broken'`;
  t.same(await rows(), before, 'every row as it was');
});

t.test('keystone-ts credential_migrate puts every credential on the primary key; then both tools rotate', async (t) => {
  t.equal(await kts('credential_migrate'), 0);
  const primary = (await pyCredentials(repo, {})).primary_key_hash;
  t.ok((await rows()).every((r) => r.key_hash === primary), 'every key_hash is py-keystone\'s primary key hash');
  await assertEveryoneReads(t, 'after keystone-ts migrated');
  const manage = await keystoneManage('credential_rotate');
  t.equal(manage.code, 0, `keystone-manage rotates now ${manage.stderr.slice(-300)}`);
  t.same(keyFiles(), ['0', '2', '3'], 'the oldest key was pruned');
  await assertEveryoneReads(t, 'after keystone-manage rotated');
});

t.test('after keystone-manage credential_migrate, keystone-ts reads everything and rotates again', async (t) => {
  const manage = await keystoneManage('credential_migrate');
  t.equal(manage.code, 0, manage.stderr.slice(-300));
  const primary = cipher.primaryKeyHash();
  t.ok((await rows()).every((r) => r.key_hash === primary), 'keystone-ts computes the key_hash keystone-manage wrote');
  await assertEveryoneReads(t, 'after keystone-manage migrated');
  t.equal(await kts('credential_rotate'), 0);
  t.same(keyFiles(), ['0', '3', '4']);
  t.equal(await kts('credential_migrate'), 0);
  await assertEveryoneReads(t, 'after a second keystone-ts rotation and migration');
});
