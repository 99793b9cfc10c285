// Zod builders for request bodies that py-keystone checks with JSON Schema (Draft 4, via jsonschema), and the
// check itself. Each builder words its failures as jsonschema does, and validateRequest reports the error
// jsonschema would raise first, so a bad body gets the 400 py-keystone gives: "Invalid input for field 'name':
// 1 is not of type 'string'". (py-keystone appends jsonschema's dump of the whole schema; we stop at that line.)
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { pyRepr } from '../python/values.js';

type JsonType = 'string' | 'boolean' | 'object' | 'array';

/** `1 is not of type 'string', 'null'`; undefined input is a missing property, worded by validateRequest. */
function typeError(type: JsonType, nullable: boolean) {
  const names = (nullable ? [type, 'null'] : [type]).map((t) => `'${t}'`).join(', ');
  return (issue: { input?: unknown }) => (issue.input === undefined ? undefined : `${pyRepr(issue.input)} is not of type ${names}`);
}

const tooShort = (issue: { input?: unknown }) => `${pyRepr(issue.input)} is too short`;
const tooLong = (issue: { input?: unknown }) => `${pyRepr(issue.input)} is too long`;

export interface StringRules {
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** Also accepts null (py-keystone's validation.nullable). */
  nullable?: boolean;
}

export function jsString(opts?: StringRules & { nullable?: false }): z.ZodString;
export function jsString(opts: StringRules & { nullable: true }): z.ZodNullable<z.ZodString>;
export function jsString(opts: StringRules = {}): z.ZodString | z.ZodNullable<z.ZodString> {
  let schema = z.string({ error: typeError('string', opts.nullable ?? false) });
  if (opts.minLength !== undefined) schema = schema.min(opts.minLength, { error: tooShort });
  if (opts.maxLength !== undefined) schema = schema.max(opts.maxLength, { error: tooLong });
  if (opts.pattern !== undefined) {
    const pattern = opts.pattern;
    // JSON Schema patterns are searched for, not anchored, exactly like a JS RegExp test.
    schema = schema.regex(new RegExp(pattern), {
      error: (issue) => `${pyRepr(issue.input)} does not match ${pyRepr(pattern)}`,
    });
  }
  return opts.nullable ? schema.nullable() : schema;
}

export function jsBoolean(opts?: { nullable?: false }): z.ZodBoolean;
export function jsBoolean(opts: { nullable: true }): z.ZodNullable<z.ZodBoolean>;
export function jsBoolean(opts: { nullable?: boolean } = {}): z.ZodBoolean | z.ZodNullable<z.ZodBoolean> {
  const schema = z.boolean({ error: typeError('boolean', opts.nullable ?? false) });
  return opts.nullable ? schema.nullable() : schema;
}

/** jsonschema's uniqueItems, for arrays of JSON values. */
function unique(items: readonly unknown[]): boolean {
  return new Set(items.map((i) => JSON.stringify(i))).size === items.length;
}

interface ArrayRules {
  minItems?: number;
  uniqueItems?: boolean;
}

export function jsArray<T extends z.ZodType>(item: T, opts?: ArrayRules & { nullable?: false }): z.ZodArray<T>;
export function jsArray<T extends z.ZodType>(item: T, opts: ArrayRules & { nullable: true }): z.ZodNullable<z.ZodArray<T>>;
export function jsArray<T extends z.ZodType>(
  item: T,
  opts: ArrayRules & { nullable?: boolean } = {},
): z.ZodArray<T> | z.ZodNullable<z.ZodArray<T>> {
  let schema = z.array(item, { error: typeError('array', opts.nullable ?? false) });
  if (opts.minItems !== undefined) schema = schema.min(opts.minItems, { error: tooShort });
  const checked = opts.uniqueItems
    ? schema.refine(unique, { error: (issue) => `${pyRepr(issue.input)} has non-unique elements` })
    : schema;
  return opts.nullable ? checked.nullable() : checked;
}

function unexpected(keys: readonly string[]): string {
  const verb = keys.length === 1 ? 'was' : 'were';
  return `Additional properties are not allowed (${keys.map((k) => pyRepr(k)).join(', ')} ${verb} unexpected)`;
}

const objectError = (issue: { code?: string; input?: unknown; keys?: readonly string[] }) =>
  issue.code === 'unrecognized_keys' ? unexpected(issue.keys ?? []) : typeError('object', false)(issue);

/** An object whose unknown properties are kept (additionalProperties: true). */
export function jsOpenObject<S extends z.ZodRawShape>(shape: S) {
  return z.looseObject(shape, { error: objectError });
}

/** An object that refuses unknown properties (additionalProperties: false). */
export function jsClosedObject<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape, { error: objectError });
}

/** minProperties: 1, as py-keystone's update schemas require. */
export function nonEmpty<T extends z.ZodType<Record<string, unknown>>>(schema: T) {
  return schema.refine((value) => Object.keys(value).length > 0, {
    error: (issue) => `${pyRepr(issue.input)} does not have enough properties`,
  });
}

/**
 * Validates as py-keystone's validation.lazy_validate does and returns the value, or throws the 400 for the
 * error jsonschema meets first: it checks an object's type, then its properties in schema order, then
 * `required`, then `minProperties`, then `additionalProperties`.
 */
export function validateRequest<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => describe(issue, value));
  issues.sort((a, b) => a.phase - b.phase);
  throw new ValidationError(issues[0]!.message);
}

interface Described {
  phase: number;
  message: string;
}

function describe(issue: z.core.$ZodIssue, root: unknown): Described {
  const path = issue.path.map(String);
  const parent = valueAt(root, issue.path.slice(0, -1));
  const key = issue.path.at(-1);
  const missing =
    issue.code === 'invalid_type' &&
    key !== undefined &&
    parent !== null &&
    typeof parent === 'object' &&
    !Object.prototype.hasOwnProperty.call(parent, key);
  if (missing) {
    return { phase: path.length === 1 ? 2 : 1, message: withField(path.slice(0, -1), `${pyRepr(String(key))} is a required property`) };
  }
  let phase = 1;
  if (path.length === 0) {
    if (issue.code === 'invalid_type') phase = 0;
    else if (issue.code === 'unrecognized_keys') phase = 4;
    else phase = 3;
  }
  return { phase, message: withField(path, issue.message) };
}

function withField(path: string[], message: string): string {
  return path.length === 0 ? message : `Invalid input for field '${path.join('/')}': ${message}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
