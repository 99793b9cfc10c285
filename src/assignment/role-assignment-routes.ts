// GET /v3/role_assignments with py-keystone's filters (user.id, group.id, role.id, scope.project.id,
// scope.domain.id, scope.system, scope.OS-INHERIT:inherited_to) and flags (effective, include_names,
// include_subtree). The collection is never truncated: py-keystone applies no list_limit to it.
import type { App, RouteContext } from '../server/app.js';
import { wrapCollection } from '../server/v3/collection.js';
import { callOf } from './call.js';
import type { RoleAssignmentService } from './role-assignment-service.js';
import { roleAssignmentQuery } from './schemas.js';

export function registerRoleAssignmentRoutes(app: App, ctx: RouteContext, assignments: RoleAssignmentService): void {
  app.get(
    '/v3/role_assignments',
    { schema: { tags: ['role_assignments'], summary: 'List role assignments', querystring: roleAssignmentQuery } },
    async (request) => {
      const base = ctx.baseUrl(request);
      const list = await assignments.list(await callOf(request, ctx), request.query, base);
      return wrapCollection(request, base, 'role_assignments', list);
    },
  );
}
