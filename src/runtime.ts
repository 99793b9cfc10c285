// Builds a running keystone-ts from its configuration: database, key repository, token provider, policy engine
// and the HTTP app, wired explicitly. One function so `serve`, the tests and the benchmarks start the same thing.
import { EventEmitter } from './notifications/events.js';
import { allRouteModules } from './routes.js';
import type { AuthContext } from './auth/context.js';
import type { KeystoneConfig } from './config/schema.js';
import { openDatabase, type Database } from './db/connection.js';
import type { Logger } from './logger.js';
import { buildPolicyCredentials } from './policy/credentials.js';
import { createPolicyEngine } from './policy/engine.js';
import { buildApp, type App } from './server/app.js';
import { TokenFormatter } from './token/formatter.js';
import { KeyRepository } from './token/key-repository.js';
import { TokenProvider } from './token/provider.js';

export interface Runtime {
  readonly config: KeystoneConfig;
  readonly database: Database;
  readonly tokens: TokenProvider;
  readonly events: EventEmitter;
  readonly app: App;
  close(): Promise<void>;
}

export async function createRuntime(
  config: KeystoneConfig,
  logger: Logger,
  options: { database?: Database; configDirs?: readonly string[] } = {},
): Promise<Runtime> {
  const database = options.database ?? (await openDatabase(config, logger));
  const keys = new KeyRepository(config.fernet_tokens.key_repository, {
    configGroup: 'fernet_tokens',
    logger,
    recheckSeconds: 1,
  });
  const formatter = new TokenFormatter({
    methods: config.auth.methods,
    defaultDomainId: config.identity.default_domain_id,
    fernet: () => keys.current().fernet,
    maxTokenSize: config.DEFAULT.max_token_size,
    logger,
  });
  const tokens = new TokenProvider({ db: database.db, config, formatter, logger });
  const policy = await createPolicyEngine(config, logger, { configDirs: options.configDirs ?? [] });
  const authorize = (caller: AuthContext, rule: string, target: Record<string, unknown>) =>
    policy.enforce(rule, buildPolicyCredentials(caller, config), target);
  const events = new EventEmitter(logger);
  const app = await buildApp({
    config,
    logger,
    routes: allRouteModules,
    services: {
      db: database.db,
      transaction: (work) => database.db.transaction(work),
      events,
      logger,
      tokens,
      authorize,
    },
  });
  return {
    config,
    database,
    tokens,
    events,
    app,
    close: async () => {
      await app.close();
      if (!options.database) await database.close();
    },
  };
}
