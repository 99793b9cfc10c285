// /v3/roles (CRUD), /v3/roles/{prior_role_id}/implies[/{implied_role_id}] and /v3/role_inferences, shaped as
// py-keystone answers them. HEAD of an implied role is its own route: py-keystone answers it 204 (not GET's 200)
// after enforcing identity:check_implied_role as well as identity:get_implied_role.
import type { App, RouteContext } from '../server/app.js';
import { listLimit, wrapCollection } from '../server/v3/collection.js';
import { callOf } from './call.js';
import type { ImpliedRoleService, Inference } from './implied-role-service.js';
import { inferenceMember, withRoleLink } from './render.js';
import type { RoleService } from './role-service.js';
import { impliedRoleParams, impliesParams, roleCreateBody, roleListQuery, roleParams, roleUpdateBody } from './schemas.js';

const tags = ['roles'];

export function registerRoleRoutes(app: App, ctx: RouteContext, roles: RoleService, implied: ImpliedRoleService): void {
  app.get('/v3/roles', { schema: { tags, summary: 'List roles', querystring: roleListQuery } }, async (request) => {
    const refs = await roles.list(await callOf(request, ctx), request.query);
    const base = ctx.baseUrl(request);
    return wrapCollection(request, base, 'roles', refs.map((r) => withRoleLink(r, base)), listLimit(ctx.config));
  });

  app.post('/v3/roles', { schema: { tags, summary: 'Create a role', body: roleCreateBody } }, async (request, reply) => {
    const ref = await roles.create(await callOf(request, ctx));
    return reply.code(201).send({ role: withRoleLink(ref, ctx.baseUrl(request)) });
  });

  app.get('/v3/roles/:role_id', { schema: { tags, summary: 'Show a role', params: roleParams } }, async (request) => {
    const ref = await roles.get(await callOf(request, ctx), request.params.role_id);
    return { role: withRoleLink(ref, ctx.baseUrl(request)) };
  });

  app.patch('/v3/roles/:role_id', { schema: { tags, summary: 'Update a role', params: roleParams, body: roleUpdateBody } }, async (request) => {
    const ref = await roles.update(await callOf(request, ctx), request.params.role_id);
    return { role: withRoleLink(ref, ctx.baseUrl(request)) };
  });

  app.delete('/v3/roles/:role_id', { schema: { tags, summary: 'Delete a role', params: roleParams } }, async (request, reply) => {
    await roles.delete(await callOf(request, ctx), request.params.role_id);
    return reply.code(204).send();
  });

  app.get(
    '/v3/roles/:prior_role_id/implies',
    { schema: { tags, summary: 'List the roles a role implies', params: impliesParams } },
    async (request) => {
      const inference = await implied.list(await callOf(request, ctx), request.params.prior_role_id);
      const base = ctx.baseUrl(request);
      return {
        role_inference: { prior_role: inferenceMember(base, inference.prior), implies: inference.implies.map((r) => inferenceMember(base, r)) },
        links: { self: `${base}/v3/roles/${request.params.prior_role_id}/implies` },
      };
    },
  );

  const single = (base: string, inference: Inference, priorId: string, impliedId: string) => ({
    role_inference: { prior_role: inferenceMember(base, inference.prior), implies: inferenceMember(base, inference.implies[0]!) },
    links: { self: `${base}/v3/roles/${priorId}/implies/${impliedId}` },
  });

  app.get(
    '/v3/roles/:prior_role_id/implies/:implied_role_id',
    { exposeHeadRoute: false, schema: { tags, summary: 'Show a role inference rule', params: impliedRoleParams } },
    async (request) => {
      const { prior_role_id: priorId, implied_role_id: impliedId } = request.params;
      const inference = await implied.get(await callOf(request, ctx), priorId, impliedId);
      return single(ctx.baseUrl(request), inference, priorId, impliedId);
    },
  );

  app.head(
    '/v3/roles/:prior_role_id/implies/:implied_role_id',
    { schema: { tags, summary: 'Check a role inference rule', params: impliedRoleParams } },
    async (request, reply) => {
      await implied.check(await callOf(request, ctx), request.params.prior_role_id, request.params.implied_role_id);
      return reply.code(204).send();
    },
  );

  app.put(
    '/v3/roles/:prior_role_id/implies/:implied_role_id',
    { schema: { tags, summary: 'Create a role inference rule', params: impliedRoleParams } },
    async (request, reply) => {
      const { prior_role_id: priorId, implied_role_id: impliedId } = request.params;
      const inference = await implied.create(await callOf(request, ctx), priorId, impliedId);
      return reply.code(201).send(single(ctx.baseUrl(request), inference, priorId, impliedId));
    },
  );

  app.delete(
    '/v3/roles/:prior_role_id/implies/:implied_role_id',
    { schema: { tags, summary: 'Delete a role inference rule', params: impliedRoleParams } },
    async (request, reply) => {
      await implied.delete(await callOf(request, ctx), request.params.prior_role_id, request.params.implied_role_id);
      return reply.code(204).send();
    },
  );

  app.get('/v3/role_inferences', { schema: { tags, summary: 'List every role inference rule' } }, async (request) => {
    const inferences = await implied.listAll(await callOf(request, ctx));
    const base = ctx.baseUrl(request);
    return {
      role_inferences: inferences.map((i) => ({
        prior_role: inferenceMember(base, i.prior),
        implies: i.implies.map((r) => inferenceMember(base, r)),
      })),
    };
  });
}
