// /v3 routes of the assignment area: roles and role inference rules, grants (project, domain, OS-INHERIT and
// system) and role assignments, listed in JSON-home under py-keystone's relation names.
import type { App, RouteContext } from '../server/app.js';
import { GrantService } from './grant-service.js';
import { registerGrantRoutes } from './grant-routes.js';
import { registerInScope } from './http-scope.js';
import { ImpliedRoleService } from './implied-role-service.js';
import { RoleAssignmentService } from './role-assignment-service.js';
import { registerRoleAssignmentRoutes } from './role-assignment-routes.js';
import { registerRoleRoutes } from './role-routes.js';
import { RoleService } from './role-service.js';
import { SystemGrantService } from './system-grant-service.js';

const PARAM = 'https://docs.openstack.org/api/openstack-identity/3/param/';
const INHERIT = 'ext/OS-INHERIT/1.0/rel/';

export function registerAssignmentRoutes(app: App, ctx: RouteContext): void {
  addJsonHome(ctx);
  registerInScope(app, (scoped) => {
    registerRoleRoutes(scoped, ctx, new RoleService(ctx), new ImpliedRoleService(ctx));
    registerGrantRoutes(scoped, ctx, new GrantService(ctx), new SystemGrantService(ctx));
    registerRoleAssignmentRoutes(scoped, ctx, new RoleAssignmentService(ctx));
  });
}

function addJsonHome({ jsonHome }: RouteContext): void {
  jsonHome.add('rel/roles', '/roles');
  jsonHome.add('rel/role', '/roles/{role_id}');
  jsonHome.add('rel/implied_roles', '/roles/{prior_role_id}/implies', { prior_role_id: `${PARAM}role_id` });
  jsonHome.add('rel/implied_role', '/roles/{prior_role_id}/implies/{implied_role_id}', {
    prior_role_id: `${PARAM}role_id`,
    implied_role_id: `${PARAM}role_id`,
  });
  jsonHome.add('rel/role_inferences', '/role_inferences');
  jsonHome.add('rel/role_assignments', '/role_assignments');
  for (const target of ['project', 'domain']) {
    for (const actor of ['user', 'group']) {
      const base = `/${target}s/{${target}_id}/${actor}s/{${actor}_id}/roles`;
      jsonHome.add(`rel/${target}_${actor}_roles`, base);
      jsonHome.add(`rel/${target}_${actor}_role`, `${base}/{role_id}`);
      jsonHome.add(`${INHERIT}${target}_${actor}_role_inherited_to_projects`, `/OS-INHERIT${base}/{role_id}/inherited_to_projects`);
      if (target === 'domain') {
        jsonHome.add(`${INHERIT}domain_${actor}_roles_inherited_to_projects`, `/OS-INHERIT${base}/inherited_to_projects`);
      }
    }
  }
  for (const actor of ['user', 'group']) {
    jsonHome.add(`rel/system_${actor}_roles`, `/system/${actor}s/{${actor}_id}/roles`);
    jsonHome.add(`rel/system_${actor}_role`, `/system/${actor}s/{${actor}_id}/roles/{role_id}`);
  }
}
