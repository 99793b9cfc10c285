// Request shapes of /v3/credentials. The bodies are checked after policy, as py-keystone does, against its own
// JSON schemas (keystone/credential/schema.py) with jsonschema's first error as the 400: the create schema's
// `oneOf` asks ec2 credentials for a project_id; the update schema (Debian's LP#2159643 patch) takes `blob` alone.
// The zod forms document the API and feed the OpenAPI document.
import { z } from 'zod';
import { failureText, firstFailure, type JsonSchema } from '../application-credential/json-schema.js';
import { ValidationError } from '../errors.js';
import { pyRepr } from '../python/values.js';
import { EC2 } from './blob.js';

/** The create schema's `type` and `properties` keywords, in py-keystone's order (blob, project_id, type, user_id). */
const createShape: JsonSchema = {
  type: 'object',
  properties: { blob: { type: 'string' }, project_id: { type: 'string' }, type: { type: 'string' }, user_id: { type: 'string' } },
};

const updateSchema: JsonSchema = {
  type: 'object',
  properties: { blob: { type: 'string' } },
  additionalProperties: false,
  required: ['blob'],
};

export interface CredentialInput {
  blob: string;
  type: string;
  user_id: string;
  project_id?: string;
  [other: string]: unknown;
}

/** schema.credential_create: the shape, then exactly one of the ec2 / non-ec2 branches. */
export function validateCreate(member: unknown): CredentialInput {
  const failure = firstFailure(createShape, member);
  if (failure) throw new ValidationError(failureText(failure));
  const input = member as Record<string, unknown>;
  const has = (...names: string[]) => names.every((n) => Object.hasOwn(input, n));
  const ec2Branch = has('blob', 'type', 'user_id', 'project_id') && input.type === EC2;
  const otherBranch = has('blob', 'type', 'user_id') && input.type !== EC2;
  if (!ec2Branch && !otherBranch) throw new ValidationError(`${pyRepr(member)} is not valid under any of the given schemas`);
  return input as CredentialInput;
}

/** schema.credential_update. */
export function validateUpdate(member: unknown): { blob: string } {
  const failure = firstFailure(updateSchema, member);
  if (failure) throw new ValidationError(failureText(failure));
  return member as { blob: string };
}

const queryValue = z.union([z.string(), z.array(z.string())]).optional();

export const credentialBody = z.looseObject({
  blob: z.string().describe('The secret; for type ec2 a JSON object with an `access` member'),
  type: z.string().describe('ec2, cert, totp or any other type'),
  user_id: z.string(),
  project_id: z.string().optional().describe('Required for ec2'),
});

export const createBody = z.object({ credential: credentialBody });
export const updateBody = z.object({ credential: z.object({ blob: z.string() }) });
export const credentialParams = z.object({ credential_id: z.string() });
/** `user_id` and `type` (and their __contains-style forms) filter the list. */
export const credentialListQuery = z.looseObject({ user_id: queryValue, type: queryValue });
