// The first error py-keystone's request validation reports for a body. py-keystone checks bodies with
// jsonschema's Draft4Validator and raises the first error it meets, walking the schema's keywords in the order the
// schema dict lists them; the 400 says "Invalid input for field 'roles/0': {} does not have enough properties".
// This walks a schema the same way and words each failure as jsonschema does. py-keystone's message then goes
// on with a dump of the schema, which clients do not parse; ours stops after the first line.
import { isPlainObject, pyRepr } from '../python/values.js';

type JsonType = 'string' | 'boolean' | 'object' | 'array' | 'null';

/** The Draft 4 keywords the application credential schemas use. */
export interface JsonSchema {
  readonly type?: JsonType | readonly JsonType[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly additionalProperties?: boolean;
}

export interface SchemaFailure {
  /** Where in the instance: property names and array indexes, outermost first. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The message py-keystone's SchemaValidationError carries (its first line). */
export function failureText(failure: SchemaFailure): string {
  return failure.path.length > 0 ? `Invalid input for field '${failure.path.join('/')}': ${failure.message}` : failure.message;
}

export function firstFailure(schema: JsonSchema, instance: unknown): SchemaFailure | undefined {
  return check(schema, instance, []);
}

function check(schema: JsonSchema, instance: unknown, path: (string | number)[]): SchemaFailure | undefined {
  const fail = (message: string): SchemaFailure => ({ path, message });
  // Object.entries keeps the literal's key order, which is the order jsonschema walks the dict in.
  for (const [keyword, value] of Object.entries(schema)) {
    switch (keyword) {
      case 'type': {
        const types = (Array.isArray(value) ? value : [value]) as JsonType[];
        if (!types.some((t) => isType(instance, t))) {
          return fail(`${pyRepr(instance)} is not of type ${types.map((t) => `'${t}'`).join(', ')}`);
        }
        break;
      }
      case 'minLength':
        if (typeof instance === 'string' && codePoints(instance) < (value as number)) return fail(`${pyRepr(instance)} is too short`);
        break;
      case 'maxLength':
        if (typeof instance === 'string' && codePoints(instance) > (value as number)) return fail(`${pyRepr(instance)} is too long`);
        break;
      case 'pattern':
        if (typeof instance === 'string' && !pythonSearch(value as string, instance)) {
          return fail(`${pyRepr(instance)} does not match ${pyRepr(value)}`);
        }
        break;
      case 'items':
        if (Array.isArray(instance)) {
          for (const [index, item] of instance.entries()) {
            const found = check(value as JsonSchema, item, [...path, index]);
            if (found) return found;
          }
        }
        break;
      case 'properties':
        if (isPlainObject(instance)) {
          for (const [name, sub] of Object.entries(value as Record<string, JsonSchema>)) {
            if (!Object.hasOwn(instance, name)) continue;
            const found = check(sub, instance[name], [...path, name]);
            if (found) return found;
          }
        }
        break;
      case 'required':
        if (isPlainObject(instance)) {
          const missing = (value as string[]).find((name) => !Object.hasOwn(instance, name));
          if (missing !== undefined) return fail(`${pyRepr(missing)} is a required property`);
        }
        break;
      case 'minProperties':
        if (isPlainObject(instance) && Object.keys(instance).length < (value as number)) {
          return fail(`${pyRepr(instance)} does not have enough properties`);
        }
        break;
      case 'maxProperties':
        if (isPlainObject(instance) && Object.keys(instance).length > (value as number)) return fail(`${pyRepr(instance)} has too many properties`);
        break;
      case 'additionalProperties':
        if (value === false && isPlainObject(instance)) {
          const known = schema.properties ?? {};
          const extras = Object.keys(instance).filter((k) => !Object.hasOwn(known, k)).sort();
          if (extras.length > 0) {
            const verb = extras.length === 1 ? 'was' : 'were';
            return fail(`Additional properties are not allowed (${extras.map((e) => pyRepr(e)).join(', ')} ${verb} unexpected)`);
          }
        }
        break;
    }
  }
  return undefined;
}

function isType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
  }
}

/** Python's len(): code points, not UTF-16 units. */
function codePoints(text: string): number {
  return [...text].length;
}

/** re.search: unanchored; a final `$` also matches before a trailing newline, as Python's does. */
function pythonSearch(pattern: string, text: string): boolean {
  const source = pattern.endsWith('$') && !pattern.endsWith('\\$') ? `${pattern.slice(0, -1)}(?=\\n?$)` : pattern;
  return new RegExp(source, 'u').test(text);
}
