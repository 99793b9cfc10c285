// /v3/groups: list (filters domain_id, name), create, show, update, delete; a group's users (filters domain_id,
// enabled, name, password_expires_at); membership checked, added and removed at /v3/groups/{group_id}/users/{user_id}.
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import type { GroupService } from './group-service.js';
import { collection } from './route-kit.js';
import { bodyAfterPolicy } from '../server/json-body.js';
import { groupBody, groupListQuery, groupParams, groupUpdateBody, groupUsersQuery, membershipParams } from './schemas.js';

const tags = ['groups'];

export function registerGroupRoutes(app: App, ctx: RouteContext, groups: GroupService): void {
  app.get('/v3/groups', { schema: { tags, summary: 'List groups', querystring: groupListQuery } }, async (request) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    const base = ctx.baseUrl(request);
    return collection(request, base, 'groups', await groups.list(caller, request.query, base, request.body));
  });

  app.post(
    '/v3/groups',
    { schema: { tags, summary: 'Create a group', body: groupBody }, validatorCompiler: bodyAfterPolicy },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const group = await groups.create(caller, request.body as unknown, ctx.baseUrl(request));
      return reply.code(201).send({ group });
    },
  );

  app.get('/v3/groups/:group_id', { schema: { tags, summary: 'Show a group', params: groupParams } }, async (request) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    return { group: await groups.get(caller, request.params.group_id, ctx.baseUrl(request), request.body) };
  });

  app.patch(
    '/v3/groups/:group_id',
    { schema: { tags, summary: 'Update a group', params: groupParams, body: groupUpdateBody }, validatorCompiler: bodyAfterPolicy },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      return { group: await groups.update(caller, request.params.group_id, request.body as unknown, ctx.baseUrl(request)) };
    },
  );

  app.delete('/v3/groups/:group_id', { schema: { tags, summary: 'Delete a group', params: groupParams } }, async (request, reply) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    await groups.delete(caller, request.params.group_id, ctx.baseUrl(request), request.body);
    return reply.code(204).send();
  });

  app.get(
    '/v3/groups/:group_id/users',
    { schema: { tags, summary: "List a group's users", params: groupParams, querystring: groupUsersQuery } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const base = ctx.baseUrl(request);
      return collection(request, base, 'users', await groups.listUsers(caller, request.params.group_id, request.query, base, request.body));
    },
  );

  app.get(
    '/v3/groups/:group_id/users/:user_id',
    { schema: { tags, summary: 'Check that a user is in a group (204)', params: membershipParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await groups.checkMember(caller, request.params.group_id, request.params.user_id, ctx.baseUrl(request));
      return reply.code(204).send();
    },
  );

  app.put(
    '/v3/groups/:group_id/users/:user_id',
    { schema: { tags, summary: 'Add a user to a group', params: membershipParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await groups.addMember(caller, request.params.group_id, request.params.user_id, ctx.baseUrl(request), request.body);
      return reply.code(204).send();
    },
  );

  app.delete(
    '/v3/groups/:group_id/users/:user_id',
    { schema: { tags, summary: 'Remove a user from a group', params: membershipParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await groups.removeMember(caller, request.params.group_id, request.params.user_id, ctx.baseUrl(request), request.body);
      return reply.code(204).send();
    },
  );
}
