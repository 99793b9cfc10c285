// Grant routes: /v3/projects/{project_id}/{users|groups}/{id}/roles[/{role_id}], the same under /v3/domains,
// their OS-INHERIT forms (.../roles/{role_id}/inherited_to_projects, and for domains the
// .../roles/inherited_to_projects lists; py-keystone has no such list for projects), and
// /v3/system/{users|groups}/{id}/roles[/{role_id}]. Checks, grants and revocations answer 204 with no body; GET of
// a single grant is a check (HEAD too), GET of the collection lists the roles.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App, RouteContext } from '../server/app.js';
import { wrapCollection } from '../server/v3/collection.js';
import { callOf } from './call.js';
import type { Grant, GrantService } from './grant-service.js';
import { withRoleLink } from './render.js';
import type { SystemGrantService } from './system-grant-service.js';

const tags = ['grants'];
const ACTORS = [
  { kind: 'user', plural: 'users', param: 'user_id' },
  { kind: 'group', plural: 'groups', param: 'group_id' },
] as const;
const TARGETS = [
  { kind: 'project', plural: 'projects', param: 'project_id' },
  { kind: 'domain', plural: 'domains', param: 'domain_id' },
] as const;

type Actor = (typeof ACTORS)[number];
type Target = (typeof TARGETS)[number];

function paramsSchema(...names: string[]) {
  return z.object(Object.fromEntries(names.map((n) => [n, z.string()])));
}

export function registerGrantRoutes(app: App, ctx: RouteContext, grants: GrantService, system: SystemGrantService): void {
  const roleList = (request: FastifyRequest, refs: Record<string, unknown>[]) => {
    const base = ctx.baseUrl(request);
    return wrapCollection(request, base, 'roles', refs.map((r) => withRoleLink(r, base)));
  };

  const grantOf = (request: FastifyRequest, actor: Actor, target: Target, via: Grant['via'], inherited: boolean): Grant => {
    const params = request.params as Record<string, string>;
    return {
      actor: { kind: actor.kind, id: params[actor.param]! },
      target: { kind: target.kind, id: params[target.param]! },
      inherited,
      via,
    };
  };

  /** Check (GET and HEAD), grant (PUT) and revoke (DELETE) on one role. */
  const memberRoutes = (url: string, names: string[], what: string, grantFor: (request: FastifyRequest) => Grant) => {
    const schema = (summary: string) => ({ tags, summary: `${summary} ${what}`, params: paramsSchema(...names) });
    const roleId = (request: FastifyRequest) => (request.params as { role_id: string }).role_id;
    app.get(url, { schema: schema('Check') }, async (request, reply) => {
      await grants.check(await callOf(request, ctx), grantFor(request), roleId(request));
      return reply.code(204).send();
    });
    app.put(url, { schema: schema('Grant') }, async (request, reply) => {
      await grants.create(await callOf(request, ctx), grantFor(request), roleId(request));
      return reply.code(204).send();
    });
    app.delete(url, { schema: schema('Revoke') }, async (request, reply) => {
      await grants.delete(await callOf(request, ctx), grantFor(request), roleId(request));
      return reply.code(204).send();
    });
  };

  const listRoute = (url: string, names: string[], what: string, grantFor: (request: FastifyRequest) => Grant) => {
    app.get(url, { schema: { tags, summary: `List ${what}`, params: paramsSchema(...names) } }, async (request) =>
      roleList(request, await grants.list(await callOf(request, ctx), grantFor(request))),
    );
  };

  for (const target of TARGETS) {
    for (const actor of ACTORS) {
      const base = `/v3/${target.plural}/:${target.param}/${actor.plural}/:${actor.param}/roles`;
      const names = [target.param, actor.param];
      const what = `a ${actor.kind}'s role on a ${target.kind}`;
      listRoute(base, names, `${actor.kind} roles on a ${target.kind}`, (r) => grantOf(r, actor, target, target.plural, false));
      memberRoutes(`${base}/:role_id`, [...names, 'role_id'], what, (r) => grantOf(r, actor, target, target.plural, false));

      const inherited = `/v3/OS-INHERIT/${target.plural}/:${target.param}/${actor.plural}/:${actor.param}/roles`;
      const inheritedWhat = `${what}, inherited to its projects`;
      memberRoutes(`${inherited}/:role_id/inherited_to_projects`, [...names, 'role_id'], inheritedWhat, (r) =>
        grantOf(r, actor, target, 'os-inherit', true),
      );
      if (target.kind === 'domain') {
        listRoute(`${inherited}/inherited_to_projects`, names, `${actor.kind} roles inherited from a domain`, (r) =>
          grantOf(r, actor, target, 'os-inherit', true),
        );
      }
    }
  }

  for (const actor of ACTORS) {
    const base = `/v3/system/${actor.plural}/:${actor.param}/roles`;
    const actorOf = (request: FastifyRequest) => ({ kind: actor.kind, id: (request.params as Record<string, string>)[actor.param]! });
    const schema = (summary: string, ...names: string[]) => ({ tags, summary, params: paramsSchema(...names) });
    const roleId = (request: FastifyRequest) => (request.params as { role_id: string }).role_id;
    app.get(base, { schema: schema(`List a ${actor.kind}'s system roles`, actor.param) }, async (request) =>
      roleList(request, await system.list(await callOf(request, ctx), actorOf(request))),
    );
    app.get(`${base}/:role_id`, { schema: schema(`Check a ${actor.kind}'s system role`, actor.param, 'role_id') }, async (request, reply) => {
      await system.check(await callOf(request, ctx), actorOf(request), roleId(request));
      return reply.code(204).send();
    });
    app.put(`${base}/:role_id`, { schema: schema(`Grant a ${actor.kind} a system role`, actor.param, 'role_id') }, async (request, reply) => {
      await system.create(await callOf(request, ctx), actorOf(request), roleId(request));
      return reply.code(204).send();
    });
    app.delete(`${base}/:role_id`, { schema: schema(`Revoke a ${actor.kind}'s system role`, actor.param, 'role_id') }, async (request, reply) => {
      await system.delete(await callOf(request, ctx), actorOf(request), roleId(request));
      return reply.code(204).send();
    });
  }
}
