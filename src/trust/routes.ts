// /v3/OS-TRUST/trusts: create, list (by trustor or trustee), show, delete, and a trust's roles, listed in JSON-home
// under py-keystone's OS-TRUST relations. Lists are never cut by a list_limit, as in py-keystone.
import { bodyAfterPolicy } from '../server/json-body.js';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { wrapCollection } from '../server/v3/collection.js';
import { createTrust } from './create.js';
import { trustCreateBody, trustListQuery, trustParams, trustRoleParams } from './schemas.js';
import { TrustService } from './service.js';

const tags = ['trusts'];
const REL = 'ext/OS-TRUST/1.0/rel';
const PARAM = 'https://docs.openstack.org/api/openstack-identity/3/ext/OS-TRUST/1.0/param';

export function registerTrustRoutes(app: App, ctx: RouteContext): void {
  const trustVar = { trust_id: `${PARAM}/trust_id` };
  ctx.jsonHome.add(`${REL}/trusts`, '/OS-TRUST/trusts');
  ctx.jsonHome.add(`${REL}/trust`, '/OS-TRUST/trusts/{trust_id}', trustVar);
  ctx.jsonHome.add(`${REL}/trust_roles`, '/OS-TRUST/trusts/{trust_id}/roles', trustVar);
  ctx.jsonHome.add(`${REL}/trust_role`, '/OS-TRUST/trusts/{trust_id}/roles/{role_id}', trustVar);

  const trusts = new TrustService(ctx);

  app.post(
    '/v3/OS-TRUST/trusts',
    {
      schema: { tags, summary: 'Create a trust (the caller is its trustor)', body: trustCreateBody },
      // py-keystone enforces policy before it validates the body: fastify only checks the body is a JSON object.
      validatorCompiler: bodyAfterPolicy,
    },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const trust = await createTrust(ctx, trusts, caller, request.body as unknown, ctx.baseUrl(request));
      return reply.code(201).send({ trust });
    },
  );

  app.get(
    '/v3/OS-TRUST/trusts',
    { schema: { tags, summary: 'List trusts (all of them, or by trustor or trustee)', querystring: trustListQuery } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const base = ctx.baseUrl(request);
      const refs = await trusts.list(caller, request.query, request.body, base);
      return wrapCollection(request, base, 'trusts', refs);
    },
  );

  app.get(
    '/v3/OS-TRUST/trusts/:trust_id',
    { schema: { tags, summary: 'Show a trust', params: trustParams } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      return { trust: await trusts.get(caller, request.params.trust_id, request.body, ctx.baseUrl(request)) };
    },
  );

  app.delete(
    '/v3/OS-TRUST/trusts/:trust_id',
    { schema: { tags, summary: 'Delete a trust (and revoke the tokens issued with it)', params: trustParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await trusts.delete(caller, request.params.trust_id, request.body);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v3/OS-TRUST/trusts/:trust_id/roles',
    { schema: { tags, summary: 'List the roles a trust delegates', params: trustParams } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      return trusts.listRoles(caller, request.params.trust_id, request.body, ctx.baseUrl(request));
    },
  );

  app.get(
    '/v3/OS-TRUST/trusts/:trust_id/roles/:role_id',
    { schema: { tags, summary: 'Check that a trust delegates a role', params: trustRoleParams } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const { trust_id: trustId, role_id: roleId } = request.params;
      return { role: await trusts.getRole(caller, trustId, roleId, request.body, ctx.baseUrl(request)) };
    },
  );
}
