// Where the real parts the tests talk to live: PostgreSQL and the py-keystone peer started by
// test/setup/ensure-services.sh (see README). Nothing here fakes them.
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.KEYSTONE_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');

export const PG_HOST = process.env.KEYSTONE_TEST_PG_HOST ?? '127.0.0.1';
export const PG_PORT = Number(process.env.KEYSTONE_TEST_PG_PORT ?? 5432);
const PG_AUTH = 'keystone:keystone';

/** The py-keystone peer: its public URL, its database and its key repositories. */
/** The two servers every parity test sends the same requests to. */
export type Server = 'py-keystone' | 'keystone-ts';
export const SERVERS: readonly Server[] = ['py-keystone', 'keystone-ts'];

export const PEER = {
  url: process.env.KEYSTONE_PEER_URL ?? 'http://127.0.0.1:5001',
  adminPassword: process.env.PYKS_ADMIN_PASSWORD ?? 'secret',
  databaseUrl: `postgresql://${PG_AUTH}@${PG_HOST}:${PG_PORT}/keystone`,
  base: '/var/lib/pykeystone/keystone',
  fernetKeys: '/var/lib/pykeystone/keystone/fernet-keys',
  receiptKeys: '/var/lib/pykeystone/keystone/fernet-receipts',
  credentialKeys: '/var/lib/pykeystone/keystone/credential-keys',
  config: '/var/lib/pykeystone/keystone/etc/keystone.conf',
};

/** A second peer used only by the key-rotation test, with its own database and key repositories. */
export const ROTATION_PEER = {
  url: process.env.KEYSTONE_ROTATION_PEER_URL ?? 'http://127.0.0.1:5002',
  databaseUrl: `postgresql://${PG_AUTH}@${PG_HOST}:${PG_PORT}/keystone_rotation`,
  fernetKeys: '/var/lib/pykeystone/keystone_rotation/fernet-keys',
  config: '/var/lib/pykeystone/keystone_rotation/etc/keystone.conf',
};

/** Debian's interpreter, which can import py-keystone's own modules (a pyenv python3 on PATH cannot). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export function databaseUrl(name: string): string {
  return `postgresql://${PG_AUTH}@${PG_HOST}:${PG_PORT}/${name}`;
}

/** A fresh, empty PostgreSQL database for one test file; drop() removes it. */
export async function scratchDatabase(prefix: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `kts_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  await admin.end();
  return {
    name,
    url: databaseUrl(name),
    drop: async () => {
      const sql = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => {} });
      await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await sql.end();
    },
  };
}
