// The assignment routes live in their own fastify scope that reads request bodies as py-keystone does:
// - an empty body is no body, whatever the Content-Type (clients such as Tempest send `Content-Type:
//   application/json` on bodiless PUT and DELETE grant calls; py-keystone's json_body_before_request lets them
//   through, fastify's default JSON parser would answer 400);
// - a body that is JSON but not an object is a 400 for every route;
// - bodies are validated by the services after policy, since py-keystone enforces policy before it validates
//   (a caller without the role sees 403 for a bad body, not 400). Body schemas on routes only document the API.
import type { FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ValidationError } from '../errors.js';
import type { App } from '../server/app.js';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function registerInScope(app: App, routes: (scoped: App) => void): void {
  void app.register(async (instance: FastifyInstance) => {
    const scoped = instance.withTypeProvider<ZodTypeProvider>() as unknown as App;
    const parseJson = scoped.getDefaultJsonParser('error', 'error');
    scoped.removeContentTypeParser('application/json');
    scoped.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = body as string;
      if (text === '') return done(null, undefined);
      parseJson(request, text, (err, value) => {
        if (err) return done(err);
        if (!isPlainObject(value)) return done(ValidationError.missing('valid JSON', 'request body'));
        done(null, value);
      });
    });
    scoped.setValidatorCompiler((route) =>
      route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as Parameters<typeof validatorCompiler>[0]),
    );
    routes(scoped);
  });
}
