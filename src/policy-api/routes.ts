// /v3/policies (CRUD of stored policy blobs, deprecated in py-keystone since Queens, which only logs the
// deprecation: no header or body marks it) and OS-ENDPOINT-POLICY (/v3/policies/{id}/OS-ENDPOINT-POLICY/... and
// /v3/endpoints/{id}/OS-ENDPOINT-POLICY/policy), with py-keystone's status codes, envelopes and JSON-home
// relations. HEAD is served wherever GET is.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { bodyAfterPolicy } from '../server/json-body.js';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { listLimit, wrapCollection } from '../server/v3/collection.js';
import { policyCreateBody, policyUpdateBody } from './body-schemas.js';
import { EndpointPolicyService, type AssociationPath } from './endpoint-policy.js';
import { withSelfLink } from './render.js';
import { PolicyService } from './service.js';

const EXT = 'ext/OS-ENDPOINT-POLICY/1.0/rel';

const policyParams = z.object({ policy_id: z.string() });
const endpointParams = z.object({ endpoint_id: z.string() });
const policyEndpointParams = z.object({ policy_id: z.string(), endpoint_id: z.string() });
const policyServiceParams = z.object({ policy_id: z.string(), service_id: z.string() });
const policyServiceRegionParams = z.object({ policy_id: z.string(), service_id: z.string(), region_id: z.string() });
const policyQuery = z.looseObject({ type: z.union([z.string(), z.array(z.string())]).optional() });

export function registerPolicyApiRoutes(app: App, ctx: RouteContext): void {
  ctx.jsonHome.add('rel/policies', '/policies');
  ctx.jsonHome.add('rel/policy', '/policies/{policy_id}');
  ctx.jsonHome.add(`${EXT}/policy_endpoints`, '/policies/{policy_id}/OS-ENDPOINT-POLICY/endpoints');
  ctx.jsonHome.add(`${EXT}/endpoint_policy_association`, '/policies/{policy_id}/OS-ENDPOINT-POLICY/endpoints/{endpoint_id}');
  ctx.jsonHome.add(`${EXT}/service_policy_association`, '/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}');
  ctx.jsonHome.add(
    `${EXT}/region_and_service_policy_association`,
    '/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}/regions/{region_id}',
  );
  ctx.jsonHome.add(`${EXT}/endpoint_policy`, '/endpoints/{endpoint_id}/OS-ENDPOINT-POLICY/policy');

  const policies = new PolicyService(ctx);
  const endpointPolicy = new EndpointPolicyService(ctx);
  const caller = (request: FastifyRequest) => authenticateRequest(request, ctx.tokens);
  const base = (request: FastifyRequest) => ctx.baseUrl(request);
  const member = (request: FastifyRequest, ref: Record<string, unknown>) => ({ policy: withSelfLink(ref, base(request), 'policies') });
  const validatorCompiler = bodyAfterPolicy;
  const tags = ['policies'];

  app.get('/v3/policies', { schema: { tags, summary: 'List policies', querystring: policyQuery } }, async (request) => {
    const refs = (await policies.list(await caller(request), request.query)).map((ref) => withSelfLink(ref, base(request), 'policies'));
    return wrapCollection(request, base(request), 'policies', refs, listLimit(ctx.config, 'policy'));
  });
  app.post(
    '/v3/policies',
    { validatorCompiler, schema: { tags, summary: 'Create a policy', body: policyCreateBody } },
    async (request, reply) => reply.code(201).send(member(request, await policies.create(await caller(request), request.body as unknown))),
  );
  app.get('/v3/policies/:policy_id', { schema: { tags, summary: 'Show a policy', params: policyParams } }, async (request) =>
    member(request, await policies.get(await caller(request), request.params.policy_id)),
  );
  app.patch(
    '/v3/policies/:policy_id',
    { validatorCompiler, schema: { tags, summary: 'Update a policy', params: policyParams, body: policyUpdateBody } },
    async (request) => member(request, await policies.update(await caller(request), request.params.policy_id, request.body as unknown)),
  );
  app.delete(
    '/v3/policies/:policy_id',
    { schema: { tags, summary: 'Delete a policy (its endpoint associations stay)', params: policyParams } },
    async (request, reply) => {
      await policies.delete(await caller(request), request.params.policy_id);
      return reply.code(204).send();
    },
  );

  // ---- OS-ENDPOINT-POLICY
  const associationTags = ['OS-ENDPOINT-POLICY'];
  const association = (url: string, params: z.ZodType, what: string, path: (p: Record<string, string>) => AssociationPath) => {
    const run = (verb: 'create' | 'check' | 'delete') => async (request: FastifyRequest, reply: FastifyReply) => {
      const p = request.params as Record<string, string>;
      await endpointPolicy.associate(await caller(request), verb, p.policy_id!, path(p));
      return reply.code(204).send();
    };
    app.get(url, { schema: { tags: associationTags, summary: `Check a policy association with ${what}`, params } }, run('check'));
    app.put(url, { schema: { tags: associationTags, summary: `Associate a policy with ${what}`, params } }, run('create'));
    app.delete(url, { schema: { tags: associationTags, summary: `Remove a policy association with ${what}`, params } }, run('delete'));
  };
  association('/v3/policies/:policy_id/OS-ENDPOINT-POLICY/endpoints/:endpoint_id', policyEndpointParams, 'an endpoint', (p) => ({
    kind: 'endpoint',
    endpointId: p.endpoint_id!,
  }));
  association('/v3/policies/:policy_id/OS-ENDPOINT-POLICY/services/:service_id', policyServiceParams, 'a service', (p) => ({
    kind: 'service',
    serviceId: p.service_id!,
  }));
  association(
    '/v3/policies/:policy_id/OS-ENDPOINT-POLICY/services/:service_id/regions/:region_id',
    policyServiceRegionParams,
    'a service in a region',
    (p) => ({ kind: 'region_and_service', serviceId: p.service_id!, regionId: p.region_id! }),
  );
  app.get(
    '/v3/policies/:policy_id/OS-ENDPOINT-POLICY/endpoints',
    { schema: { tags: associationTags, summary: 'List the endpoints a policy is associated with', params: policyParams } },
    async (request) => {
      const refs = await endpointPolicy.listEndpoints(await caller(request), request.params.policy_id, base(request));
      return wrapCollection(request, base(request), 'endpoints', refs);
    },
  );
  app.get(
    '/v3/endpoints/:endpoint_id/OS-ENDPOINT-POLICY/policy',
    { schema: { tags: associationTags, summary: 'Show the policy in effect for an endpoint', params: endpointParams } },
    async (request) => ({ policy: await endpointPolicy.effectivePolicy(await caller(request), request.params.endpoint_id, base(request)) }),
  );
}
