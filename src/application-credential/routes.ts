// /v3/users/{user_id}/application_credentials (list with the `name` filter, create, show, delete) and
// /v3/users/{user_id}/access_rules (list with the service/path/method filters, show, delete), listed in
// JSON-home under py-keystone's relation names. Lists are never cut by a list_limit, as in py-keystone.
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { wrapCollection } from '../server/v3/collection.js';
import { bodyAfterPolicy } from '../server/json-body.js';
import { AccessRuleService } from './access-rule-service.js';
import { accessRuleBody } from './render.js';
import {
  accessRuleListQuery,
  accessRuleParams,
  applicationCredentialListQuery,
  applicationCredentialParams,
  createBody,
  userParams,
} from './schemas.js';
import { ApplicationCredentialService } from './service.js';

const tags = ['application credentials'];

export function registerApplicationCredentialRoutes(app: App, ctx: RouteContext): void {
  ctx.jsonHome.add('rel/application_credentials', '/users/{user_id}/application_credentials');
  ctx.jsonHome.add('rel/application_credential', '/users/{user_id}/application_credentials/{application_credential_id}');
  ctx.jsonHome.add('rel/access_rules', '/users/{user_id}/access_rules');
  ctx.jsonHome.add('rel/access_rule', '/users/{user_id}/access_rules/{access_rule_id}');

  const credentials = new ApplicationCredentialService(ctx);
  const rules = new AccessRuleService(ctx);

  app.get(
    '/v3/users/:user_id/application_credentials',
    { schema: { tags, summary: "List a user's application credentials", params: userParams, querystring: applicationCredentialListQuery } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const base = ctx.baseUrl(request);
      const refs = await credentials.list(caller, request.params.user_id, request.query, request.body, base);
      return wrapCollection(request, base, 'application_credentials', refs);
    },
  );

  app.post(
    '/v3/users/:user_id/application_credentials',
    {
      schema: { tags, summary: 'Create an application credential (answers with its secret, shown only here)', params: userParams, body: createBody },
      // py-keystone enforces policy before it validates the body: fastify only checks the body is a JSON object.
      validatorCompiler: bodyAfterPolicy,
    },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const ref = await credentials.create(caller, request.params.user_id, request.body as unknown, ctx.baseUrl(request));
      return reply.code(201).send({ application_credential: ref });
    },
  );

  app.get(
    '/v3/users/:user_id/application_credentials/:application_credential_id',
    { schema: { tags, summary: 'Show an application credential', params: applicationCredentialParams } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const { user_id: userId, application_credential_id: id } = request.params;
      return { application_credential: await credentials.get(caller, userId, id, request.body, ctx.baseUrl(request)) };
    },
  );

  app.delete(
    '/v3/users/:user_id/application_credentials/:application_credential_id',
    { schema: { tags, summary: 'Delete an application credential (its tokens stop validating)', params: applicationCredentialParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const { user_id: userId, application_credential_id: id } = request.params;
      await credentials.delete(caller, userId, id, request.body);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v3/users/:user_id/access_rules',
    { schema: { tags, summary: "List a user's access rules", params: userParams, querystring: accessRuleListQuery } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const base = ctx.baseUrl(request);
      const listed = await rules.list(caller, request.params.user_id, request.query, request.body, base);
      return wrapCollection(request, base, 'access_rules', listed.map((r) => accessRuleBody(r, base)));
    },
  );

  app.get(
    '/v3/users/:user_id/access_rules/:access_rule_id',
    { schema: { tags, summary: 'Show an access rule', params: accessRuleParams } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const base = ctx.baseUrl(request);
      const { user_id: userId, access_rule_id: id } = request.params;
      return { access_rule: accessRuleBody(await rules.get(caller, userId, id, request.body, base), base) };
    },
  );

  app.delete(
    '/v3/users/:user_id/access_rules/:access_rule_id',
    { schema: { tags, summary: 'Delete an access rule no application credential uses', params: accessRuleParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const { user_id: userId, access_rule_id: id } = request.params;
      await rules.delete(caller, userId, id, request.body, ctx.baseUrl(request));
      return reply.code(204).send();
    },
  );
}
