// Request shapes of the application credential and access rule routes. The create body is py-keystone's own JSON
// schema (keystone/application_credential/schema.py, keywords in its order, which decides which error a bad body
// reports first); the zod forms of it document the API and feed the OpenAPI document.
import { z } from 'zod';
import type { JsonSchema } from './json-schema.js';

const name: JsonSchema = { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' };
const idString: JsonSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' };

const roleItem: JsonSchema = {
  type: 'object',
  properties: { id: idString, name },
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
};

const accessRuleItem: JsonSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 0, maxLength: 225, pattern: '^\\/.*' },
    method: { type: 'string', pattern: '^(POST|GET|HEAD|PATCH|PUT|DELETE)$' },
    service: idString,
    id: idString,
  },
  additionalProperties: false,
};

/** The `application_credential` member of a create request. Other members are allowed by the schema. */
export const applicationCredentialCreate: JsonSchema = {
  type: 'object',
  properties: {
    name,
    description: { type: ['string', 'null'] },
    secret: { type: ['null', 'string'] },
    expires_at: { type: ['null', 'string'] },
    roles: { type: 'array', items: roleItem },
    unrestricted: { type: 'boolean' },
    access_rules: { type: 'array', items: accessRuleItem },
  },
  required: ['name'],
};

/** The create member once it passed the schema. */
export interface ApplicationCredentialInput {
  name: string;
  description?: string | null;
  secret?: string | null;
  expires_at?: string | null;
  roles?: ({ id: string } | { name: string })[];
  unrestricted?: boolean;
  access_rules?: AccessRuleInput[];
  [other: string]: unknown;
}

export interface AccessRuleInput {
  id?: string;
  service?: string;
  path?: string;
  method?: string;
}

export const createBody = z.object({
  application_credential: z.fromJSONSchema(applicationCredentialCreate as Record<string, unknown>),
});

/** A query parameter: one value, or several when the key repeats (Flask reads every one). */
const queryValue = z.union([z.string(), z.array(z.string())]).optional();

export const userParams = z.object({ user_id: z.string() });
export const applicationCredentialParams = z.object({ user_id: z.string(), application_credential_id: z.string() });
export const accessRuleParams = z.object({ user_id: z.string(), access_rule_id: z.string() });

/** `name` (and name__contains and the like) filter the list; anything else is ignored. */
export const applicationCredentialListQuery = z.looseObject({ name: queryValue });
export const accessRuleListQuery = z.looseObject({ service: queryValue, path: queryValue, method: queryValue });
