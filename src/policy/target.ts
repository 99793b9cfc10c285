// The policy dict a rule's `%(...)s` substitutions read. py-keystone (Debian's Zed build) assembles it in
// RBACEnforcer.enforce_call from the URL's view args, the target object under `target`, the JSON body under
// `request_body` and query filters under `filter_attr` (both namespaced so a client cannot overwrite trusted
// keys), then flattens nested dicts into dotted keys: {"target": {"user": {"domain_id": "d"}}} is read by a
// rule as %(target.user.domain_id)s.
import { isPlainObject } from '../python/values.js';

export type PolicyDict = Readonly<Record<string, unknown>>;

/** A flattened policy dict: dotted keys, no prototype, so `%(constructor)s` finds nothing. */
export type FlatTarget = Readonly<Record<string, unknown>>;

export interface PolicyDictParts {
  /** Path parameters of the route, e.g. { user_id: '...' }. */
  readonly viewArgs?: Readonly<Record<string, unknown>>;
  /** The object acted on, e.g. { user: storedUser }; becomes `target`. */
  readonly target?: Readonly<Record<string, unknown>>;
  /** The parsed JSON request body; kept only when non-empty, as py-keystone does. */
  readonly requestBody?: unknown;
  /** Query parameters the route declares as policy filters; kept only when non-empty. */
  readonly filters?: Readonly<Record<string, unknown>>;
}

/** Assembles the policy dict in py-keystone's order: view args, then target, request_body, filter_attr. */
export function buildPolicyDict(parts: PolicyDictParts): Record<string, unknown> {
  const dict: Record<string, unknown> = { ...parts.viewArgs };
  if (parts.target !== undefined) dict.target = parts.target;
  if (isNonEmpty(parts.requestBody)) dict.request_body = parts.requestBody;
  if (parts.filters && Object.keys(parts.filters).length > 0) dict.filter_attr = parts.filters;
  return dict;
}

/**
 * keystone.common.utils.flatten_dict: nested plain objects become dotted keys, everything else (lists
 * included) is a value. An empty nested object leaves no key; a later key wins over an earlier equal one.
 * Flattening an already flat dict returns the same keys, so callers may pass either form.
 */
export function flattenPolicyDict(dict: PolicyDict): FlatTarget {
  const flat: Record<string, unknown> = Object.create(null);
  flattenInto(flat, dict, '');
  return flat;
}

function flattenInto(flat: Record<string, unknown>, dict: PolicyDict, prefix: string): void {
  for (const key of Object.keys(dict)) {
    const value = dict[key];
    const flatKey = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value)) flattenInto(flat, value, flatKey);
    else flat[flatKey] = value;
  }
}

/** Python truthiness of a JSON value (what `if json_input:` sees). */
function isNonEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
