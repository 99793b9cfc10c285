// What the identity routes share: body schemas that document the API but are checked only after policy (as
// py-keystone does), and list envelopes with `truncated`.
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { $ZodType } from 'zod/v4/core';
import { ValidationError } from '../errors.js';
import { wrapCollection } from '../server/v3/collection.js';
import type { Listed } from './service.js';

const NOT_AN_OBJECT =
  'Expecting to find valid JSON in request body. The server could not comply with the request since it is either ' +
  'malformed or otherwise incorrect. The client is assumed to be in error.';

/**
 * py-keystone enforces policy before it validates a body (no role and a bad body is a 403, not a 400). So fastify
 * only checks here that a body is a JSON object, as py-keystone's json_body hook does; the services validate the
 * member with its schema once policy has passed.
 */
export function bodyAfterPolicy<S>(route: Parameters<FastifySchemaCompiler<S>>[0]): ReturnType<FastifySchemaCompiler<S>> {
  if (route.httpPart !== 'body') return validatorCompiler(route as unknown as Parameters<FastifySchemaCompiler<$ZodType>>[0]);
  return (data: unknown) =>
    data === undefined || (typeof data === 'object' && data !== null && !Array.isArray(data))
      ? { value: data }
      : { error: new ValidationError(NOT_AN_OBJECT) };
}

/** A list answer: `links`, and `truncated` when [identity] list_limit cut the list. */
export function collection(request: FastifyRequest, base: string, key: string, listed: Listed): Record<string, unknown> {
  const body = wrapCollection(request, base, key, listed.refs);
  return listed.truncated ? { ...body, truncated: true } : body;
}
