// Whether a trust may hang off the trust it was redelegated from (py-keystone's _validate_redelegation), checked
// when a redelegated trust is created and again every time one is looked up. Every refusal is py-keystone's
// bare Forbidden, whose text (a security error) clients never see.
import { Forbidden } from '../errors.js';
import type { Trust } from './lookup.js';

export interface RedelegationChild {
  readonly remainingUses: number | null;
  /** Microseconds since the epoch. */
  readonly expiresAt: number | null;
  readonly roleIds: readonly string[];
  readonly impersonation: boolean;
}

/**
 * Throws unless `child` stays within `parent`: the parent may still be redelegated (0 < redelegation_count <=
 * [trust] max_redelegation_count), the child has no use limit, does not outlive the parent, delegates only the
 * parent's roles and impersonates only if the parent does. Answers the child's expiry: a child without one
 * takes the parent's, as py-keystone writes it back into the trust being created.
 */
export function validateRedelegation(parent: Trust, child: RedelegationChild, maxRedelegationCount: number): number | null {
  const depth = parent.redelegationCount ?? 0;
  if (!(depth > 0 && depth <= maxRedelegationCount)) throw new Forbidden();
  if (child.remainingUses !== null) throw new Forbidden();
  let expiresAt = child.expiresAt;
  if (expiresAt === null) expiresAt = parent.expiresAt;
  // A parent without expiry outlives any child (py-keystone compares None < datetime here and fails with a 500).
  else if (parent.expiresAt !== null && parent.expiresAt < expiresAt) throw new Forbidden();
  const parentRoles = new Set(parent.roleIds);
  if (!child.roleIds.every((id) => parentRoles.has(id))) throw new Forbidden();
  if (!parent.impersonation && child.impersonation) throw new Forbidden();
  return expiresAt;
}
