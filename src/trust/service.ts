// Reading and deleting trusts with py-keystone's rules (keystone/api/trusts.py, keystone/trust/core.py): a trust
// that is gone, expired or used up is a 404 before policy is asked (lp#1840288), policy sees the trust under
// `target.trust`, and tokens from delegated credentials are refused after policy. Deleting a trust soft-deletes
// it and what was redelegated from it, and revokes their tokens.
import type { AuthContext } from '../auth/context.js';
import type { Executor } from '../db/connection.js';
import { NotFound } from '../errors.js';
import { insertRevocationEvent } from '../revoke/store.js';
import type { RouteContext } from '../server/app.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { refuseDelegatedToken } from './delegated-token.js';
import { getTrust, liveTrust, type Trust } from './lookup.js';
import { loadRoleRefs, rolesLinks, trustListEntry, trustMember, trustTime } from './render.js';
import { listTrustRows, softDeleteTrust } from './store.js';

export type TrustDeps = Pick<RouteContext, 'db' | 'transaction' | 'events' | 'tokens' | 'authorize' | 'config'>;

export interface TrustListQuery {
  readonly trustor_user_id?: string | undefined;
  readonly trustee_user_id?: string | undefined;
}

/** The CADF resource type of trust notifications. */
export const TRUST_RESOURCE_TYPE = 'OS-TRUST:trust';

export class TrustService {
  constructor(private readonly deps: TrustDeps) {}

  /** trust_api.get_trust with this server's clock and [trust] max_redelegation_count. */
  lookup(db: Executor, id: string): Promise<Trust> {
    return getTrust(db, id, { now: new Date(), maxRedelegationCount: this.deps.config.trust.max_redelegation_count });
  }

  async get(caller: AuthContext, trustId: string, body: unknown, base: string): Promise<Record<string, unknown>> {
    const trust = await this.authorizeOn(caller, 'identity:get_trust', trustId, body);
    refuseDelegatedToken(caller);
    return trustMember(trust, await loadRoleRefs(this.deps.db, trust.roleIds, base), base);
  }

  /**
   * A trustor or trustee filter picks the rule (trustor first); with no query at all every live trust is listed,
   * and with a query that names neither (e.g. `?trustor_user_id=`), none: py-keystone's dispatch, kept as is.
   */
  async list(caller: AuthContext, query: TrustListQuery & Record<string, unknown>, body: unknown, base: string) {
    const { trustor_user_id: trustor, trustee_user_id: trustee } = query;
    if (trustor) {
      await this.deps.authorize(caller, 'identity:list_trusts_for_trustor', policyDict({ target: { trust: { trustor_user_id: trustor } }, body }));
    } else if (trustee) {
      await this.deps.authorize(caller, 'identity:list_trusts_for_trustee', policyDict({ target: { trust: { trustee_user_id: trustee } }, body }));
    } else {
      await this.deps.authorize(caller, 'identity:list_trusts', policyDict({ body }));
    }
    refuseDelegatedToken(caller);
    let rows: Awaited<ReturnType<typeof listTrustRows>> = [];
    if (Object.keys(query).length === 0) rows = await listTrustRows(this.deps.db);
    else if (trustor) rows = await listTrustRows(this.deps.db, { trustorUserId: trustor });
    else if (trustee) rows = await listTrustRows(this.deps.db, { trusteeUserId: trustee });
    return rows.map((t) => trustListEntry(t, base));
  }

  async listRoles(caller: AuthContext, trustId: string, body: unknown, base: string) {
    const trust = await this.authorizeOn(caller, 'identity:list_roles_for_trust', trustId, body);
    refuseDelegatedToken(caller);
    return { roles: await loadRoleRefs(this.deps.db, trust.roleIds, base), links: rolesLinks(trust.id, base) };
  }

  async getRole(caller: AuthContext, trustId: string, roleId: string, body: unknown, base: string) {
    const trust = await this.authorizeOn(caller, 'identity:get_role_for_trust', trustId, body);
    refuseDelegatedToken(caller);
    if (!trust.roleIds.includes(roleId)) throw NotFound.of('role', roleId);
    const [role] = await loadRoleRefs(this.deps.db, [roleId], base);
    if (!role) throw NotFound.of('role', roleId);
    return role;
  }

  async delete(caller: AuthContext, trustId: string, body: unknown): Promise<void> {
    await this.authorizeOn(caller, 'identity:delete_trust', trustId, body);
    refuseDelegatedToken(caller);
    const now = new Date();
    const deleted = await this.deps.transaction((tx) => deleteWithRedelegations(tx, trustId, now));
    this.deps.tokens.invalidateCache();
    for (const id of deleted) this.deps.events.emit('deleted', TRUST_RESOURCE_TYPE, id, caller);
  }

  /** _build_trust_target_enforcement: the trust (404 when it is not live), then the rule on it. */
  private async authorizeOn(caller: AuthContext, rule: string, trustId: string, body: unknown): Promise<Trust> {
    const trust = await this.lookup(this.deps.db, trustId);
    await this.deps.authorize(caller, rule, policyDict({ params: { trust_id: trustId }, target: { trust: policyView(trust) }, body }));
    return trust;
  }
}

/** The trust as py-keystone's get_trust dict: extra, columns, and the roles as [{id}]. */
export function policyView(t: Trust): Record<string, unknown> {
  return {
    ...t.extra,
    id: t.id,
    trustor_user_id: t.trustorUserId,
    trustee_user_id: t.trusteeUserId,
    project_id: t.projectId,
    impersonation: t.impersonation,
    expires_at: t.expiresAt === null ? null : trustTime(t.expiresAt),
    remaining_uses: t.remainingUses,
    deleted_at: null,
    redelegated_trust_id: t.redelegatedTrustId,
    redelegation_count: t.redelegationCount,
    roles: t.roleIds.map((id) => ({ id })),
  };
}

/**
 * trust_api.delete_trust: first the trusts redelegated from this one (looked up, as py-keystone does, among
 * the trusts of this trust's trustor), each skipped if it is no longer live, then this one; every deleted trust
 * gets a revocation event on its id. Answers the deleted ids, in deletion order.
 */
async function deleteWithRedelegations(tx: Executor, trustId: string, now: Date): Promise<string[]> {
  const trust = await liveTrust(tx, trustId, now);
  const deleted: string[] = [];
  for (const child of await listTrustRows(tx, { trustorUserId: trust.trustorUserId, redelegatedTrustId: trustId })) {
    try {
      deleted.push(...(await deleteWithRedelegations(tx, child.id, now)));
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
    }
  }
  await softDeleteTrust(tx, trustId, now);
  const revokedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  await insertRevocationEvent(tx, { trustId, issuedBefore: revokedAt, revokedAt });
  deleted.push(trustId);
  return deleted;
}
