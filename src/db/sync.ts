// `db_sync` and `db_version` for keystone-ts. Legacy (py-keystone) tables: created from the Zed baseline on an
// empty database, left exactly as they are on a py-keystone database at the Zed heads, and refused otherwise —
// keystone-ts never ALTERs a legacy table. New tables: drizzle-kit migrations from drizzle/, in their own schema.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import type { Logger } from '../logger.js';
import type { Database, Executor } from './connection.js';
import { ZED_BASELINE, ZED_CONTRACT_HEAD, ZED_EXPAND_HEAD, ZED_HEADS, ZED_TABLE_NAMES } from './legacy/baseline.js';
import { KEYSTONE_TS_SCHEMA } from './new/schema.js';
import { executeRows } from './rows.js';

/** Where applied new-table migrations are recorded, in drizzle-orm's format (also set in drizzle.config.ts). */
export const MIGRATIONS_SCHEMA = KEYSTONE_TS_SCHEMA;
export const MIGRATIONS_TABLE = '__drizzle_migrations';

/** Serialises concurrent db_sync runs (two workers starting at once) on one database. */
const SYNC_LOCK_KEY = 0x6b73_7473_0001;

/** What the legacy part of a database looks like. */
export type LegacyState =
  | { kind: 'empty' }
  | { kind: 'zed'; heads: string[] }
  | { kind: 'other-heads'; heads: string[] }
  | { kind: 'unversioned'; tables: string[] }
  | { kind: 'incomplete'; heads: string[]; missing: string[] };

export interface SyncResult {
  /** 'created': the Zed baseline was written; 'present': py-keystone's tables were there and left untouched. */
  legacy: 'created' | 'present';
  /** Tags of the new-table migrations applied by this run. */
  migrationsApplied: string[];
}

export interface DbVersion {
  /** alembic heads in `alembic_version`, sorted; empty when the table is missing. */
  heads: string[];
  /** The expand and contract heads when they are Zed's, else null. */
  expand: string | null;
  contract: string | null;
  /** New-table migrations: how many are applied, how many ship, and the tag of the last applied one. */
  migrations: { applied: number; available: number; latest: string | null };
}

export class DbSyncRefused extends Error {
  override name = 'DbSyncRefused';
}

export interface SyncOptions {
  logger?: Logger;
  /** drizzle-kit's output folder; defaults to `drizzle/` at the package root. */
  migrationsFolder?: string;
}

export async function dbSync(database: Database, options: SyncOptions = {}): Promise<SyncResult> {
  const { logger } = options;
  const migrations = readMigrations(options.migrationsFolder ?? defaultMigrationsFolder());
  // One transaction under one lock: a concurrent db_sync waits, then finds everything done; a failure anywhere
  // (say, no CREATE privilege for the keystone_ts schema) leaves the database exactly as it was.
  const result = await database.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SYNC_LOCK_KEY})`);
    const state = await legacyState(tx);
    if (state.kind === 'empty') {
      for (const statement of ZED_BASELINE) await tx.execute(sql.raw(statement));
    } else if (state.kind !== 'zed') {
      throw new DbSyncRefused(refusal(state));
    }
    const legacy = state.kind === 'empty' ? ('created' as const) : ('present' as const);
    return { legacy, migrationsApplied: await applyMigrations(tx, migrations) };
  });
  logger?.info(
    result,
    result.legacy === 'created'
      ? 'created the py-keystone Zed baseline'
      : 'py-keystone tables at the Zed heads; left as they are',
  );
  return result;
}

/**
 * drizzle-orm's migrator, inside our transaction: the same files (read by drizzle-orm's readMigrationFiles), the
 * same rule (apply what is newer than the last recorded `created_at`) and the same bookkeeping table, so
 * drizzle-kit's own `migrate` agrees with us. Its `migrate()` opens a transaction of its own, which would let
 * two workers race and split db_sync in two.
 */
async function applyMigrations(tx: Executor, migrations: Migration[]): Promise<string[]> {
  if (migrations.length === 0) return [];
  const table = sql`${sql.identifier(MIGRATIONS_SCHEMA)}.${sql.identifier(MIGRATIONS_TABLE)}`;
  await tx.execute(sql`CREATE SCHEMA IF NOT EXISTS ${sql.identifier(MIGRATIONS_SCHEMA)}`);
  await tx.execute(sql`CREATE TABLE IF NOT EXISTS ${table} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
  const [last] = await executeRows<{ created_at: string | number }>(
    tx,
    sql`SELECT created_at FROM ${table} ORDER BY created_at DESC LIMIT 1`,
  );
  const applied: string[] = [];
  for (const migration of migrations) {
    if (last && Number(last.created_at) >= migration.folderMillis) continue;
    for (const statement of migration.sql) await tx.execute(sql.raw(statement));
    await tx.execute(sql`INSERT INTO ${table} (hash, created_at) VALUES (${migration.hash}, ${migration.folderMillis})`);
    applied.push(migration.tag);
  }
  return applied;
}

