// SQL for domain-specific configuration: whitelisted options in `whitelisted_config`, sensitive ones (passwords) in
// `sensitive_config`, values as JSON text; `config_register` records which domain holds a driver registration.
import { and, eq, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { configRegister, sensitiveConfig, whitelistedConfig } from '../db/legacy/schema.js';

export interface ConfigOption {
  group: string;
  option: string;
  value: unknown;
  sensitive: boolean;
}

type ConfigTable = typeof whitelistedConfig | typeof sensitiveConfig;

const tableFor = (sensitive: boolean): ConfigTable => (sensitive ? sensitiveConfig : whitelistedConfig);

function where(table: ConfigTable, domainId: string, group?: string, option?: string): SQL | undefined {
  const conditions = [eq(table.domainId, domainId)];
  if (group) {
    conditions.push(eq(table.group, group));
    if (option) conditions.push(eq(table.option, option));
  }
  return and(...conditions);
}

/** Options of one table (whitelisted or sensitive), narrowed to a group and option when given. */
export async function listConfigOptions(
  db: Executor,
  domainId: string,
  filter: { group?: string | undefined; option?: string | undefined; sensitive: boolean },
): Promise<ConfigOption[]> {
  const table = tableFor(filter.sensitive);
  const rows = await db.select().from(table).where(where(table, domainId, filter.group, filter.option));
  return rows.map((r) => ({ group: r.group, option: r.option, value: parseValue(r.value), sensitive: filter.sensitive }));
}

/** Removes options of both tables: all of the domain's, a group's, or one option. */
export async function deleteConfigOptions(db: Executor, domainId: string, group?: string, option?: string): Promise<void> {
  for (const table of [whitelistedConfig, sensitiveConfig]) await db.delete(table).where(where(table, domainId, group, option));
}

export async function insertConfigOptions(db: Executor, domainId: string, options: readonly ConfigOption[]): Promise<void> {
  for (const o of options) {
    await db.insert(tableFor(o.sensitive)).values({ domainId, group: o.group, option: o.option, value: JSON.stringify(o.value) });
  }
}

export async function releaseConfigRegistrations(db: Executor, domainId: string): Promise<void> {
  await db.delete(configRegister).where(eq(configRegister.domainId, domainId));
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
