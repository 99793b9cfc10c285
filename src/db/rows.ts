// `db.execute(sql...)` answers differently per driver (postgres.js: the rows array; PGlite: `{ rows }`);
// this is the one place that knows, so raw queries read the same on both engines.
import type { SQLWrapper } from 'drizzle-orm';
import type { Executor } from './connection.js';

export async function executeRows<T extends object>(executor: Executor, query: SQLWrapper): Promise<T[]> {
  const result: unknown = await executor.execute(query);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
