// What a trust-scoped token needs, checked as py-keystone's TokenModel checks it each time such a token is
// minted or validated: the user is the trust's trustee, the trustor is enabled (and both users' domains are),
// and the trustor still holds every role the trust delegates (implied roles included) on the trust's project.
// The token's roles are then the delegated roles and the roles they imply, global roles only.
import type { Executor } from '../db/connection.js';
import { Forbidden, NotFound } from '../errors.js';
import { getUser, type UserRecord } from '../identity/store.js';
import { getDomainRow, getProjectRow, type ProjectRow } from '../resource/store.js';
import { trustPedigree, type Trust } from './lookup.js';
import { loadRoles } from './render.js';
import { trustorRoleIds, withImpliedRoles } from './trustor-roles.js';

export interface TrustParties {
  readonly trustor: UserRecord;
  readonly trustorDomain: ProjectRow;
}

/** _validate_token_user for a trust: only the trustee may use it; a disabled trustor blocks it. */
export async function checkTrustParties(db: Executor, trust: Trust, userId: string): Promise<TrustParties> {
  const trustee = await getUser(db, trust.trusteeUserId);
  if (!trustee) throw NotFound.of('user', trust.trusteeUserId);
  // "User is not a trustee." - a security error, so clients see only the generic text.
  if (userId !== trustee.id) throw new Forbidden();
  const trustor = await getUser(db, trust.trustorUserId);
  if (!trustor) throw NotFound.of('user', trust.trustorUserId);
  const trustorDomain = await getDomainRow(db, trustor.domainId);
  if (!trustorDomain) throw NotFound.of('domain', trustor.domainId);
  // py-keystone raises TokenNotFound with these texts, which (not being security errors) clients do see.
  if (!trustorDomain.enabled) throw new NotFound('Trustor domain is disabled.');
  const trusteeDomain = await getDomainRow(db, trustee.domainId);
  if (!trusteeDomain) throw NotFound.of('domain', trustee.domainId);
  if (!trusteeDomain.enabled) throw new NotFound('Trustee domain is disabled.');
  if (!trustor.enabled) throw new Forbidden();
  return { trustor, trustorDomain };
}

/**
 * The roles of a token scoped to `trust` (role_api.get_role dicts), checked against the original trustor of a
 * redelegated chain (_get_trust_roles) and against the trust's own trustor (_validate_trust_scope). Any delegated
 * role the trustor has lost makes the token invalid ("Trustee has no delegated roles.", a bare 403).
 */
export async function trustTokenRoles(db: Executor, trust: Trust, now: Date): Promise<Record<string, unknown>[]> {
  // get_roles_for_trustor_and_project looks the project up first, even for a trust without one.
  if (!trust.projectId) throw NotFound.of('project', 'None');
  const project = await getProjectRow(db, trust.projectId);
  if (!project) throw NotFound.of('project', trust.projectId);
  const delegated = await withImpliedRoles(db, trust.roleIds);
  const originalTrustorId = trust.redelegatedTrustId ? (await trustPedigree(db, trust.id, now)).at(-1)!.trustorUserId : trust.trustorUserId;
  const trustors = new Set([originalTrustorId, trust.trustorUserId]);
  for (const trustorId of trustors) {
    const held = await trustorRoleIds(db, trustorId, project);
    for (const id of delegated) if (!held.has(id)) throw new Forbidden();
  }
  return (await loadRoles(db, [...delegated])).filter((r) => r.domain_id === null);
}
