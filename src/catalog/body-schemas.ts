// Request bodies of the catalog routes, as py-keystone's keystone/catalog/schema.py declares them. Unknown
// attributes are allowed everywhere (they are stored in `extra`); an update must name at least one attribute.
// The same declarations yield the zod schemas the OpenAPI document shows.
import { z } from 'zod';
import type { ObjectSchema, PropertySchema } from './json-schema.js';

/** Python's `\s` for str patterns (str.isspace), so `[\S]+` means what it means to py-keystone. */
const PY_NOT_SPACE = /[^\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

// parameter_types.boolean. Its enum reads [True, False, None] in py-keystone's messages because
// validation.nullable() appends None to the shared list; the type still refuses null.
const boolean: PropertySchema = { type: 'boolean', enum: [true, false, null] };
export const name: PropertySchema = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: { python: '[\\S]+', js: PY_NOT_SPACE },
};
const url: PropertySchema = {
  type: 'string',
  minLength: 0,
  maxLength: 225,
  // Python's `.` stops at a newline only.
  pattern: { python: '^[a-zA-Z0-9+.-]+:.+', js: /^[a-zA-Z0-9+.-]+:[^\n]/ },
};

const regionProperties = {
  description: { type: ['string', 'null'] },
  id: { type: 'string' },
  parent_region_id: { type: ['string', 'null'] },
} satisfies Record<string, PropertySchema>;

export const regionCreate: ObjectSchema = { type: 'object', properties: regionProperties };
export const regionUpdate: ObjectSchema = { type: 'object', properties: regionProperties, minProperties: 1 };

const serviceProperties = {
  enabled: boolean,
  name,
  type: { type: 'string', minLength: 1, maxLength: 255 },
} satisfies Record<string, PropertySchema>;

export const serviceCreate: ObjectSchema = { type: 'object', properties: serviceProperties, required: ['type'] };
export const serviceUpdate: ObjectSchema = { type: 'object', properties: serviceProperties, minProperties: 1 };

const endpointProperties = {
  enabled: boolean,
  interface: { type: 'string', enum: ['admin', 'internal', 'public'] },
  region_id: { type: 'string' },
  region: { type: 'string' },
  service_id: { type: 'string' },
  url,
} satisfies Record<string, PropertySchema>;

export const endpointCreate: ObjectSchema = {
  type: 'object',
  properties: endpointProperties,
  required: ['interface', 'service_id', 'url'],
};
export const endpointUpdate: ObjectSchema = { type: 'object', properties: endpointProperties, minProperties: 1 };

// ---------------------------------------------------------------------------------------------------------------
// The OpenAPI side: each body is `{"<member>": {...}}`.

function docProperty(schema: PropertySchema): z.ZodType {
  const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
  const variants = types.map((t): z.ZodType => {
    if (t === 'null') return z.null();
    if (t === 'boolean') return z.boolean();
    if (t !== 'string') return z.unknown();
    if (schema.enum) return z.enum(schema.enum.filter((e): e is string => typeof e === 'string') as [string, ...string[]]);
    let s = z.string();
    if (schema.minLength) s = s.min(schema.minLength);
    if (schema.maxLength !== undefined) s = s.max(schema.maxLength);
    if (schema.pattern) s = s.regex(schema.pattern.js);
    return s;
  });
  return variants.length === 1 ? variants[0]! : z.union(variants);
}

function docObject(schema: ObjectSchema): z.ZodType {
  const required = new Set(schema.required ?? []);
  const shape: Record<string, z.ZodType> = {};
  for (const [key, sub] of Object.entries(schema.properties)) {
    shape[key] = required.has(key) ? docProperty(sub) : docProperty(sub).optional();
  }
  return z.looseObject(shape);
}

export const regionCreateBody = z.object({ region: docObject(regionCreate) });
export const regionUpdateBody = z.object({ region: docObject(regionUpdate) });
export const serviceCreateBody = z.object({ service: docObject(serviceCreate) });
export const serviceUpdateBody = z.object({ service: docObject(serviceUpdate) });
export const endpointCreateBody = z.object({ endpoint: docObject(endpointCreate) });
export const endpointUpdateBody = z.object({ endpoint: docObject(endpointUpdate) });
