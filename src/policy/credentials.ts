// The credentials a policy rule sees: exactly the dict py-keystone hands to oslo.policy. That is
// oslo.context's RequestContext.to_policy_values() (filled from the headers keystonemiddleware derives from the
// token) plus keystone's own `token` (the rendered token body) and `domain_id`.
import type { AuthContext } from '../auth/context.js';
import type { KeystoneConfig } from '../config/schema.js';

export interface PolicyCredentials {
  readonly user_id: string | null;
  readonly user_domain_id: string | null;
  /** 'all' for a system-scoped token, else null. */
  readonly system_scope: string | null;
  /** Set only for a domain-scoped token. */
  readonly domain_id: string | null;
  readonly project_id: string | null;
  readonly project_domain_id: string | null;
  /** Role names of the token, in token order. */
  readonly roles: readonly string[];
  readonly is_admin_project: boolean;
  readonly service_user_id: string | null;
  readonly service_user_domain_id: string | null;
  readonly service_project_id: string | null;
  readonly service_project_domain_id: string | null;
  readonly service_roles: readonly string[];
  /** The token body as GET /v3/auth/tokens renders it (rules use `token.project.domain.id` and the like). */
  readonly token: Readonly<Record<string, unknown>> | null;
}

export function buildPolicyCredentials(ctx: AuthContext, config: Pick<KeystoneConfig, 'resource'>): PolicyCredentials {
  const scope = ctx.scope;
  return {
    user_id: ctx.userId,
    user_domain_id: ctx.userDomainId,
    system_scope: scope.kind === 'system' ? scope.system : null,
    domain_id: scope.kind === 'domain' ? scope.domainId : null,
    project_id: scope.kind === 'project' ? scope.projectId : null,
    project_domain_id: scope.kind === 'project' ? scope.projectDomainId : null,
    roles: rolesFromHeader(ctx.roles.map((r) => r.name).join(',')),
    is_admin_project: isAdminProject(ctx, config),
    // keystone-ts does not take service tokens (X-Service-Token) into the policy view.
    service_user_id: null,
    service_user_domain_id: null,
    service_project_id: null,
    service_project_domain_id: null,
    service_roles: [],
    token: ctx.tokenBody,
  };
}

/**
 * Roles reach oslo.context through keystonemiddleware's X-Roles header: joined with ',' and split again,
 * each name stripped. A role name containing a comma therefore becomes two roles there, and here.
 */
function rolesFromHeader(header: string): string[] {
  return header ? header.split(',').map((r) => r.trim()) : [];
}

/**
 * keystonemiddleware reports X-Is-Admin-Project from the token's `is_admin_project`, which py-keystone only
 * renders for project scope when [resource] admin_project_name and admin_project_domain_name are both set,
 * and defaults to True when absent. keystone forces False for domain-scoped tokens.
 */
function isAdminProject(ctx: AuthContext, config: Pick<KeystoneConfig, 'resource'>): boolean {
  if (ctx.scope.kind === 'domain') return false;
  if (ctx.scope.kind !== 'project') return true;
  const configured = Boolean(config.resource.admin_project_name && config.resource.admin_project_domain_name);
  return configured ? ctx.isAdminProject : true;
}
