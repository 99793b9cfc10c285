// keystone/trust/schema.py's trust_create, checked as py-keystone's SchemaValidator (jsonschema's Draft4Validator)
// checks it: keywords in the order the schema lists them, the first error wins, worded as jsonschema words it and
// prefixed "Invalid input for field '<path>': " below the root. py-keystone's message goes on with a dump of the
// schema; clients do not parse it, and it is not reproduced.
import { ValidationError } from '../errors.js';
import { pyRepr } from '../python/values.js';

type JsonType = 'string' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

interface Schema {
  readonly type?: JsonType | readonly JsonType[];
  readonly enum?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Python's spelling (for the message) and an equivalent of its re.search. */
  readonly pattern?: { readonly python: string; readonly js: RegExp };
  readonly minimum?: number;
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly additionalProperties?: boolean;
}

const idString = {
  minLength: 1,
  maxLength: 64,
  // Python's `$` also matches before a final newline.
  pattern: { python: '^[a-zA-Z0-9-]+$', js: /^[a-zA-Z0-9-]+\n?$/ },
} as const;
const externalIdString: Schema = { type: 'string', minLength: 1, maxLength: 64 };

/** Key order is py-keystone's (it decides which error is reported first). */
const TRUST_CREATE: Schema = {
  type: 'object',
  properties: {
    trustor_user_id: externalIdString,
    trustee_user_id: externalIdString,
    // validation.nullable() appends None to parameter_types.boolean's shared enum list, so even this
    // non-nullable boolean carries it; the type check still refuses null first.
    impersonation: { type: 'boolean', enum: [true, false, null] },
    project_id: { type: ['string', 'null'], ...idString },
    remaining_uses: { type: ['integer', 'null'], minimum: 1 },
    expires_at: { type: ['null', 'string'] },
    allow_redelegation: { type: ['boolean', 'null'] },
    redelegation_count: { type: ['integer', 'null'], minimum: 0 },
    roles: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', ...idString },
          name: { type: 'string', minLength: 1, maxLength: 255, pattern: { python: '[\\S]+', js: /\S/ } },
        },
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
      },
    },
  },
  required: ['trustor_user_id', 'trustee_user_id', 'impersonation'],
  additionalProperties: true,
};

/** The `trust` member of a create body, checked; throws Keystone's 400 for the first error jsonschema reports. */
export function validateTrustCreate(instance: unknown): Record<string, unknown> {
  const failure = firstFailure(TRUST_CREATE, instance, []);
  if (failure) {
    const path = failure.path.join('/');
    throw new ValidationError(path ? `Invalid input for field '${path}': ${failure.message}` : failure.message);
  }
  return instance as Record<string, unknown>;
}

interface Failure {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

function firstFailure(schema: Schema, instance: unknown, path: readonly (string | number)[]): Failure | undefined {
  for (const keyword of Object.keys(schema) as (keyof Schema)[]) {
    const found = CHECKS[keyword](schema, instance, path);
    if (found !== undefined) return typeof found === 'string' ? { path, message: found } : found;
  }
  return undefined;
}

type Check = (schema: Schema, instance: unknown, path: readonly (string | number)[]) => string | Failure | undefined;

const CHECKS: Record<keyof Schema, Check> = {
  type: (schema, instance) => {
    const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
    if (types.some((t) => isType(instance, t))) return undefined;
    return `${pyRepr(instance)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`;
  },
  enum: (schema, instance) =>
    schema.enum!.some((v) => v === instance) ? undefined : `${pyRepr(instance)} is not one of ${pyRepr(schema.enum)}`,
  minLength: (schema, instance) =>
    typeof instance === 'string' && [...instance].length < schema.minLength! ? `${pyRepr(instance)} is too short` : undefined,
  maxLength: (schema, instance) =>
    typeof instance === 'string' && [...instance].length > schema.maxLength! ? `${pyRepr(instance)} is too long` : undefined,
  pattern: (schema, instance) =>
    typeof instance === 'string' && !schema.pattern!.js.test(instance)
      ? `${pyRepr(instance)} does not match ${pyRepr(schema.pattern!.python)}`
      : undefined,
  minimum: (schema, instance) =>
    typeof instance === 'number' && instance < schema.minimum!
      ? `${pyRepr(instance)} is less than the minimum of ${schema.minimum}`
      : undefined,
  items: (schema, instance, path) => {
    if (!Array.isArray(instance)) return undefined;
    for (const [index, item] of instance.entries()) {
      const failure = firstFailure(schema.items!, item, [...path, index]);
      if (failure) return failure;
    }
    return undefined;
  },
  properties: (schema, instance, path) => {
    if (!isType(instance, 'object')) return undefined;
    const object = instance as Record<string, unknown>;
    for (const [name, sub] of Object.entries(schema.properties!)) {
      if (!Object.hasOwn(object, name)) continue;
      const failure = firstFailure(sub, object[name], [...path, name]);
      if (failure) return failure;
    }
    return undefined;
  },
  required: (schema, instance) => {
    if (!isType(instance, 'object')) return undefined;
    const missing = schema.required!.find((name) => !Object.hasOwn(instance as object, name));
    return missing === undefined ? undefined : `${pyRepr(missing)} is a required property`;
  },
  minProperties: (schema, instance) =>
    isType(instance, 'object') && Object.keys(instance as object).length < schema.minProperties!
      ? `${pyRepr(instance)} does not have enough properties`
      : undefined,
  maxProperties: (schema, instance) =>
    isType(instance, 'object') && Object.keys(instance as object).length > schema.maxProperties!
      ? `${pyRepr(instance)} has too many properties`
      : undefined,
  additionalProperties: (schema, instance) => {
    if (schema.additionalProperties !== false || !isType(instance, 'object')) return undefined;
    const extras = Object.keys(instance as object).filter((k) => !Object.hasOwn(schema.properties ?? {}, k));
    if (extras.length === 0) return undefined;
    // jsonschema collects the extras in a set: with several, their order is Python's; ours is the body's.
    const verb = extras.length === 1 ? 'was' : 'were';
    return `Additional properties are not allowed (${extras.map((k) => pyRepr(k)).join(', ')} ${verb} unexpected)`;
  },
};

/** Draft 4 types. JSON text is already parsed, so `1.0` reads as the integer 1 where Python keeps a float. */
function isType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
  }
}
