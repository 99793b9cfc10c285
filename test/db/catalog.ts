// A comparable picture of everything in the connection's current schema, read from pg_catalog: tables and their
// columns (order, type, nullability, default, collation), constraints, indexes, sequences, enum types,
// functions and triggers — and, separately, every row. Two databases with equal snapshots are, for py-keystone
// and for keystone-ts, the same database.
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../src/db/connection.js';
import { executeRows } from '../../src/db/rows.js';

export interface ColumnSnapshot {
  position: number;
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  collation: string | null;
  identity: string;
  generated: string;
}

export interface TableSnapshot {
  kind: string;
  persistence: string;
  columns: ColumnSnapshot[];
  /** name -> `contype: definition` */
  constraints: Record<string, string>;
  /** name -> CREATE INDEX statement */
  indexes: Record<string, string>;
  /** name -> CREATE TRIGGER statement */
  triggers: Record<string, string>;
}

export interface CatalogSnapshot {
  tables: Record<string, TableSnapshot>;
  sequences: Record<string, string>;
  enums: Record<string, string[]>;
  /** Types other than enums and the row/array types tables bring. */
  otherTypes: string[];
  functions: Record<string, string>;
}

async function rows(executor: Executor, query: SQL): Promise<Record<string, string | null>[]> {
  return executeRows<Record<string, string | null>>(executor, query);
}

const NS = sql`current_schema()::regnamespace`;

export async function catalogSnapshot(executor: Executor): Promise<CatalogSnapshot> {
  const tables: Record<string, TableSnapshot> = {};
  for (const r of await rows(
    executor,
    sql`SELECT relname::text AS name, relkind::text AS kind, relpersistence::text AS persistence
        FROM pg_class WHERE relnamespace = ${NS} AND relkind IN ('r', 'p', 'v', 'm', 'f')`,
  )) {
    tables[r.name!] = { kind: r.kind!, persistence: r.persistence!, columns: [], constraints: {}, indexes: {}, triggers: {} };
  }
  const table = (name: string | null | undefined): TableSnapshot => {
    const found = tables[name!];
    if (!found) throw new Error(`no table ${name}`);
    return found;
  };

  for (const r of await rows(
    executor,
    sql`SELECT c.relname::text AS tbl, a.attnum::text AS position, a.attname::text AS name,
               format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull::text AS not_null,
               pg_get_expr(d.adbin, d.adrelid) AS def, co.collname::text AS collation,
               a.attidentity::text AS identity, a.attgenerated::text AS generated
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
        WHERE c.relnamespace = ${NS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum`,
  )) {
    table(r.tbl).columns.push({
      position: Number(r.position),
      name: r.name!,
      type: r.type!,
      notNull: r.not_null === 'true',
      default: r.def ?? null,
      collation: r.collation ?? null,
      identity: r.identity ?? '',
      generated: r.generated ?? '',
    });
  }

  for (const r of await rows(
    executor,
    sql`SELECT conrelid::regclass::text AS tbl, conname::text AS name, contype::text AS type,
               pg_get_constraintdef(oid) AS def, condeferrable::text AS deferrable, condeferred::text AS deferred
        FROM pg_constraint WHERE connamespace = ${NS} AND conrelid <> 0`,
  )) {
    table(unquote(r.tbl)).constraints[r.name!] =
      `${r.type}: ${r.def}${r.deferrable === 'true' ? ' DEFERRABLE' : ''}${r.deferred === 'true' ? ' INITIALLY DEFERRED' : ''}`;
  }

  for (const r of await rows(
    executor,
    sql`SELECT t.relname::text AS tbl, i.relname::text AS name, pg_get_indexdef(x.indexrelid) AS def
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = ${NS}`,
  )) {
    table(r.tbl).indexes[r.name!] = r.def!;
  }

  for (const r of await rows(
    executor,
    sql`SELECT c.relname::text AS tbl, tg.tgname::text AS name, pg_get_triggerdef(tg.oid) AS def
        FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
        WHERE c.relnamespace = ${NS} AND NOT tg.tgisinternal`,
  )) {
    table(r.tbl).triggers[r.name!] = r.def!;
  }

  const sequences: Record<string, string> = {};
  for (const r of await rows(
    executor,
    sql`SELECT c.relname::text AS name,
               concat_ws(' ', format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                         s.seqcache, s.seqcycle::text, 'owned by', (
                           SELECT d.refobjid::regclass::text || '.' || a.attname
                           FROM pg_depend d
                           JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                           WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.deptype IN ('a', 'i')
                         )) AS def
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = ${NS}`,
  )) {
    sequences[r.name!] = r.def!;
  }

  const enums: Record<string, string[]> = {};
  for (const r of await rows(
    executor,
    sql`SELECT t.typname::text AS name, string_agg(e.enumlabel::text, ',' ORDER BY e.enumsortorder) AS labels
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = ${NS} GROUP BY t.typname`,
  )) {
    enums[r.name!] = r.labels!.split(',');
  }

  const otherTypes = (
    await rows(
      executor,
      sql`SELECT t.typname::text AS name FROM pg_type t
          WHERE t.typnamespace = ${NS} AND t.typtype NOT IN ('e', 'c') AND t.typelem = 0`,
    )
  ).map((r) => r.name!);

  const functions: Record<string, string> = {};
  for (const r of await rows(
    executor,
    sql`SELECT p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS name,
               pg_get_functiondef(p.oid) AS def
        FROM pg_proc p WHERE p.pronamespace = ${NS}`,
  )) {
    functions[r.name!] = r.def!;
  }

  return { tables, sequences, enums, otherTypes: otherTypes.sort(), functions };
}

/** Every row of every table in the current schema, as sorted JSON text per table. */
export async function tableContents(executor: Executor): Promise<Record<string, string>> {
  const names = await rows(
    executor,
    sql`SELECT relname::text AS name FROM pg_class WHERE relnamespace = ${NS} AND relkind = 'r' ORDER BY 1`,
  );
  const contents: Record<string, string> = {};
  for (const { name } of names) {
    const [r] = await rows(
      executor,
      sql`SELECT coalesce(json_agg(x ORDER BY x::text), '[]')::text AS rows FROM ${sql.identifier(name!)} x`,
    );
    contents[name!] = r?.rows ?? '[]';
  }
  return contents;
}

function unquote(name: string | null | undefined): string {
  return (name ?? '').replace(/^"(.*)"$/, '$1');
}
