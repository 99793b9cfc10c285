// Request bodies read as py-keystone's json_body_before_request reads them, for every route:
// - an empty body is no body, whatever the Content-Type (Tempest and other clients send `Content-Type:
//   application/json` on bodiless PUT and DELETE calls; fastify's default JSON parser would answer 400);
// - a body that is JSON but not an object is a 400, as malformed JSON is;
// - py-keystone enforces policy before it validates a body (no role and a bad body is a 403, not a 400), so routes
//   declare body schemas for the OpenAPI document only (`bodyAfterPolicy`) and services validate after policy.
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { $ZodType } from 'zod/v4/core';
import { ValidationError } from '../errors.js';
import { isPlainObject } from '../python/values.js';
import type { App } from './app.js';

export function readJsonBodiesAsKeystone(app: App): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text === '') return done(null, undefined);
    parseJson(request, text, (err, value) => {
      if (err) return done(err);
      if (!isPlainObject(value)) return done(ValidationError.missing('valid JSON', 'request body'));
      done(null, value);
    });
  });
}

/** A route's schema compiler: params and query strings keep zod validation; a body is left to the service. */
export function bodyAfterPolicy<S>(route: Parameters<FastifySchemaCompiler<S>>[0]): ReturnType<FastifySchemaCompiler<S>> {
  if (route.httpPart !== 'body') return validatorCompiler(route as unknown as Parameters<FastifySchemaCompiler<$ZodType>>[0]);
  return (data: unknown) => ({ value: data });
}
