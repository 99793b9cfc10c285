// /v3/domains: list (filters name, enabled), create, show, update, delete (a domain must be disabled first).
import { z } from 'zod';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { bodyAfterPolicy } from '../server/json-body.js';
import { withLink } from './render.js';
import { projectCollection, queryValue } from './route-kit.js';
import { domainCreateBody, domainUpdateBody } from './schemas.js';
import type { ResourceService } from './service.js';

const tags = ['domains'];
const domainParams = z.object({ domain_id: z.string() });
const listQuery = z.looseObject({ name: queryValue, enabled: queryValue });

export function registerDomainRoutes(app: App, ctx: RouteContext, service: ResourceService): void {
  const member = (base: string, ref: Record<string, unknown>) => ({ domain: withLink(ref, base, 'domains') });

  app.get('/v3/domains', { schema: { tags, summary: 'List domains', querystring: listQuery } }, async (request) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    const listed = await service.listDomains(caller, request.query, request.body);
    return projectCollection(request, ctx.baseUrl(request), 'domains', listed);
  });

  app.post(
    '/v3/domains',
    { schema: { tags, summary: 'Create a domain', body: domainCreateBody }, validatorCompiler: bodyAfterPolicy },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const ref = await service.createDomain(caller, request.body as unknown);
      return reply.code(201).send(member(ctx.baseUrl(request), ref));
    },
  );

  app.get('/v3/domains/:domain_id', { schema: { tags, summary: 'Show a domain', params: domainParams } }, async (request) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    return member(ctx.baseUrl(request), await service.getDomain(caller, request.params.domain_id, request.body));
  });

  app.patch(
    '/v3/domains/:domain_id',
    {
      schema: { tags, summary: 'Update a domain', params: domainParams, body: domainUpdateBody },
      validatorCompiler: bodyAfterPolicy,
    },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const ref = await service.updateDomain(caller, request.params.domain_id, request.body as unknown);
      return member(ctx.baseUrl(request), ref);
    },
  );

  app.delete(
    '/v3/domains/:domain_id',
    { schema: { tags, summary: 'Delete a disabled domain and everything in it', params: domainParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await service.deleteDomain(caller, request.params.domain_id, request.body);
      return reply.code(204).send();
    },
  );
}
