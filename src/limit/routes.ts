// Unified limits: /v3/registered_limits, /v3/limits and /v3/limits/model, with their JSON-home relations.
import type { App, RouteContext } from '../server/app.js';
import { registerProjectLimitRoutes } from './limit-routes.js';
import { registerRegisteredLimitRoutes } from './registered-limit-routes.js';

export function registerLimitRoutes(app: App, ctx: RouteContext): void {
  ctx.jsonHome.add('rel/registered_limits', '/registered_limits');
  ctx.jsonHome.add('rel/registered_limit', '/registered_limits/{registered_limit_id}');
  ctx.jsonHome.add('rel/limits', '/limits');
  ctx.jsonHome.add('rel/limit', '/limits/{limit_id}');
  ctx.jsonHome.add('rel/limit_model', '/limits/model');
  registerRegisteredLimitRoutes(app, ctx);
  registerProjectLimitRoutes(app, ctx);
}
