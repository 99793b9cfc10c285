// /v3/users: list (filters domain_id, enabled, idp_id, name, protocol_id, unique_id, password_expires_at), create,
// show, update, delete; the self-service password change; a user's groups and projects.
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { changePassword } from './change-password.js';
import type { GroupService } from './group-service.js';
import { validateRequest } from './request-schema.js';
import { collection } from './route-kit.js';
import { bodyAfterPolicy } from '../server/json-body.js';
import {
  passwordChangeBody,
  passwordChangeSchema,
  userBody,
  userGroupsQuery,
  userListQuery,
  userParams,
  userProjectsQuery,
  userUpdateBody,
} from './schemas.js';
import { bodyMember } from './deps.js';
import type { UserService } from './service.js';

const tags = ['users'];

export function registerUserRoutes(app: App, ctx: RouteContext, users: UserService, groups: GroupService): void {
  app.get('/v3/users', { schema: { tags, summary: 'List users', querystring: userListQuery } }, async (request) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    const base = ctx.baseUrl(request);
    return collection(request, base, 'users', await users.list(caller, request.query, base, request.body));
  });

  app.post(
    '/v3/users',
    { schema: { tags, summary: 'Create a user', body: userBody }, validatorCompiler: bodyAfterPolicy },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const user = await users.create(caller, request.body as unknown, ctx.baseUrl(request));
      return reply.code(201).send({ user });
    },
  );

  app.get('/v3/users/:user_id', { schema: { tags, summary: 'Show a user', params: userParams } }, async (request) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    return { user: await users.get(caller, request.params.user_id, ctx.baseUrl(request), request.body) };
  });

  app.patch(
    '/v3/users/:user_id',
    { schema: { tags, summary: 'Update a user', params: userParams, body: userUpdateBody }, validatorCompiler: bodyAfterPolicy },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      return { user: await users.update(caller, request.params.user_id, request.body as unknown, ctx.baseUrl(request)) };
    },
  );

  app.delete('/v3/users/:user_id', { schema: { tags, summary: 'Delete a user', params: userParams } }, async (request, reply) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    await users.delete(caller, request.params.user_id, ctx.baseUrl(request), request.body);
    return reply.code(204).send();
  });

  app.post(
    '/v3/users/:user_id/password',
    {
      schema: { tags, summary: "Change one's own password (no token; the original password is the proof)", params: userParams, body: passwordChangeBody },
      validatorCompiler: bodyAfterPolicy,
    },
    async (request, reply) => {
      const change = validateRequest(passwordChangeSchema, bodyMember(request.body, 'user'));
      await changePassword(ctx, request.params.user_id, change.original_password, change.password);
      return reply.code(204).send();
    },
  );

  // py-keystone answers GET (and so HEAD) here with werkzeug's own 405 body, not a Keystone error.
  app.get(
    '/v3/users/:user_id/password',
    { schema: { tags, summary: 'Not allowed: use POST', params: userParams, hide: true } },
    async (_request, reply) =>
      reply.code(405).header('Allow', 'POST').send({ message: 'The method is not allowed for the requested URL.' }),
  );

  app.get(
    '/v3/users/:user_id/groups',
    { schema: { tags, summary: "List a user's groups", params: userParams, querystring: userGroupsQuery } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const base = ctx.baseUrl(request);
      return collection(request, base, 'groups', await groups.listForUser(caller, request.params.user_id, request.query, base, request.body));
    },
  );

  app.get(
    '/v3/users/:user_id/projects',
    { schema: { tags, summary: 'List projects a user has a role on', params: userParams, querystring: userProjectsQuery } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const base = ctx.baseUrl(request);
      return collection(request, base, 'projects', await users.listProjects(caller, request.params.user_id, request.query, base, request.body));
    },
  );
}
