// Every route module keystone-ts serves, in registration order.
import { registerApplicationCredentialRoutes } from './application-credential/routes.js';
import { registerAssignmentRoutes } from './assignment/routes.js';
import { registerAuthRoutes } from './auth/routes.js';
import { registerCatalogRoutes } from './catalog/routes.js';
import { registerCredentialRoutes } from './credential/routes.js';
import { registerEc2Routes } from './ec2/routes.js';
import { registerEndpointFilterRoutes } from './endpoint-filter/routes.js';
import { registerIdentityRoutes } from './identity/routes.js';
import { registerLimitRoutes } from './limit/routes.js';
import { registerResourceRoutes } from './resource/routes.js';
import { registerRevokeRoutes } from './revoke/routes.js';
import type { RouteModule } from './server/app.js';
import { registerPolicyApiRoutes } from './policy-api/routes.js';
import { registerNotImplemented } from './server/not-implemented.js';
import { registerTrustRoutes } from './trust/routes.js';

export const allRouteModules: readonly RouteModule[] = [
  registerAuthRoutes,
  registerResourceRoutes,
  registerIdentityRoutes,
  registerAssignmentRoutes,
  registerCatalogRoutes,
  registerEndpointFilterRoutes,
  registerPolicyApiRoutes,
  registerApplicationCredentialRoutes,
  registerCredentialRoutes,
  registerEc2Routes,
  registerRevokeRoutes,
  registerLimitRoutes,
  registerTrustRoutes,
  registerNotImplemented,
];
