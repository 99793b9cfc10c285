// Endpoint group bodies as py-keystone's keystone/catalog/schema.py declares them (name, description, filters;
// unknown attributes pass the schema but are refused later, see service.ts), and the zod shapes the OpenAPI
// document shows.
import { z } from 'zod';
import { name } from '../catalog/body-schemas.js';
import type { ObjectSchema, PropertySchema } from '../catalog/json-schema.js';

const properties = {
  description: { type: ['string', 'null'] },
  filters: { type: 'object' },
  name,
} satisfies Record<string, PropertySchema>;

export const endpointGroupCreate: ObjectSchema = { type: 'object', properties, required: ['name', 'filters'] };
export const endpointGroupUpdate: ObjectSchema = { type: 'object', properties, minProperties: 1 };

/** The attributes a filter may name (api/os_ep_filter.py's _require_valid_filter). */
export const FILTER_KEYS = ['service_id', 'region_id', 'interface'] as const;

const filters = z
  .object({ service_id: z.unknown(), region_id: z.unknown(), interface: z.unknown() })
  .partial()
  .describe('Endpoint attributes an endpoint must equal to belong to the group');
const member = {
  name: z.string().min(1).max(255),
  description: z.string().nullable(),
  filters,
};
export const endpointGroupCreateBody = z.object({
  endpoint_group: z.object({ name: member.name, filters: member.filters, description: member.description.optional() }),
});
export const endpointGroupUpdateBody = z.object({ endpoint_group: z.object(member).partial() });
