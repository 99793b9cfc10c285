// List filters from the query string, read as py-keystone's build_driver_hints reads them: `name=x` is an exact
// filter on a supported attribute, `name__contains=x` (also startswith, endswith, and the case-insensitive
// icontains, istartswith, iendswith) an inexact one. Query keys that are not supported filters are ignored.

export type Comparator = 'equals' | 'contains' | 'startswith' | 'endswith';

export interface Filter {
  readonly name: string;
  readonly value: string;
  readonly comparator: Comparator;
  readonly caseSensitive: boolean;
}

const INEXACT = new Set(['contains', 'startswith', 'endswith']);

export function buildHints(query: Record<string, unknown>, supported: readonly string[]): Filter[] {
  const filters: Filter[] = [];
  for (const [key, raw] of Object.entries(query)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (typeof value !== 'string') continue;
      if (supported.includes(key)) {
        filters.push({ name: key, value, comparator: 'equals', caseSensitive: true });
        continue;
      }
      const [base, op] = splitOnce(key, '__');
      if (!op || !supported.includes(base)) continue;
      const caseSensitive = !op.startsWith('i');
      const comparator = caseSensitive ? op : op.slice(1);
      // py-keystone keeps unknown comparators and then lets everything through; so do we, by dropping them.
      if (INEXACT.has(comparator)) filters.push({ name: base, value, comparator: comparator as Comparator, caseSensitive });
    }
  }
  return filters;
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i === -1 ? [text, undefined] : [text.slice(0, i), text.slice(i + sep.length)];
}

/**
 * Applies filters to rendered entities as py-keystone's filter_by_attributes does: an exact filter compares the
 * (flattened) attribute, booleans compared to the filter read as a boolean; inexact filters work on strings.
 */
export function applyHints<T extends Record<string, unknown>>(refs: T[], filters: readonly Filter[]): T[] {
  return filters.reduce((rows, f) => rows.filter((r) => matches(r, f)), refs);
}

function matches(ref: Record<string, unknown>, f: Filter): boolean {
  const actual = f.name.includes('.') ? lookupPath(ref, f.name) : ref[f.name];
  if (f.comparator === 'equals') {
    if (typeof actual === 'boolean') return actual === queryBoolean(f.value);
    return actual === f.value;
  }
  if (typeof actual !== 'string') return false;
  const target = f.caseSensitive ? actual : actual.toLowerCase();
  const value = f.caseSensitive ? f.value : f.value.toLowerCase();
  if (f.comparator === 'contains') return target.includes(value);
  if (f.comparator === 'startswith') return target.startsWith(value);
  return target.endsWith(value);
}

function lookupPath(ref: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), ref);
}

/** py-keystone's attr_as_boolean / query_filter_is_true: '0', 'false', 'no', 'off', 'f', 'n' are false. */
export function queryBoolean(value: string | undefined): boolean {
  if (value === undefined) return false;
  return !['0', 'false', 'no', 'off', 'f', 'n'].includes(value.trim().toLowerCase());
}
