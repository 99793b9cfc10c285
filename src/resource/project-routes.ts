// /v3/projects: list (filters domain_id, enabled, name, parent_id, is_domain and the four tag filters), create,
// show (optionally with its parents or subtree, as a list or as nested ids), update, delete (leaves only).
import { z } from 'zod';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { bodyAfterPolicy } from '../server/json-body.js';
import { withLink } from './render.js';
import { projectCollection, queryValue } from './route-kit.js';
import { projectCreateBody, projectUpdateBody } from './schemas.js';
import type { ResourceService } from './service.js';

const tags = ['projects'];
const projectParams = z.object({ project_id: z.string() });
const listQuery = z.looseObject({
  domain_id: queryValue,
  enabled: queryValue,
  name: queryValue,
  parent_id: queryValue,
  is_domain: queryValue,
  tags: queryValue,
  'tags-any': queryValue,
  'not-tags': queryValue,
  'not-tags-any': queryValue,
});
const showQuery = z.looseObject({
  parents_as_list: queryValue,
  parents_as_ids: queryValue,
  subtree_as_list: queryValue,
  subtree_as_ids: queryValue,
  include_limits: queryValue,
});

type Ref = Record<string, unknown>;

/** `{"project": ...}` with self links, also on the members of `parents` / `subtree` lists. */
function member(base: string, ref: Ref): { project: Ref } {
  const linked = (nested: unknown) =>
    Array.isArray(nested) ? nested.map((m: { project: Ref }) => ({ project: withLink(m.project, base, 'projects') })) : nested;
  const project: Ref = { ...ref };
  if ('parents' in ref) project.parents = linked(ref.parents);
  if ('subtree' in ref) project.subtree = linked(ref.subtree);
  return { project: withLink(project, base, 'projects') };
}

export function registerProjectRoutes(app: App, ctx: RouteContext, service: ResourceService): void {
  app.get('/v3/projects', { schema: { tags, summary: 'List projects', querystring: listQuery } }, async (request) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    const listed = await service.listProjects(caller, request.query, request.body);
    return projectCollection(request, ctx.baseUrl(request), 'projects', listed);
  });

  app.post(
    '/v3/projects',
    { schema: { tags, summary: 'Create a project', body: projectCreateBody }, validatorCompiler: bodyAfterPolicy },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const ref = await service.createProject(caller, request.body as unknown);
      return reply.code(201).send(member(ctx.baseUrl(request), ref));
    },
  );

  app.get(
    '/v3/projects/:project_id',
    { schema: { tags, summary: 'Show a project', params: projectParams, querystring: showQuery } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const ref = await service.getProject(caller, request.params.project_id, request.query, request.body);
      return member(ctx.baseUrl(request), ref);
    },
  );

  app.patch(
    '/v3/projects/:project_id',
    {
      schema: { tags, summary: 'Update a project', params: projectParams, body: projectUpdateBody },
      validatorCompiler: bodyAfterPolicy,
    },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const ref = await service.updateProject(caller, request.params.project_id, request.body as unknown);
      return member(ctx.baseUrl(request), ref);
    },
  );

  app.delete(
    '/v3/projects/:project_id',
    { schema: { tags, summary: 'Delete a project (a leaf), or a disabled domain', params: projectParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await service.deleteProject(caller, request.params.project_id, request.body);
      return reply.code(204).send();
    },
  );
}
