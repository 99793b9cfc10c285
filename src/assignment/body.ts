// Body validation as py-keystone's SchemaValidator reports it: a 400 whose message is jsonschema's first line for
// the first failing field ("Invalid input for field 'name': 123 is not of type 'string'"). py-keystone goes on
// with a dump of its JSON schema, which clients do not parse; that tail is left out.
import type { z } from 'zod';
import { ValidationError } from '../errors.js';
import { isPlainObject } from '../python/values.js';

/** The member of a JSON body py-keystone reads with `body.get(key, {})`. */
export function bodyMember(body: unknown, key: string): unknown {
  return isPlainObject(body) && key in body ? body[key] : {};
}

export function validateBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String);
  const detail = describe(issue, path);
  if (detail.missing) throw new ValidationError(detail.text);
  throw new ValidationError(path.length ? `Invalid input for field '${path.join('/')}': ${detail.text}` : detail.text);
}

function describe(issue: z.core.$ZodIssue, path: string[]): { text: string; missing?: boolean } {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return { text: `'${path.at(-1) ?? ''}' is a required property`, missing: true };
      if (issue.message.startsWith(TYPE_ERROR)) return { text: issue.message.slice(TYPE_ERROR.length) };
      return { text: `${pyRepr(input)} is not of type '${jsonType(issue.expected)}'` };
    case 'too_small':
      return { text: `${pyRepr(input)} is too short` };
    case 'too_big':
      return { text: `${pyRepr(input)} is too long` };
    case 'invalid_format':
      return { text: `${pyRepr(input)} does not match '[\\\\S]+'` };
    case 'unrecognized_keys':
      return { text: `Additional properties are not allowed (${issue.keys.map((k) => `'${k}'`).join(', ')} ${issue.keys.length === 1 ? 'was' : 'were'} unexpected)` };
    case 'invalid_union':
      return { text: `${pyRepr(input)} is not valid` };
    default:
      return { text: `${pyRepr(input)} ${issue.message}` };
  }
}

const TYPE_ERROR = 'type error: ';

/**
 * For a schema whose JSON type is a list (a nullable option is ['boolean', 'null']): the type error jsonschema
 * prints for it, e.g. `z.boolean(jsonTypes('boolean', 'null')).nullable()`.
 */
export function jsonTypes(...types: string[]) {
  return {
    error: (issue: { code?: string; input?: unknown }) =>
      issue.code === 'invalid_type' && issue.input !== undefined
        ? `${TYPE_ERROR}${pyRepr(issue.input)} is not of type ${types.map((t) => `'${t}'`).join(', ')}`
        : undefined,
  };
}

function jsonType(expected: string): string {
  if (expected === 'nonoptional') return 'object';
  return expected === 'record' ? 'object' : expected;
}

/** Python's repr of a JSON value, as jsonschema prints the failing instance. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}
