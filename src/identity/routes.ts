// /v3 routes of the identity area (filled in by the v3 admin API work).
import type { App, RouteContext } from '../server/app.js';

export function registerIdentityRoutes(_app: App, _ctx: RouteContext): void {}
