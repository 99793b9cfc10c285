// Where py-keystone applies a list filter, and with what semantics. Its SQL layer takes exact filters and the
// case-insensitive inexact ones (ILIKE, the value used as is: `_` and `%` stay wildcards) on real columns; every
// other filter (case-sensitive inexact ones, and any on an attribute kept in `extra`) is applied afterwards by
// filter_by_attributes on the refs, in Python: there `x__contains` on a null value is a TypeError, which
// py-keystone answers as a 400 carrying Python's message.
import { ValidationError } from '../errors.js';
import { isPlainObject, pyTypeName } from '../python/values.js';
import { queryBoolean, type Filter } from '../server/v3/hints.js';

export function partitionFilters(filters: readonly Filter[], columns: readonly string[]): { inSql: Filter[]; inMemory: Filter[] } {
  const inSql: Filter[] = [];
  const inMemory: Filter[] = [];
  for (const f of filters) {
    const sqlable = columns.includes(f.name) && (f.comparator === 'equals' || !f.caseSensitive);
    (sqlable ? inSql : inMemory).push(f);
  }
  return { inSql, inMemory };
}

/** filter_by_attributes: exact filters on the flattened ref, inexact ones on present attributes only. */
export function filterRefs<T extends Record<string, unknown>>(refs: T[], filters: readonly Filter[]): T[] {
  let rows = refs;
  for (const f of filters) rows = rows.filter((ref) => (f.comparator === 'equals' ? exactMatch(ref, f) : inexactMatch(ref, f)));
  return rows;
}

function exactMatch(ref: Record<string, unknown>, f: Filter): boolean {
  const actual = flatLookup(ref, f.name);
  if (typeof actual === 'boolean') return actual === queryBoolean(f.value);
  return actual === f.value;
}

function inexactMatch(ref: Record<string, unknown>, f: Filter): boolean {
  if (!Object.hasOwn(ref, f.name)) return false;
  const actual = ref[f.name];
  if (typeof actual !== 'string') return nonStringMatch(actual, f);
  const target = f.caseSensitive ? actual : actual.toLowerCase();
  const value = f.caseSensitive ? f.value : f.value.toLowerCase();
  if (f.comparator === 'contains') return target.includes(value);
  if (f.comparator === 'startswith') return target.startsWith(value);
  return target.endsWith(value);
}

/**
 * What Python does with a value that is not a string: `in` tests membership of a list or the keys of a dict and
 * raises TypeError for anything else; lower(), startswith() and endswith() exist on strings only. py-keystone
 * answers the TypeError with a 400 and the missing method with a 500; both are a 400 here.
 */
function nonStringMatch(actual: unknown, f: Filter): boolean {
  if (f.caseSensitive && f.comparator === 'contains') {
    if (Array.isArray(actual)) return actual.includes(f.value);
    if (actual !== null && typeof actual === 'object') return Object.hasOwn(actual, f.value);
    throw new ValidationError(`argument of type '${pyTypeName(actual)}' is not iterable`);
  }
  const method = f.caseSensitive ? f.comparator : 'lower';
  throw new ValidationError(`'${pyTypeName(actual)}' object has no attribute '${method}'`);
}

/** keystone.common.utils.flatten_dict then .get(name): nested objects become dotted names, and leave no key. */
function flatLookup(ref: Record<string, unknown>, name: string): unknown {
  return flatten(ref, '').get(name);
}

function flatten(ref: Record<string, unknown>, prefix: string, into = new Map<string, unknown>()): Map<string, unknown> {
  for (const [key, value] of Object.entries(ref)) {
    if (isPlainObject(value)) flatten(value, `${prefix}${key}.`, into);
    else into.set(`${prefix}${key}`, value);
  }
  return into;
}
