// The `keystone-ts` command: `serve`, and the keystone-manage-style admin commands, all reading keystone.conf.
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { bootstrap, type BootstrapOptions } from './cli/bootstrap.js';
import { flag, parseArgs, UsageError, type ParsedArgs } from './cli/args.js';
import { setupKeyRepositories, rotateKeys } from './cli/keys.js';
import { loadConfig } from './config/load.js';
import { CredentialCipher } from './credential/crypto.js';
import { assertCredentialsOnPrimaryKey, CredentialsNotOnPrimaryKey, migrateCredentials } from './credential/key-commands.js';
import type { KeystoneConfig } from './config/schema.js';
import { openDatabase } from './db/connection.js';
import { dbSync, dbVersion } from './db/sync.js';
import { findUserByName } from './identity/store.js';
import { createLogger, type Logger } from './logger.js';
import { createRuntime } from './runtime.js';
import { relayInvalidations, shareInvalidations } from './token/worker-invalidation.js';

const USAGE = `usage: keystone-ts <command> [--config-file FILE] [options]
commands:
  serve [--bind HOST:PORT] [--workers N] [--embedded-default]
  db_sync | db_version
  fernet_setup | fernet_rotate | credential_setup | credential_rotate   [--keystone-user U --keystone-group G]
  credential_migrate
  bootstrap --bootstrap-password P [--bootstrap-username admin] [--bootstrap-project-name admin]
            [--bootstrap-role-name admin] [--bootstrap-service-name keystone] [--bootstrap-region-id R]
            [--bootstrap-admin-url U] [--bootstrap-public-url U] [--bootstrap-internal-url U] [--no-immutable-roles]`;

const VALUE_FLAGS = [
  'config-file', 'bind', 'workers', 'keystone-user', 'keystone-group',
  'bootstrap-username', 'bootstrap-password', 'bootstrap-project-name', 'bootstrap-role-name',
  'bootstrap-service-name', 'bootstrap-region-id', 'bootstrap-admin-url', 'bootstrap-public-url',
  'bootstrap-internal-url',
];
const BOOLEAN_FLAGS = ['embedded-default', 'immutable-roles', 'no-immutable-roles', 'help'];

/** The embedded default `npm start` runs: everything under the working directory, no PostgreSQL. */
const EMBEDDED_DEFAULTS = {
  fernet_tokens: { key_repository: 'keys/fernet' },
  fernet_receipts: { key_repository: 'keys/receipts' },
  credential: { key_repository: 'keys/credential' },
  keystone_ts: { data_dir: 'data/pglite' },
};

