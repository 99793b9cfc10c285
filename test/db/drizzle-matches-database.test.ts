// src/db/legacy/schema.ts describes the tables py-keystone's db_sync creates, column for column: names, SQL
// types, nullability, defaults, primary keys, unique constraints, foreign keys and indexes. Any drift between
// the declarations stores query with and the live database fails here.
import t from 'tap';
import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import { openPostgres, type Database } from '../../src/db/connection.js';
import * as legacy from '../../src/db/legacy/schema.js';
import { executeRows } from '../../src/db/rows.js';
import { createLogger } from '../../src/logger.js';
import { scratchDatabase } from '../helpers/services.js';
import { pyDbSync } from './keystone-manage.js';

const logger = createLogger({ level: 'silent' });
const declared: PgTable[] = (Object.values(legacy) as unknown[]).filter((value): value is PgTable => is(value, PgTable));

let database: Database;
let drop: () => Promise<void>;

t.before(async () => {
  const scratch = await scratchDatabase('drizzle_drift');
  drop = scratch.drop;
  await pyDbSync(scratch.name);
  database = openPostgres(scratch.url, { maxPoolSize: 2, logger });
});
t.teardown(async () => {
  await database?.close();
  await drop?.();
});

interface LiveColumn {
  tbl: string;
  name: string;
  type: string;
  not_null: boolean;
  def: string | null;
}
interface LiveConstraint {
  tbl: string;
  name: string;
  type: string;
  columns: string;
  ref_table: string | null;
  ref_columns: string | null;
  on_update: string;
  on_delete: string;
}
interface LiveIndex {
  tbl: string;
  name: string;
  columns: string;
}

const ACTIONS: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

/** Drizzle's spelling of a column type, in format_type()'s. */
function sqlType(column: PgColumn): string {
  return column
    .getSQLType()
    .replace(/^varchar\((\d+)\)$/, 'character varying($1)')
    .replace(/^serial$/, 'integer')
    .replace(/^timestamp$/, 'timestamp without time zone');
}

/** A column default as the database prints it, reduced to the literal: `'0'::bigint` -> `0`. */
function literal(def: string): string {
  return def.replace(/::[a-z ]+(\(\d+\))?$/, '').replace(/^'(.*)'$/, '$1');
}

t.test('every table py-keystone creates is declared, and nothing else', async (t) => {
  const live = await executeRows<{ name: string }>(
    database.db,
    sql`SELECT relname::text AS name FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'`,
  );
  t.same(declared.map((table) => getTableConfig(table).name).sort(), live.map((r) => r.name).sort());
});

t.test('each declared table has the live columns: name, order, SQL type, nullability, default', async (t) => {
  const live = await executeRows<LiveColumn>(
    database.db,
    sql`SELECT c.relname::text AS tbl, a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type,
               a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS def
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum`,
  );
  for (const table of declared) {
    const config = getTableConfig(table);
    const mine = config.columns.map((column) => ({
      name: column.name,
      type: sqlType(column),
      notNull: column.notNull,
      hasDefault: column.hasDefault,
      default: column.default === undefined ? null : String(column.default),
    }));
    const theirs = live
      .filter((c) => c.tbl === config.name)
      .map((c) => ({
        name: c.name,
        type: c.type,
        notNull: c.not_null,
        hasDefault: c.def !== null,
        default: c.def === null || c.def.startsWith('nextval(') ? null : literal(c.def),
      }));
    t.same(mine, theirs, `${config.name}: columns`);
  }
});

t.test('each declared table has the live primary key, unique constraints and foreign keys, by name', async (t) => {
  const live = await executeRows<LiveConstraint>(
    database.db,
    sql`SELECT c.relname::text AS tbl, k.conname::text AS name, k.contype::text AS type,
               (SELECT string_agg(a.attname::text, ',' ORDER BY u.i) FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
                JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n) AS columns,
               r.relname::text AS ref_table,
               (SELECT string_agg(a.attname::text, ',' ORDER BY u.i) FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
                JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n) AS ref_columns,
               k.confupdtype::text AS on_update, k.confdeltype::text AS on_delete
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_class r ON r.oid = k.confrelid
        WHERE k.connamespace = current_schema()::regnamespace AND k.contype IN ('p', 'u', 'f')`,
  );
  for (const table of declared) {
    const config = getTableConfig(table);
    const mine: string[] = [];
    const singlePk = config.columns.filter((column) => column.primary);
    if (singlePk.length > 0) mine.push(`p ${config.name}_pkey (${singlePk.map((c) => c.name).join(',')})`);
    for (const pk of config.primaryKeys) mine.push(`p ${pk.getName()} (${pk.columns.map((c) => c.name).join(',')})`);
    for (const u of config.uniqueConstraints) mine.push(`u ${u.getName()} (${u.columns.map((c) => c.name).join(',')})`);
    for (const fk of config.foreignKeys) {
      const ref = fk.reference();
      mine.push(
        `f ${fk.getName()} (${ref.columns.map((c) => c.name).join(',')}) -> ` +
          `${getTableConfig(ref.foreignTable).name}(${ref.foreignColumns.map((c) => c.name).join(',')}) ` +
          `update ${fk.onUpdate ?? 'no action'} delete ${fk.onDelete ?? 'no action'}`,
      );
    }
    const theirs = live
      .filter((k) => k.tbl === config.name)
      .map((k) =>
        k.type === 'f'
          ? `f ${k.name} (${k.columns}) -> ${k.ref_table}(${k.ref_columns}) ` +
            `update ${ACTIONS[k.on_update]} delete ${ACTIONS[k.on_delete]}`
          : `${k.type} ${k.name} (${k.columns})`,
      );
    t.same(mine.sort(), theirs.sort(), `${config.name}: constraints`);
  }
});

t.test('each declared table has the live non-constraint indexes, by name and columns', async (t) => {
  const live = await executeRows<LiveIndex>(
    database.db,
    sql`SELECT t.relname::text AS tbl, i.relname::text AS name,
               (SELECT string_agg(a.attname::text, ',' ORDER BY u.i) FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, i)
                JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n) AS columns
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)`,
  );
  for (const table of declared) {
    const config = getTableConfig(table);
    const mine = config.indexes.map(
      (index) =>
        `${index.config.unique ? 'unique ' : ''}${index.config.name} (${index.config.columns
          .map((c) => (c as PgColumn).name)
          .join(',')})`,
    );
    const theirs = live.filter((x) => x.tbl === config.name).map((x) => `${x.name} (${x.columns})`);
    t.same(mine.sort(), theirs.sort(), `${config.name}: indexes`);
  }
});
