// py-keystone checks a request body in two steps: before anything else, that a body, if any, is a JSON object
// (json_body_before_request, a 400 even without a token); then, only after policy has allowed the call, the member
// against its schema (so a caller without the role gets 403 for a bad body, not 400). The catalog routes declare
// their body schemas for the OpenAPI document; this compiler makes fastify apply only the first step, and the
// services apply the second with json-schema.ts.
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { $ZodType } from 'zod/v4/core';
import { ValidationError } from '../errors.js';

/** Generic so it fits every route's own schema type; params and query strings keep zod validation. */
export function bodyAfterPolicy<S>(route: Parameters<FastifySchemaCompiler<S>>[0]): ReturnType<FastifySchemaCompiler<S>> {
  if (route.httpPart !== 'body') return validatorCompiler(route as unknown as Parameters<FastifySchemaCompiler<$ZodType>>[0]);
  return (data: unknown) => (data === undefined || isPlainObject(data) ? { value: data } : { error: notJson() });
}

function notJson(): ValidationError {
  return ValidationError.missing('valid JSON', 'request body');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `request_body_json.get(key)`: the member, or None (null) when the body or the member is missing. */
export function bodyMember(body: unknown, key: string): unknown {
  return isPlainObject(body) && Object.hasOwn(body, key) ? body[key] : null;
}
