// The role ids a trust is checked against, computed as py-keystone's list_role_assignments(user, project,
// effective=True, strip_domain_roles=False) does for trusts: direct and group grants on the project, inherited
// grants from its domain and ancestors, implied roles expanded transitively, and, unlike a token's roles,
// domain-specific roles kept.
import { listGrants, listImpliedRoles } from '../assignment/store.js';
import type { Executor } from '../db/connection.js';
import { listGroupIdsForUser } from '../identity/store.js';
import { listAncestorIds } from '../resource/store.js';

export async function trustorRoleIds(db: Executor, userId: string, project: { id: string; domainId: string }): Promise<Set<string>> {
  const actors = [userId, ...(await listGroupIdsForUser(db, userId))];
  const ancestors = await listAncestorIds(db, project.id);
  const [direct, inherited] = await Promise.all([
    listGrants(db, { actorIds: actors, targetIds: [project.id], inherited: false }),
    listGrants(db, { actorIds: actors, targetIds: [project.domainId, ...ancestors], inherited: true }),
  ]);
  return withImpliedRoles(db, [...direct, ...inherited].map((g) => g.roleId));
}

/** py-keystone's add_implied_roles over role ids: the ids and everything they imply, transitively, cycle-safe. */
export async function withImpliedRoles(db: Executor, roleIds: readonly string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  if (roleIds.length === 0) return seen;
  const implications = await listImpliedRoles(db);
  const queue = [...roleIds];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const rule of implications) if (rule.priorRoleId === id) queue.push(rule.impliedRoleId);
  }
  return seen;
}
