// Request shapes of the assignment routes. Role bodies follow py-keystone's keystone/assignment/schema.py: unknown
// attributes are allowed (stored as `extra`), a name is 1-255 characters with a non-space, a description is a
// string, options are the registered role options (null removes one), and an update names at least one attribute.
// Query strings are never rejected (py-keystone reads what it knows and ignores the rest); a repeated key counts
// by its first value.
import { z } from 'zod';
import { jsonTypes } from './body.js';

const name = z.string().min(1).max(255).regex(/\S/);
const roleOptions = z.strictObject({ immutable: z.boolean(jsonTypes('boolean', 'null')).nullable().optional() });

export const roleCreate = z.looseObject({
  name,
  description: z.string().optional(),
  options: roleOptions.optional(),
});

export const roleUpdate = z
  .looseObject({ name: name.optional(), description: z.string().optional(), options: roleOptions.optional() })
  .refine((body) => Object.keys(body).length >= 1, { message: 'does not have enough properties' });

export type RoleCreate = z.output<typeof roleCreate>;
export type RoleUpdate = z.output<typeof roleUpdate>;

/** Envelopes, for the OpenAPI document: py-keystone reads `body.role`, treating a missing one as {}. */
export const roleCreateBody = z.object({ role: roleCreate });
export const roleUpdateBody = z.object({ role: roleUpdate });

const queryValue = z.union([z.string(), z.array(z.string())]).optional();

/** The first value of a query parameter, as flask's `request.args.get` reads it. */
export function firstValue(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

export const roleListQuery = z.looseObject({ name: queryValue, domain_id: queryValue });

export const roleAssignmentQuery = z.looseObject({
  'user.id': queryValue,
  'group.id': queryValue,
  'role.id': queryValue,
  'scope.project.id': queryValue,
  'scope.domain.id': queryValue,
  'scope.system': queryValue,
  'scope.OS-INHERIT:inherited_to': queryValue,
  effective: queryValue,
  include_names: queryValue,
  include_subtree: queryValue,
});

export type QueryRecord = Readonly<Record<string, unknown>>;

export const roleParams = z.object({ role_id: z.string() });
export const impliesParams = z.object({ prior_role_id: z.string() });
export const impliedRoleParams = z.object({ prior_role_id: z.string(), implied_role_id: z.string() });
