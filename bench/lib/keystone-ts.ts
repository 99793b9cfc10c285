// keystone-ts as an operator runs it beside py-keystone: the compiled CLI, the peer's database and key
// repositories, one worker process per core. Its own tables are brought up to date with its db_sync first
// (py-keystone's tables are left alone).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun, startServer, waitForHttp, type Server } from './processes.js';

export interface KeystoneTsOptions {
  readonly root: string;
  readonly port: number;
  readonly workers: number;
  /** Written out even when it is keystone-ts's default, so a changed default cannot change what is measured. */
  readonly validationCacheSeconds: number;
  readonly database: string;
  /** The peer's state directory, holding fernet-keys/, fernet-receipts/ and credential-keys/. */
  readonly keysDir: string;
  readonly workDir: string;
  /** Extra node flags for the server, e.g. --cpu-prof --cpu-prof-dir=DIR to profile its workers. */
  readonly nodeArgs: readonly string[];
}

export interface KeystoneTs extends Server {
  readonly origin: string;
  readonly configFile: string;
}

export function keystoneConf(options: KeystoneTsOptions): string {
  return [
    '[DEFAULT]',
    'debug = false',
    '',
    '[database]',
    `connection = postgresql+psycopg2://keystone:keystone@127.0.0.1/${options.database}`,
    '',
    '[fernet_tokens]',
    `key_repository = ${join(options.keysDir, 'fernet-keys')}`,
    '',
    '[fernet_receipts]',
    `key_repository = ${join(options.keysDir, 'fernet-receipts')}`,
    '',
    '[credential]',
    `key_repository = ${join(options.keysDir, 'credential-keys')}`,
    '',
    '[keystone_ts]',
    `workers = ${options.workers}`,
    `validation_cache_seconds = ${options.validationCacheSeconds}`,
    '',
  ].join('\n');
}

export async function startKeystoneTs(options: KeystoneTsOptions): Promise<KeystoneTs> {
  const configFile = join(options.workDir, 'keystone-ts.conf');
  writeFileSync(configFile, keystoneConf(options));
  const cli = join(options.root, 'bin', 'keystone-ts.js');
  await mustRun('keystone-ts db_sync', process.execPath, [cli, 'db_sync', '--config-file', configFile], {
    cwd: options.root,
    timeoutMs: 120_000,
  });
  const origin = `http://127.0.0.1:${options.port}`;
  const server = startServer(
    'keystone-ts',
    process.execPath,
    [...options.nodeArgs, cli, 'serve', '--config-file', configFile, '--bind', `127.0.0.1:${options.port}`, '--workers', String(options.workers)],
    { cwd: options.root, logFile: join(options.workDir, 'keystone-ts.log') },
  );
  try {
    await waitForHttp(`${origin}/v3`, 60_000, server.logFile);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { ...server, origin, configFile };
}
