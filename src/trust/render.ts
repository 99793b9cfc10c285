// Trust bodies as py-keystone renders them: the `extra` attributes first (the body's unknown keys, and the copy
// of the roles py-keystone keeps there, which fixes where `roles` sits), then the columns, with expires_at as
// utils.isotime(subsecond=True) spells it (whole seconds, ".000000Z"). A single trust carries its roles in full
// and `roles_links`, whose self link py-keystone builds without the /OS-TRUST/trusts part; that is kept, since
// clients may compare it.
import { roleRef, withRoleLink } from '../assignment/render.js';
import { getRoles, listRoleOptionRows } from '../assignment/store.js';
import type { Executor } from '../db/connection.js';
import type { TrustRecord } from './store.js';

export function trustTime(micros: number): string {
  return `${new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19)}.000000Z`;
}

export function trustLink(base: string, id: string): string {
  return `${base}/v3/OS-TRUST/trusts/${id}`;
}

function columns(t: TrustRecord): Record<string, unknown> {
  return {
    ...t.extra,
    id: t.id,
    trustor_user_id: t.trustorUserId,
    trustee_user_id: t.trusteeUserId,
    project_id: t.projectId,
    impersonation: t.impersonation,
    expires_at: t.expiresAt === null ? null : trustTime(t.expiresAt),
    remaining_uses: t.remainingUses,
    deleted_at: t.deletedAt === null ? null : trustTime(t.deletedAt.getTime() * 1000),
    redelegated_trust_id: t.redelegatedTrustId,
    redelegation_count: t.redelegationCount,
  };
}

/** GET /v3/OS-TRUST/trusts/{id} and the POST answer. */
export function trustMember(t: TrustRecord, roles: readonly Record<string, unknown>[], base: string): Record<string, unknown> {
  const ref = columns(t);
  ref.roles = roles;
  ref.roles_links = rolesLinks(t.id, base);
  ref.links = { self: trustLink(base, t.id) };
  return ref;
}

/** A member of GET /v3/OS-TRUST/trusts: no roles at all. */
export function trustListEntry(t: TrustRecord, base: string): Record<string, unknown> {
  const { roles: _roles, ...ref } = columns(t);
  return { ...ref, links: { self: trustLink(base, t.id) } };
}

export function rolesLinks(trustId: string, base: string): Record<string, unknown> {
  return { self: `${base}/v3/${trustId}/roles`, next: null, previous: null };
}

/** Full role refs (with self links) for role ids, in their order; ids of roles that no longer exist are skipped. */
export async function loadRoleRefs(db: Executor, roleIds: readonly string[], base: string): Promise<Record<string, unknown>[]> {
  return (await loadRoles(db, roleIds)).map((ref) => withRoleLink(ref, base));
}

/** role_api.get_role's dicts (no links), in the ids' order, missing roles skipped. */
export async function loadRoles(db: Executor, roleIds: readonly string[]): Promise<Record<string, unknown>[]> {
  const [rows, options] = await Promise.all([getRoles(db, [...roleIds]), listRoleOptionRows(db, [...roleIds])]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return roleIds.flatMap((id) => {
    const row = byId.get(id);
    return row ? [roleRef(row, options.get(id) ?? [])] : [];
  });
}
