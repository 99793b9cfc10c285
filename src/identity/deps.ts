// What the identity services need from the running server, and the one way they ask policy: the dict
// py-keystone's RBAC enforcer builds (URL arguments, `target`, `request_body`, `filter_attr`).
import type { AuthContext } from '../auth/context.js';
import type { RouteContext } from '../server/app.js';
import { policyDict } from '../server/v3/policy-dict.js';

export type IdentityDeps = Pick<RouteContext, 'db' | 'transaction' | 'events' | 'tokens' | 'authorize' | 'config'>;

export interface PolicyParts {
  params?: Record<string, unknown>;
  target?: Record<string, unknown> | undefined;
  body?: unknown;
  filters?: Record<string, unknown>;
}

export function enforce(deps: IdentityDeps, caller: AuthContext, rule: string, parts: PolicyParts): Promise<void> {
  return deps.authorize(caller, rule, policyDict(parts));
}

/** The domain of a domain-scoped token (oslo.context's domain_id), else undefined. */
export function scopedDomainId(caller: AuthContext): string | undefined {
  return caller.scope.kind === 'domain' ? caller.scope.domainId : undefined;
}

/** py-keystone reads a member with `request_body_json.get('user', {})`: anything but an object body gives {}. */
export function bodyMember(body: unknown, key: string): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const value = (body as Record<string, unknown>)[key];
  return value === undefined ? {} : value;
}
