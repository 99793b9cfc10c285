// Request bodies of the unified limit routes. The JSON schemas are keystone/limit/schema.py's, key for key and in
// its order (json-schema.ts reports the first error in that order); the zod envelopes describe the same bodies in
// the OpenAPI document. Only the top-level object check runs before policy; these run after it.
import { z } from 'zod';
import type { Schema } from './json-schema.js';

/** parameter_types.id_string. Python's `$` also matches before a final newline; the JS expression allows it. */
const idString: Schema = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: { python: '^[a-zA-Z0-9-]+$', js: /^[a-zA-Z0-9-]+\n?$/ },
};
const resourceName: Schema = { type: 'string', minLength: 1, maxLength: 255 };
/** A signed 32-bit column; -1 means unlimited. */
const limitValue: Schema = { type: 'integer', minimum: -1, maximum: 0x7fffffff };
const description: Schema = { type: ['string', 'null'] };

const registeredLimitProperties = {
  service_id: idString,
  region_id: { type: ['null', 'string'] },
  resource_name: resourceName,
  default_limit: limitValue,
  description,
} satisfies Record<string, Schema>;

export const registeredLimitCreate: Schema = {
  type: 'array',
  items: {
    type: 'object',
    properties: registeredLimitProperties,
    additionalProperties: false,
    required: ['service_id', 'resource_name', 'default_limit'],
  },
  minItems: 1,
};

export const registeredLimitUpdate: Schema = {
  type: 'object',
  properties: registeredLimitProperties,
  additionalProperties: false,
};

const ownedLimit = (owner: 'project_id' | 'domain_id'): Schema => ({
  properties: {
    [owner]: idString,
    service_id: idString,
    region_id: { type: 'string' },
    resource_name: resourceName,
    resource_limit: limitValue,
    description,
  },
  required: [owner, 'service_id', 'resource_name', 'resource_limit'],
  additionalProperties: false,
});

export const limitCreate: Schema = {
  type: 'array',
  items: { type: 'object', oneOf: [ownedLimit('project_id'), ownedLimit('domain_id')] },
  minItems: 1,
};

export const limitUpdate: Schema = {
  type: 'object',
  properties: { resource_limit: limitValue, description },
  additionalProperties: false,
};

// ---- OpenAPI descriptions of the same bodies

const zId = z.string().min(1).max(64).regex(/^[a-zA-Z0-9-]+$/);
const zResourceName = z.string().min(1).max(255);
const zLimitValue = z.number().int().min(-1).max(0x7fffffff);
const zDescription = z.string().nullable().optional();

const zRegisteredLimit = z.strictObject({
  service_id: zId,
  region_id: z.string().nullable().optional(),
  resource_name: zResourceName,
  default_limit: zLimitValue,
  description: zDescription,
});

const zLimitCommon = {
  service_id: zId,
  region_id: z.string().optional(),
  resource_name: zResourceName,
  resource_limit: zLimitValue,
  description: zDescription,
};

export const registeredLimitCreateBody = z.object({ registered_limits: z.array(zRegisteredLimit).min(1) });
export const registeredLimitUpdateBody = z.object({ registered_limit: zRegisteredLimit.partial() });
export const limitCreateBody = z.object({
  limits: z
    .array(z.union([z.strictObject({ project_id: zId, ...zLimitCommon }), z.strictObject({ domain_id: zId, ...zLimitCommon })]))
    .min(1),
});
export const limitUpdateBody = z.object({
  limit: z.strictObject({ resource_limit: zLimitValue.optional(), description: zDescription }),
});

/** A list filter; a repeated key (`?service_id=a&service_id=b`) gives several, all applied. */
const filterParam = z.union([z.string(), z.array(z.string())]).optional();

export const registeredLimitListQuery = z.looseObject({
  service_id: filterParam,
  region_id: filterParam,
  resource_name: filterParam,
});
export const limitListQuery = z.looseObject({
  service_id: filterParam,
  region_id: filterParam,
  resource_name: filterParam,
  project_id: filterParam,
  domain_id: filterParam,
});

export const registeredLimitParams = z.object({ registered_limit_id: z.string() });
export const limitParams = z.object({ limit_id: z.string() });
