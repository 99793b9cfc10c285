// The Draft 4 keywords keystone/limit/schema.py uses, checked as py-keystone's SchemaValidator checks them with
// jsonschema 4.10: keywords in the order the schema lists them (jsonschema walks the schema dict in order, so a
// schema written here keeps py-keystone's key order), array items one after the other, and the first error is the
// one reported, in jsonschema's words, prefixed "Invalid input for field '<path>': " when it is below the root.
// jsonschema's message goes on with a dump of the failing schema and value; clients do not parse it, so it is
// not reproduced.
import { ValidationError } from '../errors.js';
import { pyRepr } from '../python/values.js';

type JsonType = 'string' | 'integer' | 'object' | 'array' | 'null';

/** A JSON Schema over the keywords below; key order matters (see above). */
export interface Schema {
  readonly type?: JsonType | readonly JsonType[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: false;
  readonly required?: readonly string[];
  readonly oneOf?: readonly Schema[];
  readonly items?: Schema;
  readonly minItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Python's spelling (for the message) and a JS expression that matches what Python's re.search matches. */
  readonly pattern?: { readonly python: string; readonly js: RegExp };
  readonly minimum?: number;
  readonly maximum?: number;
}

interface Failure {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Throws Keystone's 400 for the first error jsonschema would raise; returns the value otherwise. */
export function validate(schema: Schema, instance: unknown): unknown {
  const failure = firstFailure(schema, instance, []);
  if (failure) {
    const path = failure.path.map(String).join('/');
    throw new ValidationError(path ? `Invalid input for field '${path}': ${failure.message}` : failure.message);
  }
  return instance;
}

function firstFailure(schema: Schema, instance: unknown, path: readonly (string | number)[]): Failure | undefined {
  for (const keyword of Object.keys(schema) as (keyof Schema)[]) {
    const message = KEYWORDS[keyword](schema, instance, path);
    if (message === undefined) continue;
    return typeof message === 'string' ? { path, message } : message;
  }
  return undefined;
}

type Check = (schema: Schema, instance: unknown, path: readonly (string | number)[]) => string | Failure | undefined;

const KEYWORDS: Record<keyof Schema, Check> = {
  type: (schema, instance) => {
    const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
    if (types.some((t) => isType(instance, t))) return undefined;
    return `${pyRepr(instance)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`;
  },
  properties: (schema, instance, path) => {
    if (!isType(instance, 'object')) return undefined;
    const object = instance as Record<string, unknown>;
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      if (!Object.hasOwn(object, name)) continue;
      const failure = firstFailure(sub, object[name], [...path, name]);
      if (failure) return failure;
    }
    return undefined;
  },
  additionalProperties: (schema, instance) => {
    if (!isType(instance, 'object')) return undefined;
    const extras = Object.keys(instance as object).filter((k) => !Object.hasOwn(schema.properties ?? {}, k));
    if (extras.length === 0) return undefined;
    // jsonschema collects the extras in a set, so with several their order is Python's hash order; ours is the body's.
    const verb = extras.length === 1 ? 'was' : 'were';
    return `Additional properties are not allowed (${extras.map((k) => pyRepr(k)).join(', ')} ${verb} unexpected)`;
  },
  required: (schema, instance) => {
    if (!isType(instance, 'object')) return undefined;
    const missing = (schema.required ?? []).find((name) => !Object.hasOwn(instance as object, name));
    return missing === undefined ? undefined : `${pyRepr(missing)} is a required property`;
  },
  oneOf: (schema, instance, path) => {
    // With the schemas here no instance that passes `type` can match both branches, so only "none matched" is
    // possible.
    const matches = (schema.oneOf ?? []).some((sub) => firstFailure(sub, instance, path) === undefined);
    return matches ? undefined : `${pyRepr(instance)} is not valid under any of the given schemas`;
  },
  items: (schema, instance, path) => {
    if (!Array.isArray(instance) || !schema.items) return undefined;
    for (const [index, item] of instance.entries()) {
      const failure = firstFailure(schema.items, item, [...path, index]);
      if (failure) return failure;
    }
    return undefined;
  },
  minItems: (schema, instance) =>
    Array.isArray(instance) && instance.length < schema.minItems! ? `${pyRepr(instance)} is too short` : undefined,
  minLength: (schema, instance) =>
    typeof instance === 'string' && [...instance].length < schema.minLength! ? `${pyRepr(instance)} is too short` : undefined,
  maxLength: (schema, instance) =>
    typeof instance === 'string' && [...instance].length > schema.maxLength! ? `${pyRepr(instance)} is too long` : undefined,
  pattern: (schema, instance) =>
    typeof instance === 'string' && !schema.pattern!.js.test(instance)
      ? `${pyRepr(instance)} does not match ${pyRepr(schema.pattern!.python)}`
      : undefined,
  minimum: (schema, instance) =>
    isNumber(instance) && instance < schema.minimum! ? `${pyRepr(instance)} is less than the minimum of ${schema.minimum}` : undefined,
  maximum: (schema, instance) =>
    isNumber(instance) && instance > schema.maximum! ? `${pyRepr(instance)} is greater than the maximum of ${schema.maximum}` : undefined,
};

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

/**
 * jsonschema's Draft 4 types. JSON text has already been parsed, so `5.0` reads as the integer 5 here where
 * Python keeps a float (which Draft 4 does not count as an integer).
 */
function isType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
  }
}
