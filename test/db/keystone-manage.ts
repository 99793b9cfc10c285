// Runs the real py-keystone `keystone-manage` against one scratch database, through a throwaway keystone.conf.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { databaseUrl, PG_HOST, PG_PORT } from '../helpers/services.js';

export interface ManageResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function keystoneManage(database: string, ...args: string[]): Promise<ManageResult> {
  const dir = await mkdtemp(join(tmpdir(), 'kts-manage-'));
  const config = join(dir, 'keystone.conf');
  await writeFile(
    config,
    `[DEFAULT]\nuse_stderr = true\n\n[database]\nconnection = postgresql+psycopg2://keystone:keystone@${PG_HOST}:${PG_PORT}/${database}\n`,
  );
  try {
    return await new Promise<ManageResult>((resolvePromise) => {
      execFile(
        '/usr/bin/keystone-manage',
        ['--config-file', config, ...args],
        { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolvePromise({ code, stdout, stderr });
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `keystone-manage db_sync`, failing loudly when it does. */
export async function pyDbSync(database: string): Promise<ManageResult> {
  const result = await keystoneManage(database, 'db_sync');
  if (result.code !== 0) throw new Error(`keystone-manage db_sync failed (${result.code}):\n${result.stderr}`);
  return result;
}

/**
 * A copy of `template` (PostgreSQL's CREATE DATABASE ... TEMPLATE), far cheaper than another keystone-manage run.
 * Nobody may be connected to the template while it is copied.
 */
export async function cloneDatabase(
  template: string,
  prefix: string,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `kts_${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
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
