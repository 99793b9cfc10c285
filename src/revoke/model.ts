// Whether a revocation event kills a token, with py-keystone's semantics: every field the event sets must match
// the token; a domain_id with an expires_at means "this domain-scoped token", a bare domain_id means "every token
// of that domain" (user's domain or scope's domain); expires_at compares to the second.
import type { RevocationEventRow } from './store.js';

export interface TokenRevocationValues {
  issuedAt: Date;
  expiresAt: Date;
  userId: string;
  identityDomainId: string;
  projectId: string | null;
  /** The scope's domain: the project's domain for project scope, the domain for domain scope. */
  assignmentDomainId: string | null;
  roleIds: readonly string[];
  trustId: string | null;
  trustorId: string | null;
  trusteeId: string | null;
  consumerId: string | null;
  auditId: string;
  auditChainId: string | null;
}

export function isRevoked(events: readonly RevocationEventRow[], token: TokenRevocationValues): boolean {
  return events.some((event) => matches(event, token));
}

function matches(event: RevocationEventRow, token: TokenRevocationValues): boolean {
  const expiresAt = event.expiresAt ? truncateToSecond(event.expiresAt) : null;
  const domainScoped = event.domainId !== null && expiresAt !== null;
  if (event.domainId !== null && !domainScoped) {
    if (event.domainId !== token.identityDomainId && event.domainId !== token.assignmentDomainId) return false;
  }
  if (domainScoped && event.domainId !== token.assignmentDomainId) return false;
  if (expiresAt !== null && expiresAt !== truncateToSecond(token.expiresAt)) return false;
  if (event.trustId !== null && event.trustId !== token.trustId) return false;
  if (event.consumerId !== null && event.consumerId !== token.consumerId) return false;
  if (event.auditChainId !== null && event.auditChainId !== token.auditChainId) return false;
  if (event.roleId !== null && !token.roleIds.includes(event.roleId)) return false;
  return true;
}

function truncateToSecond(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}
