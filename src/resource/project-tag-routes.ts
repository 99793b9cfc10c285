// /v3/projects/{project_id}/tags: list, replace and clear a project's tags; check, add and remove one tag.
// Answers keep py-keystone's oddities: the tag list's self link is the bare /v3 URL (plus the query string), and
// the Location of an added tag lacks the "projects/" segment.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { bodyAfterPolicy } from '../server/json-body.js';
import { tagsBody } from './schemas.js';
import type { ResourceService } from './service.js';

const tags = ['projects'];
const projectParams = z.object({ project_id: z.string() });
const tagParams = z.object({ project_id: z.string(), value: z.string() });

/** Percent-encodes what werkzeug's iri_to_uri encodes in a Location header. */
function uriSafe(text: string): string {
  return [...new TextEncoder().encode(text)]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-._~/:?#[\]@!$&'()*+,;=%]/.test(c) && b < 0x80 ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

export function registerProjectTagRoutes(app: App, ctx: RouteContext, service: ResourceService): void {
  const tagList = (request: FastifyRequest, list: string[]) => {
    const queryIndex = request.url.indexOf('?');
    const query = queryIndex === -1 ? '' : request.url.slice(queryIndex);
    return { links: { self: `${ctx.baseUrl(request)}/v3${query}` }, tags: list };
  };

  app.get(
    '/v3/projects/:project_id/tags',
    { schema: { tags, summary: "List a project's tags", params: projectParams } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      return tagList(request, await service.listTags(caller, request.params.project_id, request.body));
    },
  );

  app.put(
    '/v3/projects/:project_id/tags',
    {
      schema: { tags, summary: "Replace a project's tags", params: projectParams, body: tagsBody },
      validatorCompiler: bodyAfterPolicy,
    },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      return tagList(request, await service.replaceTags(caller, request.params.project_id, request.body as unknown));
    },
  );

  app.delete(
    '/v3/projects/:project_id/tags',
    { schema: { tags, summary: "Remove all of a project's tags", params: projectParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await service.deleteTags(caller, request.params.project_id, request.body);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v3/projects/:project_id/tags/:value',
    { schema: { tags, summary: 'Check that a project has a tag', params: tagParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await service.getTag(caller, request.params.project_id, request.params.value, request.body);
      return reply.code(204).send();
    },
  );

  app.put(
    '/v3/projects/:project_id/tags/:value',
    { schema: { tags, summary: 'Add a tag to a project', params: tagParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const { project_id: projectId, value } = request.params;
      await service.addTag(caller, projectId, value, request.body);
      const location = uriSafe(`${ctx.baseUrl(request)}/v3/${projectId}/tags/${value}`);
      return reply.code(201).header('Location', location).send();
    },
  );

  app.delete(
    '/v3/projects/:project_id/tags/:value',
    { schema: { tags, summary: 'Remove a tag from a project', params: tagParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await service.deleteTag(caller, request.params.project_id, request.params.value, request.body);
      return reply.code(204).send();
    },
  );
}
