// /v3/registered_limits: create several at once, list (filters service_id, region_id, resource_name), show,
// update, delete. HEAD is served wherever GET is (fastify derives it). Bodies are checked here only for being
// JSON objects; the service validates them after policy, as py-keystone does.
import type { FastifyRequest } from 'fastify';
import { bodyAfterPolicy } from '../server/json-body.js';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { limitCollection } from './envelopes.js';
import * as registered from './registered-limit-service.js';
import { withSelfLink, type Ref } from './render.js';
import { registeredLimitCreateBody, registeredLimitListQuery, registeredLimitParams, registeredLimitUpdateBody } from './schemas.js';

const tags = ['registered limits'];

export function registerRegisteredLimitRoutes(app: App, ctx: RouteContext): void {
  const caller = (request: FastifyRequest) => authenticateRequest(request, ctx.tokens);
  const member = (request: FastifyRequest, ref: Ref) => ({ registered_limit: withSelfLink(ref, ctx.baseUrl(request), 'registered_limits') });

  app.get(
    '/v3/registered_limits',
    { schema: { tags, summary: 'List registered limits', querystring: registeredLimitListQuery } },
    async (request) => {
      const listed = await registered.listRegisteredLimits(ctx, await caller(request), request.query);
      return limitCollection(request, ctx.baseUrl(request), 'registered_limits', listed);
    },
  );

  app.post(
    '/v3/registered_limits',
    {
      schema: { tags, summary: 'Create registered limits', body: registeredLimitCreateBody },
      validatorCompiler: bodyAfterPolicy,
    },
    async (request, reply) => {
      const refs = await registered.createRegisteredLimits(ctx, await caller(request), request.body as unknown);
      const base = ctx.baseUrl(request);
      // py-keystone wraps the new registrations as a collection and drops the collection's links.
      return reply.code(201).send({ registered_limits: refs.map((ref) => withSelfLink(ref, base, 'registered_limits')) });
    },
  );

  app.get(
    '/v3/registered_limits/:registered_limit_id',
    { schema: { tags, summary: 'Show a registered limit', params: registeredLimitParams } },
    async (request) =>
      member(request, await registered.getRegisteredLimit(ctx, await caller(request), request.params.registered_limit_id)),
  );

  app.patch(
    '/v3/registered_limits/:registered_limit_id',
    {
      schema: { tags, summary: 'Update a registered limit', params: registeredLimitParams, body: registeredLimitUpdateBody },
      validatorCompiler: bodyAfterPolicy,
    },
    async (request) => {
      const id = request.params.registered_limit_id;
      return member(request, await registered.updateRegisteredLimit(ctx, await caller(request), id, request.body as unknown));
    },
  );

  app.delete(
    '/v3/registered_limits/:registered_limit_id',
    { schema: { tags, summary: 'Delete a registered limit no limit refers to', params: registeredLimitParams } },
    async (request, reply) => {
      await registered.deleteRegisteredLimit(ctx, await caller(request), request.params.registered_limit_id);
      return reply.code(204).send();
    },
  );
}
