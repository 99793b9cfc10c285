// The assignment (and EC2) routes live in their own fastify scope in which
// - bodies are validated by the services after policy, since py-keystone enforces policy before it validates
//   (a caller without the role sees 403 for a bad body, not 400). Body schemas on routes only document the API;
// - a method a URL does not serve is flask's 405 (before authentication, with an Allow header and flask-restful's
//   `{"message": ...}` body), and OPTIONS answers 200 with the Allow header, as py-keystone's routing does.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../server/app.js';
import { bodyAfterPolicy } from '../server/json-body.js';

export function registerInScope(app: App, routes: (scoped: App) => void): void {
  void app.register(async (instance: FastifyInstance) => {
    const scoped = instance.withTypeProvider<ZodTypeProvider>() as unknown as App;
    scoped.setValidatorCompiler(bodyAfterPolicy);
    const served = new Map<string, Set<string>>();
    scoped.addHook('onRoute', (route) => {
      const methods = served.get(route.url) ?? new Set<string>();
      for (const m of [route.method].flat()) methods.add(m);
      served.set(route.url, methods);
    });
    routes(scoped);
    for (const [url, methods] of served) addMethodFallbacks(scoped, url, methods);
  });
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function addMethodFallbacks(app: App, url: string, methods: ReadonlySet<string>): void {
  const allowed = new Set([...methods, ...(methods.has('GET') ? ['HEAD'] : []), 'OPTIONS']);
  const allow = [...allowed].join(', ');
  const missing = METHODS.filter((m) => !allowed.has(m));
  if (missing.length > 0) {
    app.route({
      method: [...missing],
      url,
      schema: { hide: true },
      handler: async (_request, reply) =>
        reply.code(405).header('Allow', allow).type('application/json').send({ message: 'The method is not allowed for the requested URL.' }),
    });
  }
  app.route({
    method: 'OPTIONS',
    url,
    schema: { hide: true },
    handler: async (_request, reply) => reply.code(200).header('Allow', allow).type('text/html; charset=utf-8').send(''),
  });
}
