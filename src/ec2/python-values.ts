// How Python treats the JSON values of an EC2/S3 token request. py-keystone reads that body with plain dict
// look-ups, `in` tests and str() conversions, never a schema, so a value of an unexpected type fails the way
// Python fails: a TypeError becomes a 400 carrying Python's own text (keystone's flask error handler does that),
// and any other exception (KeyError, AttributeError, ...) is a 500 there. keystone-ts answers those with a 400
// that names what was wrong (docs/api/ec2.md).
import { ValidationError } from '../errors.js';
import { isPlainObject, pyTypeName } from '../python/values.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A dict, typed as the JSON it was decoded from. */
export const isObject = isPlainObject as (value: unknown) => value is JsonObject;

/** A Python TypeError: py-keystone answers it with a 400 whose message is the exception text. */
export function typeError(message: string): ValidationError {
  return new ValidationError(message);
}

/** An exception py-keystone does not handle (a 500 there); here a 400 saying what was wrong. */
export function malformed(what: string): ValidationError {
  return new ValidationError(`Invalid EC2 credentials: ${what}.`);
}

const MISSING = Symbol('missing');

/**
 * `container[key]` with a text key: the member of a dict (or `missing` for a KeyError), Python's TypeError for
 * the types that cannot be indexed by text.
 */
export function subscript(container: unknown, key: string): Json | typeof MISSING {
  if (isObject(container)) return Object.hasOwn(container, key) ? container[key]! : MISSING;
  if (typeof container === 'string') throw typeError("string indices must be integers, not 'str'");
  if (Array.isArray(container)) throw typeError('list indices must be integers or slices, not str');
  throw typeError(`'${pyTypeName(container)}' object is not subscriptable`);
}

export function isMissing(value: unknown): value is typeof MISSING {
  return value === MISSING;
}

/** `container[key]` where py-keystone does not catch the KeyError. */
export function required(container: unknown, key: string, where: string): Json {
  const value = subscript(container, key);
  if (isMissing(value)) throw malformed(`${where} has no '${key}'`);
  return value;
}

/** `dict.get(key)`: undefined when absent (Python's None default); a non-dict has no `get`. */
export function dictGet(container: unknown, key: string, where: string): Json | undefined {
  if (!isObject(container)) throw malformed(`${where} is not an object`);
  return Object.hasOwn(container, key) ? container[key] : undefined;
}

/** `needle in container` for a text needle. */
export function pyContains(container: unknown, needle: string): boolean {
  if (typeof container === 'string') return container.includes(needle);
  if (Array.isArray(container)) return container.some((v) => v === needle);
  if (isObject(container)) return Object.hasOwn(container, needle);
  throw typeError(`argument of type '${pyTypeName(container)}' is not iterable`);
}

/** A value that must be text (a method call on it would fail otherwise). */
export function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw malformed(`${what} is not a string`);
  return value;
}

/** UTF-8 bytes of text; Python cannot encode a lone surrogate (a 500 in py-keystone). */
export function utf8(value: string, what: string): Buffer {
  if (/\p{Surrogate}/u.test(value)) throw malformed(`${what} is not valid Unicode`);
  return Buffer.from(value, 'utf8');
}

/** Python's `str1 < str2`: code point order (JavaScript compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Python's str.isspace() set, which differs from JavaScript's \s (U+001C..U+001F and U+0085 yes, U+FEFF no). */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

/** str.strip() with no argument. */
export function pyStrip(value: string): string {
  return value.replace(PY_STRIP, '');
}