export async function dbVersion(database: Database, options: Pick<SyncOptions, 'migrationsFolder'> = {}): Promise<DbVersion> {
  const heads = await alembicHeads(database.db);
  const journal = readJournal(options.migrationsFolder ?? defaultMigrationsFolder());
  const times = await appliedMigrationTimes(database.db);
  const lastTime = times.length === 0 ? null : Math.max(...times);
  return {
    heads,
    expand: heads.includes(ZED_EXPAND_HEAD) ? ZED_EXPAND_HEAD : null,
    contract: heads.includes(ZED_CONTRACT_HEAD) ? ZED_CONTRACT_HEAD : null,
    migrations: {
      applied: times.length,
      available: journal.length,
      latest: lastTime === null ? null : (journal.find((m) => m.when === lastTime)?.tag ?? String(lastTime)),
    },
  };
}

/** Reads, without changing anything, how the legacy tables in the current schema stand. */
export async function legacyState(executor: Executor): Promise<LegacyState> {
  const rows = await executeRows<{ name: string }>(
    executor,
    sql`SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const present = new Set(rows.map((r) => r.name));
  if (present.has('alembic_version')) {
    const heads = await alembicHeads(executor);
    if (!sameSet(heads, ZED_HEADS)) return { kind: 'other-heads', heads };
    const missing = ZED_TABLE_NAMES.filter((name) => !present.has(name));
    return missing.length === 0 ? { kind: 'zed', heads } : { kind: 'incomplete', heads, missing };
  }
  // sqlalchemy-migrate's bookkeeping (py-keystone before Yoga) or keystone tables without any bookkeeping.
  const legacyTables = [...ZED_TABLE_NAMES, 'migrate_version'].filter((name) => present.has(name));
  return legacyTables.length === 0 ? { kind: 'empty' } : { kind: 'unversioned', tables: legacyTables };
}

function refusal(state: Exclude<LegacyState, { kind: 'empty' } | { kind: 'zed' }>): string {
  const zed = `py-keystone Zed's heads ${ZED_EXPAND_HEAD} (expand) and ${ZED_CONTRACT_HEAD} (contract)`;
  switch (state.kind) {
    case 'other-heads':
      return (
        `db_sync refused: the database is at alembic heads ${state.heads.join(', ') || '(none)'}, not ${zed}. ` +
        `keystone-ts only works on the Zed schema and never alters py-keystone's tables; bring the database to ` +
        `Zed with py-keystone's own keystone-manage db_sync, or run a keystone-ts release made for these heads.`
      );
    case 'incomplete':
      return `db_sync refused: alembic_version says ${zed}, but tables are missing: ${state.missing.join(', ')}.`;
    case 'unversioned':
      return (
        `db_sync refused: the database has Keystone tables (${state.tables.slice(0, 5).join(', ')}` +
        `${state.tables.length > 5 ? ', ...' : ''}) but no alembic_version table. Upgrade it to ${zed} ` +
        `with py-keystone's keystone-manage db_sync first.`
      );
  }
}

async function alembicHeads(executor: Executor): Promise<string[]> {
  const [exists] = await executeRows<{ present: boolean }>(
    executor,
    sql`SELECT to_regclass('alembic_version') IS NOT NULL AS present`,
  );
  if (!exists?.present) return [];
  const rows = await executeRows<{ version_num: string }>(executor, sql`SELECT version_num FROM alembic_version`);
  return rows.map((r) => r.version_num).sort();
}

async function appliedMigrationTimes(executor: Executor): Promise<number[]> {
  const table = `${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`;
  const [exists] = await executeRows<{ present: boolean }>(executor, sql`SELECT to_regclass(${table}) IS NOT NULL AS present`);
  if (!exists?.present) return [];
  const rows = await executeRows<{ created_at: string | number }>(
    executor,
    sql`SELECT created_at FROM ${sql.identifier(MIGRATIONS_SCHEMA)}.${sql.identifier(MIGRATIONS_TABLE)}`,
  );
  return rows.map((r) => Number(r.created_at));
}

interface JournalEntry {
  tag: string;
  when: number;
}

type Migration = MigrationMeta & { tag: string };

function readJournal(folder: string): JournalEntry[] {
  const path = join(folder, 'meta', '_journal.json');
  if (!existsSync(path)) return [];
  const journal = JSON.parse(readFileSync(path, 'utf8')) as { entries?: JournalEntry[] };
  return journal.entries ?? [];
}

/** The shipped migrations in journal order, each with its tag; none when drizzle/ has no journal yet. */
function readMigrations(folder: string): Migration[] {
  const journal = readJournal(folder);
  if (journal.length === 0) return [];
  return readMigrationFiles({ migrationsFolder: folder }).map((meta, i) => ({ ...meta, tag: journal[i]?.tag ?? '' }));
}

/**
 * drizzle/ beside package.json. Found by walking up from this module, so it resolves the same from src/db
 * (tsx, tests) and from dist/db (the build, which does not copy drizzle/ anywhere).
 */
export function defaultMigrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'drizzle');
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the keystone-ts package root (package.json) above src/db');
    dir = parent;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
