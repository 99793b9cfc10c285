// How py-keystone lists unified limits: exact and case-insensitive filters in SQL, the case-sensitive inexact ones
// afterwards on the rendered refs (filter_by_attributes); the list limit is [unified_limit] list_limit, else
// [DEFAULT] list_limit. The driver cuts the list at that limit only when SQL satisfied every filter; otherwise the
// API cuts it after filtering. Either way a cut list says `truncated`.
import type { KeystoneConfig } from '../config/schema.js';
import { filterRefs, partitionFilters } from '../catalog/list-filters.js';
import { buildHints, type Filter } from '../server/v3/hints.js';
import type { Ref } from './render.js';

export interface ListPlan {
  /** Filters the store applies. */
  readonly inSql: Filter[];
  /** Filters applied to the refs afterwards. */
  readonly inMemory: Filter[];
  /** The list limit, if any. */
  readonly limit: number | undefined;
}

export interface Listed<T> {
  readonly rows: T[];
  readonly truncated: boolean;
}

/** py-keystone's UnifiedLimitDriverBase._get_list_limit: Python's `or`, so 0 means "not set". */
export function unifiedListLimit(config: KeystoneConfig): number | undefined {
  return config.unified_limit.list_limit || config.DEFAULT.list_limit || undefined;
}

export function planList(query: Record<string, unknown>, supported: readonly string[], config: KeystoneConfig, extra: Filter[] = []): ListPlan {
  const { inSql, inMemory } = partitionFilters([...buildHints(query, supported), ...extra], supported);
  return { inSql, inMemory, limit: unifiedListLimit(config) };
}

/** The store's answer, cut at the limit when the store could apply every filter (it is asked for one row more). */
export async function fetchRows<T>(plan: ListPlan, fetch: (max?: number) => Promise<T[]>): Promise<Listed<T>> {
  if (plan.limit === undefined || plan.inMemory.length > 0) return { rows: await fetch(), truncated: false };
  const rows = await fetch(plan.limit + 1);
  return rows.length > plan.limit ? { rows: rows.slice(0, plan.limit), truncated: true } : { rows, truncated: false };
}

/** The remaining filters, then the limit if the store did not already apply it. */
export function finishList(plan: ListPlan, listed: Listed<Ref>): Listed<Ref> {
  const rows = filterRefs(listed.rows, plan.inMemory);
  if (listed.truncated || plan.limit === undefined || rows.length <= plan.limit) return { rows, truncated: listed.truncated };
  return { rows: rows.slice(0, plan.limit), truncated: true };
}

/** The query filters py-keystone hands to policy as `filter_attr`: the first value of each one present. */
export function filterAttributes(query: Record<string, unknown>, supported: readonly string[]): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const name of supported) {
    const value = query[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') attrs[name] = first;
  }
  return attrs;
}