export async function main(argv: readonly string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, new Set([...VALUE_FLAGS, ...BOOLEAN_FLAGS]), new Set(BOOLEAN_FLAGS));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`keystone-ts: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (!args.command || args.flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return args.command ? 0 : 2;
  }
  const config = loadConfig({
    file: flag(args, 'config-file') ?? process.env.KEYSTONE_TS_CONFIG_FILE,
    ...(args.flags.has('embedded-default') && { defaults: structuredClone(EMBEDDED_DEFAULTS) }),
  });
  const logger = createLogger({ level: config.DEFAULT.debug ? 'debug' : 'info' });
  switch (args.command) {
    case 'serve':
      return serve(config, logger, args);
    case 'db_sync':
      return withDatabase(config, logger, async (db) => {
        const result = await dbSync(db, { logger });
        logger.info(result, 'db_sync done');
      });
    case 'db_version':
      return withDatabase(config, logger, async (db) => {
        process.stdout.write(`${JSON.stringify(await dbVersion(db))}\n`);
      });
    case 'fernet_setup':
    case 'credential_setup':
      setupKeyRepositories(config, args.command === 'fernet_setup' ? 'fernet' : 'credential', ownerOf(args), logger);
      return 0;
    case 'fernet_rotate':
      rotateKeys(config, 'fernet', ownerOf(args), logger);
      return 0;
    case 'credential_rotate':
      // Like keystone-manage: refused while a credential still needs a key other than the primary one.
      return withDatabase(config, logger, async (db) => {
        try {
          await assertCredentialsOnPrimaryKey(db, credentialCipher(config, logger));
        } catch (err) {
          if (!(err instanceof CredentialsNotOnPrimaryKey)) throw err;
          process.stderr.write(`${err.message}\n`);
          return 1;
        }
        rotateKeys(config, 'credential', ownerOf(args), logger);
        return 0;
      });
    case 'credential_migrate':
      return withDatabase(config, logger, async (db) => {
        const migrated = await migrateCredentials(db, credentialCipher(config, logger));
        logger.info({ migrated }, 'credential_migrate done');
      });
    case 'bootstrap': {
      const password = flag(args, 'bootstrap-password') ?? process.env.OS_BOOTSTRAP_PASSWORD;
      if (!password) {
        process.stderr.write('keystone-ts bootstrap: --bootstrap-password or OS_BOOTSTRAP_PASSWORD is required\n');
        return 2;
      }
      return withDatabase(config, logger, async (db) => {
        await bootstrap(db, config, bootstrapOptions(args, password), logger);
      });
    }
    default:
      process.stderr.write(`keystone-ts: unknown command "${args.command}"\n${USAGE}\n`);
      return 2;
  }
}

function bootstrapOptions(args: ParsedArgs, password: string): BootstrapOptions {
  const env = process.env;
  return {
    username: env.OS_BOOTSTRAP_USERNAME ?? flag(args, 'bootstrap-username') ?? 'admin',
    password,
    projectName: env.OS_BOOTSTRAP_PROJECT_NAME ?? flag(args, 'bootstrap-project-name') ?? 'admin',
    roleName: env.OS_BOOTSTRAP_ROLE_NAME ?? flag(args, 'bootstrap-role-name') ?? 'admin',
    serviceName: env.OS_BOOTSTRAP_SERVICE_NAME ?? flag(args, 'bootstrap-service-name') ?? 'keystone',
    regionId: env.OS_BOOTSTRAP_REGION_ID ?? flag(args, 'bootstrap-region-id'),
    adminUrl: env.OS_BOOTSTRAP_ADMIN_URL ?? flag(args, 'bootstrap-admin-url'),
    publicUrl: env.OS_BOOTSTRAP_PUBLIC_URL ?? flag(args, 'bootstrap-public-url'),
    internalUrl: env.OS_BOOTSTRAP_INTERNAL_URL ?? flag(args, 'bootstrap-internal-url'),
    immutableRoles: !args.flags.has('no-immutable-roles'),
  };
}

/** A cipher for a one-shot command: it reads the key repository as it is now. */
function credentialCipher(config: KeystoneConfig, logger: Logger): CredentialCipher {
  return new CredentialCipher(config.credential.key_repository, logger, 0);
}

function ownerOf(args: ParsedArgs): { user?: string | undefined; group?: string | undefined } {
  return { user: flag(args, 'keystone-user'), group: flag(args, 'keystone-group') };
}

async function withDatabase(
  config: KeystoneConfig,
  logger: Logger,
  work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<number | void>,
): Promise<number> {
  const database = await openDatabase(config, logger);
  try {
    return (await work(database)) ?? 0;
  } finally {
    await database.close();
  }
}

async function serve(config: KeystoneConfig, logger: Logger, args: ParsedArgs): Promise<number> {
  const bind = flag(args, 'bind') ?? config.keystone_ts.bind;
  const match = /^(.*):(\d+)$/.exec(bind);
  if (!match) throw new UsageError(`--bind must be HOST:PORT, got ${bind}`);
  const [, host, port] = match;
  const embedded = !config.database.connection;
  const requested = Number(flag(args, 'workers') ?? config.keystone_ts.workers) || availableParallelism();
  // PGlite is an in-process database: only one process may own its files.
  const workers = embedded ? 1 : requested;

  if (cluster.isPrimary) {
    if (args.flags.has('embedded-default')) await firstRun(config, logger, `http://${host}:${port}/v3`);
    if (workers > 1) {
      // Workers re-run this entry point; only the primary does first-run set-up and forks.
      logger.info({ workers }, 'starting worker processes');
      for (let i = 0; i < workers; i++) cluster.fork();
      relayInvalidations(cluster);
      cluster.on('exit', (worker, code) => {
        logger.error({ pid: worker.process.pid, code }, 'worker exited; starting another');
        cluster.fork();
      });
      return new Promise(() => {});
    }
  }
  const runtime = await createRuntime(config, logger);
  if (cluster.isWorker) shareInvalidations(runtime.tokens);
  await runtime.app.listen({ host: host!, port: Number(port) });
  const stop = async () => {
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return new Promise(() => {});
}

/** npm start on a fresh machine: schema, keys and an admin user, each only if missing. */
async function firstRun(config: KeystoneConfig, logger: Logger, url: string): Promise<void> {
  setupKeyRepositories(config, 'fernet', {}, logger);
  setupKeyRepositories(config, 'credential', {}, logger);
  const database = await openDatabase(config, logger);
  try {
    await dbSync(database, { logger });
    if (await findUserByName(database.db, 'admin', config.identity.default_domain_id)) return;
    const generated = !process.env.OS_BOOTSTRAP_PASSWORD;
    const password = process.env.OS_BOOTSTRAP_PASSWORD ?? randomBytes(12).toString('base64url');
    await bootstrap(
      database,
      config,
      {
        username: 'admin',
        password,
        projectName: 'admin',
        roleName: 'admin',
        serviceName: 'keystone',
        regionId: 'RegionOne',
        adminUrl: url,
        publicUrl: url,
        internalUrl: url,
        immutableRoles: true,
      },
      logger,
    );
    if (generated) process.stdout.write(`\nadmin password (shown once): ${password}\n\n`);
    logger.info({ dataDir: resolve(config.keystone_ts.data_dir), url }, 'embedded keystone-ts ready');
  } finally {
    await database.close();
  }
}
