// /v3/auth/*: issue, validate, check and revoke tokens; the catalog, projects, domains and system a token's
// user can use. Status codes, headers and bodies follow py-keystone Zed.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { domainIdsForUser, projectIdsForUser, rolesOnSystem } from '../assignment/effective-roles.js';
import { buildCatalog, catalogOptions } from '../catalog/token-catalog.js';
import { Forbidden, NotFound } from '../errors.js';
import { renderDomain, renderProject } from '../resource/render.js';
import { getProjectsByIds, listProjectExtras } from '../resource/store.js';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import type { ValidToken } from '../token/provider.js';
import { authenticateForToken } from './authenticate.js';
import { authRequestSchema } from './request.js';

const tokenQuery = z.looseObject({ nocatalog: z.string().optional(), allow_expired: z.string().optional() });
const tags = ['auth'];

/** Query flags are present-means-true, as py-keystone reads `?nocatalog`; "false"/"0" mean false. */
function flag(value: string | undefined): boolean {
  if (value === undefined) return false;
  return !['false', '0', 'no', 'off', 'f', 'n'].includes(value.toLowerCase());
}

function tokenResponse(token: ValidToken, nocatalog: boolean) {
  if (!nocatalog || !('catalog' in token.body)) return { token: token.body };
  const { catalog: _omitted, ...body } = token.body;
  return { token: body };
}

export function registerAuthRoutes(app: App, ctx: RouteContext): void {
  const { jsonHome } = ctx;
  jsonHome.add('rel/auth_tokens', '/auth/tokens');
  jsonHome.add('rel/auth_catalog', '/auth/catalog');
  jsonHome.add('rel/auth_projects', '/auth/projects');
  jsonHome.add('rel/auth_domains', '/auth/domains');
  jsonHome.add('rel/auth_system', '/auth/system');

  app.post(
    '/v3/auth/tokens',
    { schema: { tags, summary: 'Issue a token', body: authRequestSchema, querystring: tokenQuery } },
    async (request, reply) => {
      const issue = await authenticateForToken(request.body.auth, ctx);
      const { tokenId, token } = await ctx.tokens.issue(issue);
      return reply
        .code(201)
        .header('X-Subject-Token', tokenId)
        .send(tokenResponse(token, flag(request.query.nocatalog)));
    },
  );

  /** GET and HEAD validate X-Subject-Token for an authorised caller; the target is the subject token's user. */
  const subjectToken = async (request: FastifyRequest, rule: string) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    const query = request.query as z.infer<typeof tokenQuery>;
    const header = request.headers['x-subject-token'];
    const subjectId = Array.isArray(header) ? header[0] : header;
    const subject = subjectId
      ? await ctx.tokens.validate(subjectId, {
          allowExpired: flag(query.allow_expired),
          accessRulesVersion: request.headers['openstack-identity-access-rules'] as string | undefined,
        })
      : undefined;
    // py-keystone exposes the subject token to policy as target.token (user id and user domain only).
    const policyDict = subject
      ? { target: { token: { user_id: subject.context.userId, user: { domain: { id: subject.context.userDomainId } } } } }
      : {};
    await ctx.authorize(caller, rule, policyDict);
    // Authorised, but no X-Subject-Token: py-keystone reports the missing token as a 404.
    if (!subject) throw new NotFound('No token in the request');
    return { subject, subjectId: subjectId!, nocatalog: flag(query.nocatalog) };
  };

  app.get('/v3/auth/tokens', { exposeHeadRoute: false, schema: { tags, summary: 'Validate a token', querystring: tokenQuery } }, async (request, reply) => {
    const { subject, subjectId, nocatalog } = await subjectToken(request, 'identity:validate_token');
    return reply.header('X-Subject-Token', subjectId).send(tokenResponse(subject, nocatalog));
  });

  app.head(
    '/v3/auth/tokens',
    { schema: { tags, summary: 'Check a token', querystring: tokenQuery } },
    async (request, reply) => {
      const { subjectId } = await subjectToken(request, 'identity:check_token');
      return reply.code(200).header('X-Subject-Token', subjectId).send();
    },
  );

  app.delete('/v3/auth/tokens', { schema: { tags, summary: 'Revoke a token' } }, async (request, reply) => {
    const { subject } = await subjectToken(request, 'identity:revoke_token');
    await ctx.tokens.revoke(subject);
    return reply.code(204).send();
  });

  app.get('/v3/auth/catalog', { schema: { tags, summary: "The caller's service catalog" } }, async (request, reply) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    await ctx.authorize(caller, 'identity:get_auth_catalog', {});
    // Only a project-scoped token has a catalog here; py-keystone hides its reason behind the generic 403 text.
    if (caller.scope.kind !== 'project') throw new Forbidden();
    const catalog = await buildCatalog(ctx.db, caller.userId, caller.scope.projectId, catalogOptions(ctx.config));
    return reply.send({ catalog, links: { self: `${ctx.baseUrl(request)}/v3/auth/catalog` } });
  });

  app.get('/v3/auth/projects', { schema: { tags, summary: 'Projects the caller can scope to' } }, async (request, reply) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    await ctx.authorize(caller, 'identity:get_auth_projects', {});
    const rows = await getProjectsByIds(ctx.db, await projectIdsForUser(ctx.db, caller.userId));
    const extras = await listProjectExtras(ctx.db, rows.map((r) => r.id));
    const base = ctx.baseUrl(request);
    return reply.send({
      projects: rows.map((r) => renderProject(r, extras.get(r.id)!, base)),
      links: { next: null, self: `${base}/v3/auth/projects`, previous: null },
    });
  });

  app.get('/v3/auth/domains', { schema: { tags, summary: 'Domains the caller can scope to' } }, async (request, reply) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    await ctx.authorize(caller, 'identity:get_auth_domains', {});
    const rows = await getProjectsByIds(ctx.db, await domainIdsForUser(ctx.db, caller.userId));
    const extras = await listProjectExtras(ctx.db, rows.map((r) => r.id));
    const base = ctx.baseUrl(request);
    return reply.send({
      domains: rows.map((r) => renderDomain(r, extras.get(r.id)!, base)),
      links: { next: null, self: `${base}/v3/auth/domains`, previous: null },
    });
  });

  app.get('/v3/auth/system', { schema: { tags, summary: 'Whether the caller can scope to the system' } }, async (request, reply) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    await ctx.authorize(caller, 'identity:get_auth_system', {});
    const roles = await rolesOnSystem(ctx.db, caller.userId);
    return reply.send({ system: roles.length > 0 ? [{ all: true }] : [], links: { self: `${ctx.baseUrl(request)}/v3/auth/system` } });
  });
}
