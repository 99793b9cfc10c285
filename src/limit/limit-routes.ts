// /v3/limits: create several project or domain limits at once, list (filters service_id, region_id,
// resource_name, project_id, domain_id; narrowed to what the caller's scope covers), show, update, delete; and
// /v3/limits/model, the configured enforcement model. HEAD is served wherever GET is (fastify derives it).
// Bodies are checked here only for being JSON objects; the service validates them after policy, as py-keystone
// does.
import type { FastifyRequest } from 'fastify';
import { bodyAfterPolicy } from '../server/json-body.js';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { limitCollection } from './envelopes.js';
import * as limits from './limit-service.js';
import { withSelfLink, type Ref } from './render.js';
import { limitCreateBody, limitListQuery, limitParams, limitUpdateBody } from './schemas.js';

const tags = ['limits'];

export function registerProjectLimitRoutes(app: App, ctx: RouteContext): void {
  const caller = (request: FastifyRequest) => authenticateRequest(request, ctx.tokens);
  const member = (request: FastifyRequest, ref: Ref) => ({ limit: withSelfLink(ref, ctx.baseUrl(request), 'limits') });

  app.get('/v3/limits', { schema: { tags, summary: 'List the limits the caller may see', querystring: limitListQuery } }, async (request) => {
    const listed = await limits.listLimits(ctx, await caller(request), request.query);
    return limitCollection(request, ctx.baseUrl(request), 'limits', listed);
  });

  app.post(
    '/v3/limits',
    { schema: { tags, summary: 'Create project or domain limits', body: limitCreateBody }, validatorCompiler: bodyAfterPolicy },
    async (request, reply) => {
      const refs = await limits.createLimits(ctx, await caller(request), request.body as unknown);
      const base = ctx.baseUrl(request);
      // py-keystone wraps the new limits as a collection and drops the collection's links.
      return reply.code(201).send({ limits: refs.map((ref) => withSelfLink(ref, base, 'limits')) });
    },
  );

  app.get('/v3/limits/model', { schema: { tags, summary: 'Show the limit enforcement model' } }, async (request) => ({
    model: await limits.getLimitModel(ctx, await caller(request)),
  }));

  app.get('/v3/limits/:limit_id', { schema: { tags, summary: 'Show a limit', params: limitParams } }, async (request) =>
    member(request, await limits.getLimit(ctx, await caller(request), request.params.limit_id)),
  );

  app.patch(
    '/v3/limits/:limit_id',
    {
      schema: { tags, summary: "Update a limit's value or description", params: limitParams, body: limitUpdateBody },
      validatorCompiler: bodyAfterPolicy,
    },
    async (request) => member(request, await limits.updateLimit(ctx, await caller(request), request.params.limit_id, request.body as unknown)),
  );

  app.delete('/v3/limits/:limit_id', { schema: { tags, summary: 'Delete a limit', params: limitParams } }, async (request, reply) => {
    await limits.deleteLimit(ctx, await caller(request), request.params.limit_id);
    return reply.code(204).send();
  });
}
