// The domain configuration API: /v3/domains/{domain_id}/config[/{group}[/{option}]] (show, replace, update,
// delete) and the defaults under /v3/domains/config[/{group}[/{option}]]/default.
import { z } from 'zod';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { bodyAfterPolicy } from '../server/json-body.js';
import type { DomainConfigService } from './domain-config.js';
import { domainConfigBody } from './schemas.js';

const tags = ['domain configuration'];
const domainParams = z.object({ domain_id: z.string() });
const groupParams = z.object({ domain_id: z.string(), group: z.string() });
const optionParams = z.object({ domain_id: z.string(), group: z.string(), option: z.string() });

export function registerDomainConfigRoutes(app: App, ctx: RouteContext, service: DomainConfigService): void {
  const levels = [
    { url: '/v3/domains/:domain_id/config', params: domainParams, what: "a domain's configuration" },
    { url: '/v3/domains/:domain_id/config/:group', params: groupParams, what: 'a group of domain configuration' },
    { url: '/v3/domains/:domain_id/config/:group/:option', params: optionParams, what: 'a domain configuration option' },
  ];
  for (const { url, params, what } of levels) {
    app.get(url, { schema: { tags, summary: `Show ${what}`, params } }, async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      return { config: await service.get(caller, request.params, request.body) };
    });

    app.patch(
      url,
      { schema: { tags, summary: `Update ${what}`, params, body: domainConfigBody }, validatorCompiler: bodyAfterPolicy },
      async (request) => {
        const caller = await authenticateRequest(request, ctx.tokens);
        return { config: await service.update(caller, request.params, request.body as unknown) };
      },
    );

    app.delete(url, { schema: { tags, summary: `Delete ${what}`, params } }, async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await service.delete(caller, request.params, request.body);
      return reply.code(204).send();
    });
  }

  app.put(
    '/v3/domains/:domain_id/config',
    {
      schema: { tags, summary: "Create or replace a domain's configuration", params: domainParams, body: domainConfigBody },
      validatorCompiler: bodyAfterPolicy,
    },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const { config, created } = await service.create(caller, request.params.domain_id, request.body as unknown);
      return reply.code(created ? 201 : 200).send({ config });
    },
  );

  const defaults = [
    { url: '/v3/domains/config/default', params: z.object({}), what: 'the default domain configuration' },
    { url: '/v3/domains/config/:group/default', params: z.object({ group: z.string() }), what: 'the defaults of a group' },
    {
      url: '/v3/domains/config/:group/:option/default',
      params: z.object({ group: z.string(), option: z.string() }),
      what: 'the default of an option',
    },
  ];
  for (const { url, params, what } of defaults) {
    app.get(url, { schema: { tags, summary: `Show ${what}`, params } }, async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      return { config: await service.getDefault(caller, request.params, request.body) };
    });
  }
}
