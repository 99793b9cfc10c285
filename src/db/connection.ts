// One way in to the database, whichever engine holds it: PostgreSQL over the network (postgres.js, pooled) when
// `[database] connection` is set, or embedded PGlite in `[keystone_ts] data_dir` when it is not. Stores see only
// the Drizzle `Db`/`Tx` types below, identical for both engines.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { KeystoneConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A Drizzle database over either engine. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** The handle `db.transaction(async (tx) => ...)` passes in. */
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** What a store function takes: the database, or a transaction a service opened around several calls. */
export type Executor = Db | Tx;

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  readonly db: Db;
  readonly kind: DatabaseKind;
  /**
   * Runs a script of one or more SQL statements with no parameters (simple query protocol). PostgreSQL runs
   * such a script as one implicit transaction unless it has its own BEGIN/COMMIT.
   */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the database keystone.conf points at: PostgreSQL when `[database] connection` is set, otherwise PGlite
 * in `[keystone_ts] data_dir` (relative to the working directory).
 */
export async function openDatabase(config: KeystoneConfig, logger: Logger): Promise<Database> {
  const url = config.database.connection;
  if (url) return openPostgres(url, { maxPoolSize: config.database.max_pool_size, logger });
  return openPglite(resolve(config.keystone_ts.data_dir), logger);
}

export interface PostgresOptions {
  maxPoolSize: number;
  logger: Logger;
}

/** A pooled PostgreSQL connection from a SQLAlchemy-style or plain PostgreSQL URL. */
export function openPostgres(url: string, options: PostgresOptions): Database {
  const { logger } = options;
  const target = parseConnectionUrl(url);
  for (const name of target.ignoredParameters) {
    logger.warn({ parameter: name }, 'ignoring a [database] connection URL parameter keystone-ts does not use');
  }
  const client = postgres({
    ...target.options,
    max: options.maxPoolSize,
    onnotice: (notice) => logger.debug({ notice: notice.message }, 'database notice'),
  });
  const db = drizzlePostgres(client, { schema });
  logger.info({ kind: 'postgres', host: target.options.host, database: target.options.database }, 'database opened');
  return {
    db,
    kind: 'postgres',
    exec: async (script) => {
      await client.unsafe(script).simple();
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** Embedded PostgreSQL (PGlite) keeping its files in `dataDir`; `memory://` keeps them in memory. */
export async function openPglite(dataDir: string, logger: Logger): Promise<Database> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite(client, { schema });
  logger.info({ kind: 'pglite', dataDir }, 'database opened');
  return {
    db,
    kind: 'pglite',
    exec: async (script) => {
      await client.exec(script);
    },
    close: () => client.close(),
  };
}

export interface ConnectionTarget {
  options: {
    host: string;
    port: number;
    database: string;
    username?: string;
    password?: string;
    ssl?: 'require' | 'prefer' | 'allow' | 'verify-full' | boolean;
    connect_timeout?: number;
    connection: Record<string, string>;
  };
  /** Query parameters that only mean something to SQLAlchemy or psycopg2 (e.g. charset). */
  ignoredParameters: string[];
}

const NO_HOST = 'no-host.invalid';
const SSL_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

/**
 * Reads a `[database] connection` URL as py-keystone's operators write it: `postgresql+psycopg2://user:pw@host/db`
 * or plain `postgresql://` / `postgres://`. A `host` query parameter names a Unix socket directory, as psycopg2
 * accepts. Anything but PostgreSQL is refused: keystone-ts runs on PostgreSQL (or embedded PGlite) only.
 */
export function parseConnectionUrl(url: string): ConnectionTarget {
  const match = /^([a-z0-9]+)(\+[a-z0-9_]+)?:\/\//i.exec(url);
  const dialect = match?.[1]?.toLowerCase();
  if (!match || (dialect !== 'postgresql' && dialect !== 'postgres')) {
    throw new Error(
      `[database] connection must be a PostgreSQL URL (postgresql://...), got ${match ? `${dialect}://...` : 'no URL scheme'}`,
    );
  }
  // WHATWG URLs cannot have an empty host after user info (`user@/db`, libpq's way to say "Unix socket").
  const rest = url.slice(match[0].length).replace(/^([^/?#]*@)?(?=[/?#]|$)/, `$1${NO_HOST}`);
  const parsed = new URL(`postgresql://${rest}`);
  const params = parsed.searchParams;
  const hostname = parsed.hostname === NO_HOST ? '' : decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, '$1');
  const options: ConnectionTarget['options'] = {
    host: hostname || params.get('host') || 'localhost',
    port: parsed.port ? Number(parsed.port) : Number(params.get('port') ?? 5432),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || params.get('dbname') || 'keystone',
    connection: { application_name: params.get('application_name') ?? 'keystone-ts' },
  };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  else if (params.get('user')) options.username = params.get('user') ?? undefined;
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  else if (params.get('password')) options.password = params.get('password') ?? undefined;
  const sslmode = params.get('sslmode');
  if (sslmode) {
    if (!SSL_MODES.has(sslmode)) throw new Error(`[database] connection: unknown sslmode ${sslmode}`);
    options.ssl = sslmode === 'disable' ? false : sslmode === 'verify-ca' ? 'verify-full' : (sslmode as 'require');
  }
  const timeout = params.get('connect_timeout');
  if (timeout) options.connect_timeout = Number(timeout);
  const understood = new Set(['host', 'port', 'dbname', 'user', 'password', 'sslmode', 'connect_timeout', 'application_name']);
  const ignoredParameters = [...params.keys()].filter((k) => !understood.has(k));
  return { options, ignoredParameters };
}
