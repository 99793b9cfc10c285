// /v3/OS-EP-FILTER: endpoint groups, the endpoints and endpoint groups associated with projects, and the lists
// across them, with py-keystone's status codes, envelopes and JSON-home relations. HEAD is served wherever GET is
// (fastify derives it). Bodies are checked only for being JSON objects here; the service validates them after
// policy, as py-keystone does.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { bodyAfterPolicy } from '../server/json-body.js';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { wrapCollection } from '../server/v3/collection.js';
import { endpointGroupCreateBody, endpointGroupUpdateBody } from './body-schemas.js';
import { EndpointFilterService } from './service.js';

const PREFIX = '/v3/OS-EP-FILTER';
const EXT = 'ext/OS-EP-FILTER/1.0';
const GROUP_PARAM = 'https://docs.openstack.org/api/openstack-identity/3/ext/OS-EP-FILTER/1.0/param/endpoint_group_id';

const groupParams = z.object({ endpoint_group_id: z.string() });
const projectParams = z.object({ project_id: z.string() });
const endpointParams = z.object({ endpoint_id: z.string() });
const membershipParams = z.object({ endpoint_group_id: z.string(), project_id: z.string() });
const associationParams = z.object({ project_id: z.string(), endpoint_id: z.string() });
const groupQuery = z.looseObject({ name: z.union([z.string(), z.array(z.string())]).optional() });

const tags = ['OS-EP-FILTER'];

