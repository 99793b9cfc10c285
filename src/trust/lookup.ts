// A trust as py-keystone's trust_api.get_trust hands it out: not deleted, not expired and with uses left (any
// of those is "Could not find trust"), its roles attached, and, for a redelegated trust, the whole chain back
// to the original trust re-checked (each link within its parent's limits, each intermediate trustee enabled).
import type { Executor } from '../db/connection.js';
import { Forbidden, NotFound } from '../errors.js';
import { getUser } from '../identity/store.js';
import { getDomainRow } from '../resource/store.js';
import { validateRedelegation } from './redelegation.js';
import { getTrustRow, listTrustRoleIds, type TrustRecord } from './store.js';

export interface Trust extends TrustRecord {
  readonly roleIds: readonly string[];
}

/** py-keystone's TrustNotFound: a 404, except where a token is being issued, which turns it into a bare 401. */
export class TrustNotFound extends NotFound {
  constructor(readonly trustId: string) {
    super(`Could not find trust: ${trustId}.`);
  }
}

function trustNotFound(id: string): TrustNotFound {
  return new TrustNotFound(id);
}

/** The SQL driver's get_trust: a live trust or NotFound. */
export async function liveTrust(db: Executor, id: string, now: Date): Promise<Trust> {
  const row = await getTrustRow(db, id);
  if (!row || row.deletedAt !== null) throw trustNotFound(id);
  if (row.expiresAt !== null && now.getTime() * 1000 > row.expiresAt) throw trustNotFound(id);
  if (row.remainingUses !== null && row.remainingUses <= 0) throw trustNotFound(id);
  return { ...row, roleIds: await listTrustRoleIds(db, id) };
}

/** The trust, then the trust it was redelegated from, and so on back to the original. */
export async function trustPedigree(db: Executor, id: string, now: Date): Promise<Trust[]> {
  const chain = [await liveTrust(db, id, now)];
  for (let t = chain[0]!; t.redelegatedTrustId; ) {
    t = await liveTrust(db, t.redelegatedTrustId, now);
    chain.push(t);
  }
  return chain;
}

/** The trust manager's get_trust. */
export async function getTrust(db: Executor, id: string, options: { now: Date; maxRedelegationCount: number }): Promise<Trust> {
  const trust = await liveTrust(db, id, options.now);
  if (!trust.redelegatedTrustId) return trust;
  const chain = await trustPedigree(db, id, options.now);
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i]!;
    validateRedelegation(parent, chain[i - 1]!, options.maxRedelegationCount);
    if (!(await userEnabled(db, parent.trusteeUserId))) throw new Forbidden();
  }
  return trust;
}

/** identity_api.assert_user_enabled: the user exists, is enabled, and so is the user's domain. */
async function userEnabled(db: Executor, userId: string): Promise<boolean> {
  const user = await getUser(db, userId);
  if (!user) return false;
  const domain = await getDomainRow(db, user.domainId);
  return Boolean(domain?.enabled) && user.enabled;
}
