// The part of JSON Schema (draft 4) py-keystone's catalog request schemas use, validated as py-keystone's
// SchemaValidator does with jsonschema 4.10: the first error in schema order is reported (the object's type, then
// each property in the order the schema lists them, each keyword in its order, then `required`, then
// `minProperties`), in jsonschema's own words, prefixed with "Invalid input for field '<name>': " for a property.
// jsonschema's message goes on with a dump of the failing schema and value; that dump is not reproduced (clients
// do not parse it).
import { ValidationError } from '../errors.js';
import { pyRepr } from '../python/values.js';

export type JsonType = 'string' | 'boolean' | 'object' | 'null' | 'array' | 'number' | 'integer';

export interface PropertySchema {
  readonly type: JsonType | readonly JsonType[];
  readonly enum?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  /** The pattern as py-keystone spells it (for the message) and an equivalent JS expression (for the test). */
  readonly pattern?: { readonly python: string; readonly js: RegExp };
}

export interface ObjectSchema {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, PropertySchema>>;
  readonly required?: readonly string[];
  readonly minProperties?: number;
}

/** Throws Keystone's 400 for the first error; returns the value, now known to be an object. */
export function validateObject(schema: ObjectSchema, instance: unknown): Record<string, unknown> {
  const message = firstError(schema, instance);
  if (message !== undefined) throw new ValidationError(message);
  return instance as Record<string, unknown>;
}

function firstError(schema: ObjectSchema, instance: unknown): string | undefined {
  if (!isType(instance, 'object')) return `${pyRepr(instance)} is not of type 'object'`;
  const object = instance as Record<string, unknown>;
  for (const [property, sub] of Object.entries(schema.properties)) {
    if (!Object.hasOwn(object, property)) continue;
    const message = propertyError(sub, object[property]);
    if (message !== undefined) return `Invalid input for field '${property}': ${message}`;
  }
  for (const property of schema.required ?? []) {
    if (!Object.hasOwn(object, property)) return `${pyRepr(property)} is a required property`;
  }
  if (schema.minProperties !== undefined && Object.keys(object).length < schema.minProperties) {
    return `${pyRepr(object)} does not have enough properties`;
  }
  return undefined;
}

/** Keywords in the order py-keystone's property schemas list them: type, enum, minLength, maxLength, pattern. */
function propertyError(schema: PropertySchema, value: unknown): string | undefined {
  const types: readonly JsonType[] = typeof schema.type === 'string' ? [schema.type] : schema.type;
  if (!types.some((t) => isType(value, t))) return `${pyRepr(value)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`;
  if (schema.enum && !schema.enum.some((e) => e === value)) return `${pyRepr(value)} is not one of ${pyRepr(schema.enum)}`;
  if (typeof value !== 'string') return undefined;
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) return `${pyRepr(value)} is too short`;
  if (schema.maxLength !== undefined && length > schema.maxLength) return `${pyRepr(value)} is too long`;
  if (schema.pattern && !schema.pattern.js.test(value)) return `${pyRepr(value)} does not match ${pyRepr(schema.pattern.python)}`;
  return undefined;
}

/** jsonschema's draft-4 type checker: booleans are not numbers, integers are whole numbers. */
function isType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
  }
}
