// The py-keystone the bench compares against: a peer of its own (port and database apart from the test suite's
// peer), with the in-process dogpile cache production deployments run, started and stopped through the shared
// peer scripts. keystone-ts then serves the same database with the same key repositories.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun } from './processes.js';

export interface Peer {
  readonly origin: string;
  readonly database: string;
  /** Holds fernet-keys/, fernet-receipts/ and credential-keys/. */
  readonly stateDir: string;
  readonly processes: number;
  /** The uWSGI master (its workers are its children). */
  masterPid(): number | undefined;
  stop(): Promise<void>;
}

export interface PeerOptions {
  readonly peersDir: string;
  readonly port: number;
  readonly database: string;
  readonly processes: number;
  readonly base: string;
}

export async function startPeer(options: PeerOptions): Promise<Peer> {
  const env = { ...process.env, PYKS_CACHE: 'memory', PYKS_PROCESSES: String(options.processes), PYKS_BASE: options.base };
  // A bare machine installs PostgreSQL and python3-keystone first: allow for it.
  await mustRun('pykeystone-up.sh', 'bash', [join(options.peersDir, 'pykeystone-up.sh'), String(options.port), options.database], {
    env,
    timeoutMs: 20 * 60_000,
  });
  const pidFile = join(options.base, 'run', `pykeystone-${options.port}.pids`);
  let stopped: Promise<void> | undefined;
  return {
    origin: `http://127.0.0.1:${options.port}`,
    database: options.database,
    stateDir: join(options.base, options.database),
    processes: options.processes,
    masterPid: () => {
      try {
        return Number(readFileSync(pidFile, 'utf8').split('\n')[0]) || undefined;
      } catch {
        return undefined;
      }
    },
    stop: () =>
      (stopped ??= mustRun('pykeystone-down.sh', 'bash', [join(options.peersDir, 'pykeystone-down.sh'), String(options.port)], {
        env,
        timeoutMs: 60_000,
      }).then(() => undefined)),
  };
}
