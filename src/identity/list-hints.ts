// How py-keystone's SQL driver splits list filters (keystone/common/sql/core.py _filter): exact filters on a
// model column and case-insensitive inexact ones (ILIKE) are satisfied in SQL; case-sensitive inexact filters
// are left to the API layer, which applies them to the rendered entities.
import type { Filter } from '../server/v3/hints.js';

export interface SplitHints {
  /** Exact values per column, each one an AND-ed condition. */
  readonly exact: ReadonlyMap<string, readonly string[]>;
  readonly likes: readonly { column: string; pattern: string }[];
  /** Filters for applyHints on the rendered entities. */
  readonly rendered: readonly Filter[];
}

export function splitHints(filters: readonly Filter[], sqlColumns: readonly string[]): SplitHints {
  const exact = new Map<string, string[]>();
  const likes: { column: string; pattern: string }[] = [];
  const rendered: Filter[] = [];
  for (const f of filters) {
    if (!sqlColumns.includes(f.name)) rendered.push(f);
    else if (f.comparator === 'equals') exact.set(f.name, [...(exact.get(f.name) ?? []), f.value]);
    else if (!f.caseSensitive) likes.push({ column: f.name, pattern: likePattern(f) });
    else rendered.push(f);
  }
  return { exact, likes, rendered };
}

function likePattern(f: Filter): string {
  if (f.comparator === 'startswith') return `${f.value}%`;
  if (f.comparator === 'endswith') return `%${f.value}`;
  return `%${f.value}%`;
}

/** The query values py-keystone hands to policy as `filter_attr`: the first value of each supported filter. */
export function filterValues(query: Record<string, unknown>, supported: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of supported) {
    const raw = query[name];
    const first = Array.isArray(raw) ? raw[0] : raw;
    if (typeof first === 'string') values[name] = first;
  }
  return values;
}

/** The first `limit` entities, and whether there were more (py-keystone's `truncated`). */
export function truncate<T>(refs: readonly T[], limit: number | undefined): { refs: T[]; truncated: boolean } {
  if (limit === undefined || refs.length <= limit) return { refs: [...refs], truncated: false };
  return { refs: refs.slice(0, limit), truncated: true };
}
