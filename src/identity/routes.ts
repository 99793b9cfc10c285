// /v3 routes of the identity area: users and groups, listed in JSON-home under py-keystone's relation names.
import type { App, RouteContext } from '../server/app.js';
import { registerGroupRoutes } from './group-routes.js';
import { GroupService } from './group-service.js';
import { UserService } from './service.js';
import { registerUserRoutes } from './user-routes.js';

export function registerIdentityRoutes(app: App, ctx: RouteContext): void {
  const { jsonHome } = ctx;
  jsonHome.add('rel/users', '/users');
  jsonHome.add('rel/user', '/users/{user_id}');
  jsonHome.add('rel/user_change_password', '/users/{user_id}/password');
  jsonHome.add('rel/user_groups', '/users/{user_id}/groups');
  jsonHome.add('rel/user_projects', '/users/{user_id}/projects');
  jsonHome.add('rel/groups', '/groups');
  jsonHome.add('rel/group', '/groups/{group_id}');
  jsonHome.add('rel/group_users', '/groups/{group_id}/users');
  jsonHome.add('rel/group_user', '/groups/{group_id}/users/{user_id}');

  const groups = new GroupService(ctx);
  registerUserRoutes(app, ctx, new UserService(ctx), groups);
  registerGroupRoutes(app, ctx, groups);
}
