// Policy bodies as py-keystone's keystone/policy/schema.py declares them (other attributes are allowed and kept
// in `extra`), and the zod shapes the OpenAPI document shows.
import { z } from 'zod';
import type { ObjectSchema, PropertySchema } from '../catalog/json-schema.js';

const properties = {
  blob: { type: 'string' },
  type: { type: 'string', maxLength: 255 },
} satisfies Record<string, PropertySchema>;

export const policyCreate: ObjectSchema = { type: 'object', properties, required: ['blob', 'type'] };
export const policyUpdate: ObjectSchema = { type: 'object', properties, minProperties: 1 };

export const policyCreateBody = z.object({ policy: z.looseObject({ blob: z.string(), type: z.string().max(255) }) });
export const policyUpdateBody = z.object({ policy: z.looseObject({ blob: z.string().optional(), type: z.string().max(255).optional() }) });