export function registerEndpointFilterRoutes(app: App, ctx: RouteContext): void {
  const groupVar = { endpoint_group_id: GROUP_PARAM };
  ctx.jsonHome.add(`${EXT}/rel/endpoint_groups`, '/OS-EP-FILTER/endpoint_groups');
  ctx.jsonHome.add(`${EXT}/rel/endpoint_group`, '/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}', groupVar);
  ctx.jsonHome.add(`${EXT}/rel/endpoint_projects`, '/OS-EP-FILTER/endpoints/{endpoint_id}/projects');
  ctx.jsonHome.add(`${EXT}/rel/project_endpoint`, '/OS-EP-FILTER/projects/{project_id}/endpoints/{endpoint_id}');
  ctx.jsonHome.add(`${EXT}/rel/project_endpoints`, '/OS-EP-FILTER/projects/{project_id}/endpoints');
  ctx.jsonHome.add(`${EXT}/rel/project_endpoint_groups`, '/OS-EP-FILTER/projects/{project_id}/endpoint_groups');
  ctx.jsonHome.add(`${EXT}/rel/endpoints_in_endpoint_group`, '/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/endpoints', groupVar);
  ctx.jsonHome.add(
    `${EXT}/rel/projects_associated_with_endpoint_group`,
    '/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects',
    groupVar,
  );
  ctx.jsonHome.add(
    `${EXT}/rel/endpoint_group_to_project_association`,
    '/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects/{project_id}',
    groupVar,
  );

  const service = new EndpointFilterService(ctx);
  const caller = (request: FastifyRequest) => authenticateRequest(request, ctx.tokens);
  const base = (request: FastifyRequest) => ctx.baseUrl(request);
  const list = (request: FastifyRequest, key: string, refs: Record<string, unknown>[]) => wrapCollection(request, base(request), key, refs);
  const validatorCompiler = bodyAfterPolicy;

  // ---- endpoint groups
  app.get(
    `${PREFIX}/endpoint_groups`,
    { schema: { tags, summary: 'List endpoint groups', querystring: groupQuery } },
    async (request) => list(request, 'endpoint_groups', await service.listGroups(await caller(request), request.query, base(request))),
  );
  app.post(
    `${PREFIX}/endpoint_groups`,
    { validatorCompiler, schema: { tags, summary: 'Create an endpoint group', body: endpointGroupCreateBody } },
    async (request, reply) => {
      const ref = await service.createGroup(await caller(request), request.body as unknown, base(request));
      return reply.code(201).send({ endpoint_group: ref });
    },
  );
  app.get(
    `${PREFIX}/endpoint_groups/:endpoint_group_id`,
    { schema: { tags, summary: 'Show an endpoint group', params: groupParams } },
    async (request) => ({
      endpoint_group: await service.getGroup(await caller(request), request.params.endpoint_group_id, base(request)),
    }),
  );
  app.patch(
    `${PREFIX}/endpoint_groups/:endpoint_group_id`,
    { validatorCompiler, schema: { tags, summary: 'Update an endpoint group', params: groupParams, body: endpointGroupUpdateBody } },
    async (request) => ({
      endpoint_group: await service.updateGroup(await caller(request), request.params.endpoint_group_id, request.body as unknown, base(request)),
    }),
  );
  app.delete(
    `${PREFIX}/endpoint_groups/:endpoint_group_id`,
    { schema: { tags, summary: 'Delete an endpoint group and its project associations', params: groupParams } },
    async (request, reply) => {
      await service.deleteGroup(await caller(request), request.params.endpoint_group_id);
      return reply.code(204).send();
    },
  );
  app.get(
    `${PREFIX}/endpoint_groups/:endpoint_group_id/endpoints`,
    { schema: { tags, summary: 'List the endpoints an endpoint group selects', params: groupParams } },
    async (request) =>
      list(request, 'endpoints', await service.listGroupEndpoints(await caller(request), request.params.endpoint_group_id, base(request))),
  );
  app.get(
    `${PREFIX}/endpoint_groups/:endpoint_group_id/projects`,
    { schema: { tags, summary: 'List the projects associated with an endpoint group', params: groupParams } },
    async (request) =>
      list(request, 'projects', await service.listGroupProjects(await caller(request), request.params.endpoint_group_id, base(request))),
  );

  // ---- endpoint group <-> project
  app.get(
    `${PREFIX}/endpoint_groups/:endpoint_group_id/projects/:project_id`,
    { schema: { tags, summary: 'Show an endpoint group to project association', params: membershipParams } },
    async (request) => ({
      project_endpoint_group: await service.getMembership(await caller(request), request.params.endpoint_group_id, request.params.project_id),
    }),
  );
  app.put(
    `${PREFIX}/endpoint_groups/:endpoint_group_id/projects/:project_id`,
    { schema: { tags, summary: 'Associate an endpoint group with a project', params: membershipParams } },
    async (request, reply) => {
      await service.addMembership(await caller(request), request.params.endpoint_group_id, request.params.project_id);
      return reply.code(204).send();
    },
  );
  app.delete(
    `${PREFIX}/endpoint_groups/:endpoint_group_id/projects/:project_id`,
    { schema: { tags, summary: 'Remove an endpoint group from a project', params: membershipParams } },
    async (request, reply) => {
      await service.removeMembership(await caller(request), request.params.endpoint_group_id, request.params.project_id);
      return reply.code(204).send();
    },
  );
  app.get(
    `${PREFIX}/projects/:project_id/endpoint_groups`,
    { schema: { tags, summary: 'List the endpoint groups associated with a project', params: projectParams } },
    async (request) =>
      list(request, 'endpoint_groups', await service.listProjectGroups(await caller(request), request.params.project_id, base(request))),
  );

  // ---- project <-> endpoint
  app.get(
    `${PREFIX}/projects/:project_id/endpoints`,
    { schema: { tags, summary: "List a project's endpoints (direct and through endpoint groups)", params: projectParams } },
    async (request) =>
      list(request, 'endpoints', await service.listProjectEndpoints(await caller(request), request.params.project_id, base(request))),
  );
  app.get(
    `${PREFIX}/projects/:project_id/endpoints/:endpoint_id`,
    { schema: { tags, summary: 'Check that an endpoint is associated with a project', params: associationParams } },
    async (request, reply) => {
      await service.checkProjectEndpoint(await caller(request), request.params.project_id, request.params.endpoint_id);
      return reply.code(204).send();
    },
  );
  app.put(
    `${PREFIX}/projects/:project_id/endpoints/:endpoint_id`,
    { schema: { tags, summary: 'Associate an endpoint with a project', params: associationParams } },
    async (request, reply) => {
      await service.addProjectEndpoint(await caller(request), request.params.project_id, request.params.endpoint_id);
      return reply.code(204).send();
    },
  );
  app.delete(
    `${PREFIX}/projects/:project_id/endpoints/:endpoint_id`,
    { schema: { tags, summary: 'Remove an endpoint from a project', params: associationParams } },
    async (request, reply) => {
      await service.removeProjectEndpoint(await caller(request), request.params.project_id, request.params.endpoint_id);
      return reply.code(204).send();
    },
  );
  app.get(
    `${PREFIX}/endpoints/:endpoint_id/projects`,
    { schema: { tags, summary: 'List the projects an endpoint is associated with', params: endpointParams } },
    async (request) =>
      list(request, 'projects', await service.listEndpointProjects(await caller(request), request.params.endpoint_id, base(request))),
  );
}
