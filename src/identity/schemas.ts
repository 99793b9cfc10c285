// Request shapes of the users and groups API, property for property as py-keystone Zed's
// keystone/identity/schema.py declares them (same order, so the first error reported is the same one).
// The body schemas are validated after policy enforcement, as py-keystone does, not by fastify.
import { z } from 'zod';
import { jsArray, jsBoolean, jsClosedObject, jsOpenObject, jsString, nonEmpty } from './request-schema.js';

const ID_PATTERN = '^[a-zA-Z0-9-]+$';
const idString = { minLength: 1, maxLength: 64, pattern: ID_PATTERN };
const identityName = () => jsString({ minLength: 1, maxLength: 255, pattern: '[\\S]+' });
const nullableBoolean = () => jsBoolean({ nullable: true });

const userOptions = jsClosedObject({
  ignore_change_password_upon_first_use: nullableBoolean().optional(),
  ignore_password_expiry: nullableBoolean().optional(),
  ignore_lockout_failure_attempts: nullableBoolean().optional(),
  lock_password: nullableBoolean().optional(),
  ignore_user_inactivity: nullableBoolean().optional(),
  multi_factor_auth_rules: jsArray(jsArray(jsString(), { minItems: 1, uniqueItems: true }), {
    uniqueItems: true,
    nullable: true,
  }).optional(),
  multi_factor_auth_enabled: nullableBoolean().optional(),
});

const federatedObject = jsOpenObject({
  idp_id: jsString(),
  protocols: jsArray(jsOpenObject({ protocol_id: jsString(), unique_id: jsString() }), { minItems: 1 }),
});

const userProperties = {
  default_project_id: jsString({ ...idString, nullable: true }).optional(),
  description: jsString({ nullable: true }).optional(),
  domain_id: jsString(idString).optional(),
  enabled: jsBoolean().optional(),
  federated: jsArray(federatedObject).optional(),
  name: identityName().optional(),
  password: jsString({ nullable: true }).optional(),
  options: userOptions.optional(),
};

export const userCreateSchema = jsOpenObject({ ...userProperties, name: identityName() });
export const userUpdateSchema = nonEmpty(jsOpenObject(userProperties));

export type UserCreate = z.infer<typeof userCreateSchema>;
export type UserUpdate = z.infer<typeof userUpdateSchema>;
export type FederatedObject = z.infer<typeof federatedObject>;

const groupProperties = {
  description: jsString({ nullable: true }).optional(),
  domain_id: jsString(idString).optional(),
  name: identityName().optional(),
};

export const groupCreateSchema = jsOpenObject({ ...groupProperties, name: identityName() });
export const groupUpdateSchema = nonEmpty(jsOpenObject(groupProperties));

export type GroupCreate = z.infer<typeof groupCreateSchema>;
export type GroupUpdate = z.infer<typeof groupUpdateSchema>;

export const passwordChangeSchema = jsClosedObject({ original_password: jsString(), password: jsString() });

/** Request envelopes as documented; py-keystone reads the member with `.get('user', {})`, so it is optional. */
export const userBody = z.looseObject({ user: userCreateSchema.optional() });
export const userUpdateBody = z.looseObject({ user: userUpdateSchema.optional() });
export const groupBody = z.looseObject({ group: groupCreateSchema.optional() });
export const groupUpdateBody = z.looseObject({ group: groupUpdateSchema.optional() });
export const passwordChangeBody = z.looseObject({ user: passwordChangeSchema.optional() });

/** A query filter may be given more than once (`?name=a&name=b`); each occurrence is a filter. */
const filter = z.union([z.string(), z.array(z.string())]).optional();

export const userListQuery = z.looseObject({
  domain_id: filter,
  enabled: filter,
  idp_id: filter,
  name: filter,
  password_expires_at: filter.describe('OPERATOR:TIMESTAMP, OPERATOR one of lt, lte, gt, gte, eq, neq (default eq)'),
  protocol_id: filter,
  unique_id: filter,
});
export const groupListQuery = z.looseObject({ domain_id: filter, name: filter });
export const userGroupsQuery = z.looseObject({ name: filter });
export const userProjectsQuery = z.looseObject({ domain_id: filter, enabled: filter, name: filter });
export const groupUsersQuery = z.looseObject({ domain_id: filter, enabled: filter, name: filter, password_expires_at: filter });

export const userParams = z.object({ user_id: z.string() });
export const groupParams = z.object({ group_id: z.string() });
export const membershipParams = z.object({ group_id: z.string(), user_id: z.string() });
