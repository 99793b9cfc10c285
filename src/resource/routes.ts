// /v3 routes of the resource area (filled in by the v3 admin API work).
import type { App, RouteContext } from '../server/app.js';

export function registerResourceRoutes(_app: App, _ctx: RouteContext): void {}
