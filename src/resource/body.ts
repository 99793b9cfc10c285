// py-keystone enforces policy before it validates a request body (a caller without the role gets 403 for a bad
// body, not 400), so the resource routes declare their body schemas for the OpenAPI document only: fastify checks
// just that the body is a JSON object (py-keystone's json_body check), and services validate with `validateBody`
// once policy has passed.
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { $ZodType } from 'zod/v4/core';
import { ValidationError } from '../errors.js';

const MALFORMED_TAIL =
  ' The server could not comply with the request since it is either malformed or otherwise incorrect.' +
  ' The client is assumed to be in error.';

export function bodyAfterPolicy<S>(route: Parameters<FastifySchemaCompiler<S>>[0]): ReturnType<FastifySchemaCompiler<S>> {
  if (route.httpPart !== 'body') return validatorCompiler(route as unknown as Parameters<FastifySchemaCompiler<$ZodType>>[0]);
  return (data: unknown) =>
    data === undefined || isPlainObject(data)
      ? { value: data }
      : { error: new ValidationError(`Expecting to find valid JSON in request body.${MALFORMED_TAIL}`) };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The member of a JSON body py-keystone reads with `body.get(key, {})`. */
export function bodyMember(body: unknown, key: string): unknown {
  return isPlainObject(body) && key in body ? body[key] : {};
}

/**
 * Validates like py-keystone's SchemaValidator: a 400 naming the first failing field. (py-keystone's message goes on
 * with a dump of its JSON schema, which clients do not parse.)
 */
export function validateBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('/');
  throw new ValidationError(path ? `Invalid input for field '${path}': ${issue.message}` : issue.message);
}
