// The roles a user holds on a scope, computed as py-keystone computes a token's roles: direct and group grants,
// grants inherited from the project's domain and ancestors, implied roles expanded transitively, and
// domain-specific roles stripped (they only ever contribute the global roles they imply).
import type { RoleRef } from '../auth/context.js';
import type { Executor } from '../db/connection.js';
import { NULL_DOMAIN_ID } from '../db/legacy/schema.js';
import { listGroupIdsForUser } from '../identity/store.js';
import { listAncestorIds, listDescendantIds, listProjectIdsInDomain } from '../resource/store.js';
import { getRoles, listGrants, listGrantsOfActors, listImpliedRoles, listSystemRoleIds } from './store.js';

export async function rolesOnProject(db: Executor, userId: string, project: { id: string; domainId: string }): Promise<RoleRef[]> {
  const actors = [userId, ...(await listGroupIdsForUser(db, userId))];
  const ancestors = await listAncestorIds(db, project.id);
  const [direct, inherited] = await Promise.all([
    listGrants(db, { actorIds: actors, targetIds: [project.id], inherited: false }),
    listGrants(db, { actorIds: actors, targetIds: [project.domainId, ...ancestors], inherited: true }),
  ]);
  return expand(db, [...direct, ...inherited].map((g) => g.roleId));
}

export async function rolesOnDomain(db: Executor, userId: string, domainId: string): Promise<RoleRef[]> {
  const actors = [userId, ...(await listGroupIdsForUser(db, userId))];
  const grants = await listGrants(db, { actorIds: actors, targetIds: [domainId], inherited: false });
  return expand(db, grants.map((g) => g.roleId));
}

export async function rolesOnSystem(db: Executor, userId: string): Promise<RoleRef[]> {
  const actors = [userId, ...(await listGroupIdsForUser(db, userId))];
  return expand(db, await listSystemRoleIds(db, actors));
}

/** Adds implied roles (transitively, cycle-safe), then drops domain-specific roles. */
export async function expand(db: Executor, roleIds: string[]): Promise<RoleRef[]> {
  if (roleIds.length === 0) return [];
  const implications = await listImpliedRoles(db);
  const seen = new Set<string>();
  const queue = [...roleIds];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const rule of implications) if (rule.priorRoleId === id) queue.push(rule.impliedRoleId);
  }
  const rows = await getRoles(db, [...seen]);
  return rows.filter((r) => r.domainId === NULL_DOMAIN_ID).map((r) => ({ id: r.id, name: r.name }));
}

/** Projects where the user holds any role, directly, through a group, or inherited from a domain or parent. */
export async function projectIdsForUser(db: Executor, userId: string): Promise<string[]> {
  const actors = [userId, ...(await listGroupIdsForUser(db, userId))];
  const grants = await listGrantsOfActors(db, actors);
  const ids = new Set<string>();
  for (const g of grants) {
    const onProject = g.type === 'UserProject' || g.type === 'GroupProject';
    if (onProject && !g.inherited) ids.add(g.targetId);
    else if (onProject) for (const id of await listDescendantIds(db, g.targetId)) ids.add(id);
    else if (g.inherited) for (const id of await listProjectIdsInDomain(db, g.targetId)) ids.add(id);
  }
  return [...ids];
}

/** Domains where the user holds a (non-inherited) role directly or through a group. */
export async function domainIdsForUser(db: Executor, userId: string): Promise<string[]> {
  const actors = [userId, ...(await listGroupIdsForUser(db, userId))];
  const grants = await listGrantsOfActors(db, actors);
  return [...new Set(grants.filter((g) => (g.type === 'UserDomain' || g.type === 'GroupDomain') && !g.inherited).map((g) => g.targetId))];
}
