// SQL for roles and grants: `role` (global roles carry domain_id '<<null>>') and `role_option`, `implied_role`,
// `assignment` (project and domain grants, user or group actor, optionally inherited) and `system_assignment`; plus
// the reads of identity's and resource's tables that grants and role assignments need (groups, memberships, the
// project tree), kept here so those areas' stores stay theirs.
import { and, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { executeRows } from '../db/rows.js';
import {
  assignment,
  expiringUserGroupMembership,
  group,
  identityProvider,
  impliedRole,
  NULL_DOMAIN_ID,
  role,
  roleOption,
  systemAssignment,
  userGroupMembership,
} from '../db/legacy/schema.js';

export type RoleRow = typeof role.$inferSelect;
export type GrantType = 'UserProject' | 'GroupProject' | 'UserDomain' | 'GroupDomain';

export async function listGrants(
  db: Executor,
  filter: { actorIds: string[]; targetIds: string[]; inherited: boolean },
): Promise<{ roleId: string; actorId: string; targetId: string; type: GrantType }[]> {
  if (filter.actorIds.length === 0 || filter.targetIds.length === 0) return [];
  return db
    .select({ roleId: assignment.roleId, actorId: assignment.actorId, targetId: assignment.targetId, type: assignment.type })
    .from(assignment)
    .where(
      and(
        inArray(assignment.actorId, filter.actorIds),
        inArray(assignment.targetId, filter.targetIds),
        eq(assignment.inherited, filter.inherited),
      ),
    );
}

export async function listGrantsOfActors(db: Executor, actorIds: string[]) {
  if (actorIds.length === 0) return [];
  return db.select().from(assignment).where(inArray(assignment.actorId, actorIds));
}

export async function listSystemRoleIds(db: Executor, actorIds: string[]): Promise<string[]> {
  if (actorIds.length === 0) return [];
  const rows = await db
    .select({ roleId: systemAssignment.roleId })
    .from(systemAssignment)
    .where(and(inArray(systemAssignment.actorId, actorIds), eq(systemAssignment.targetId, 'system')));
  return rows.map((r) => r.roleId);
}

export async function listImpliedRoles(db: Executor): Promise<{ priorRoleId: string; impliedRoleId: string }[]> {
  return db.select().from(impliedRole);
}

export async function getRoles(db: Executor, ids: string[]): Promise<RoleRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(role).where(inArray(role.id, ids));
}

export async function findGlobalRoleByName(db: Executor, name: string): Promise<RoleRow | undefined> {
  const rows = await db
    .select()
    .from(role)
    .where(and(eq(role.name, name), eq(role.domainId, NULL_DOMAIN_ID)))
    .limit(1);
  return rows[0];
}

export async function insertRole(db: Executor, row: typeof role.$inferInsert, options: Record<string, string>): Promise<void> {
  await db.insert(role).values(row);
  for (const [optionId, optionValue] of Object.entries(options)) {
    await db.insert(roleOption).values({ roleId: row.id, optionId, optionValue });
  }
}

/** Inserts unless present; returns whether a row was added. */
export async function ensureImpliedRole(db: Executor, priorRoleId: string, impliedRoleId: string): Promise<boolean> {
  const rows = await db.insert(impliedRole).values({ priorRoleId, impliedRoleId }).onConflictDoNothing().returning();
  return rows.length > 0;
}

export async function ensureGrant(
  db: Executor,
  g: { type: GrantType; actorId: string; targetId: string; roleId: string; inherited: boolean },
): Promise<boolean> {
  const rows = await db.insert(assignment).values(g).onConflictDoNothing().returning();
  return rows.length > 0;
}

export async function ensureSystemGrant(
  db: Executor,
  g: { type: 'UserSystem' | 'GroupSystem'; actorId: string; roleId: string },
): Promise<boolean> {
  const rows = await db
    .insert(systemAssignment)
    .values({ ...g, targetId: 'system', inherited: false })
    .onConflictDoNothing()
    .returning();
  return rows.length > 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Roles and their resource options (the /v3/roles routes)

export type RoleColumn = 'name' | 'domain_id';
const ROLE_COLUMNS = { name: role.name, domain_id: role.domainId } as const;

export interface RoleListQuery {
  readonly equals: readonly { column: RoleColumn; value: string }[];
  /** Case-insensitive LIKE patterns: py-keystone passes the value's own % and _ through as wildcards. */
  readonly ilike: readonly { column: RoleColumn; pattern: string }[];
}

export async function getRole(db: Executor, id: string): Promise<RoleRow | undefined> {
  const rows = await db.select().from(role).where(eq(role.id, id)).limit(1);
  return rows[0];
}

/** Roles matching every condition, in the table's natural order (py-keystone's query is unordered). */
export async function listRoleRows(db: Executor, query: RoleListQuery): Promise<RoleRow[]> {
  const conditions: SQL[] = [];
  for (const f of query.equals) conditions.push(eq(ROLE_COLUMNS[f.column], f.value));
  for (const f of query.ilike) conditions.push(ilike(ROLE_COLUMNS[f.column], f.pattern));
  return db.select().from(role).where(and(...conditions));
}

/** Option rows (option values are JSON text) of several roles, by role id. */
export async function listRoleOptionRows(db: Executor, roleIds: string[]): Promise<Map<string, { optionId: string; optionValue: string | null }[]>> {
  const result = new Map<string, { optionId: string; optionValue: string | null }[]>(roleIds.map((id) => [id, []]));
  if (roleIds.length === 0) return result;
  const rows = await db.select().from(roleOption).where(inArray(roleOption.roleId, roleIds));
  for (const r of rows) result.get(r.roleId)?.push({ optionId: r.optionId, optionValue: r.optionValue });
  return result;
}

export async function updateRoleRow(db: Executor, id: string, values: Partial<Omit<typeof role.$inferInsert, 'id'>>): Promise<void> {
  await db.update(role).set(values).where(eq(role.id, id));
}

/** Sets options by option id (value as JSON text); null removes the option. Options not named are left alone. */
export async function setRoleOptions(db: Executor, roleId: string, options: Record<string, string | null>): Promise<void> {
  for (const [optionId, optionValue] of Object.entries(options)) {
    await db.delete(roleOption).where(and(eq(roleOption.roleId, roleId), eq(roleOption.optionId, optionId)));
    if (optionValue !== null) await db.insert(roleOption).values({ roleId, optionId, optionValue });
  }
}

/** Deletes the role; its options and implication rules go with it (ON DELETE CASCADE). */
export async function deleteRoleRow(db: Executor, id: string): Promise<void> {
  await db.delete(role).where(eq(role.id, id));
}

/** Every project, domain and system grant of a role. */
export async function deleteGrantsOfRole(db: Executor, roleId: string): Promise<void> {
  await db.delete(assignment).where(eq(assignment.roleId, roleId));
  await db.delete(systemAssignment).where(eq(systemAssignment.roleId, roleId));
}

// ---------------------------------------------------------------------------------------------------------------
// Implied roles

export async function findImpliedRole(db: Executor, priorRoleId: string, impliedRoleId: string): Promise<boolean> {
  const rows = await db
    .select({ prior: impliedRole.priorRoleId })
    .from(impliedRole)
    .where(and(eq(impliedRole.priorRoleId, priorRoleId), eq(impliedRole.impliedRoleId, impliedRoleId)))
    .limit(1);
  return rows.length > 0;
}

export async function listImpliedRoleIds(db: Executor, priorRoleId: string): Promise<string[]> {
  const rows = await db
    .select({ id: impliedRole.impliedRoleId })
    .from(impliedRole)
    .where(eq(impliedRole.priorRoleId, priorRoleId));
  return rows.map((r) => r.id);
}

/** Returns how many rules were removed (0 or 1). */
export async function deleteImpliedRole(db: Executor, priorRoleId: string, impliedRoleId: string): Promise<number> {
  const rows = await db
    .delete(impliedRole)
    .where(and(eq(impliedRole.priorRoleId, priorRoleId), eq(impliedRole.impliedRoleId, impliedRoleId)))
    .returning();
  return rows.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Project and domain grants

export interface GrantKey {
  readonly actorId: string;
  readonly targetId: string;
  readonly roleId: string;
  readonly inherited: boolean;
  /** Domain grants are looked up among User/GroupDomain rows, project grants among User/GroupProject rows. */
  readonly on: 'project' | 'domain';
}

const TYPES_ON: Record<GrantKey['on'], GrantType[]> = {
  project: ['UserProject', 'GroupProject'],
  domain: ['UserDomain', 'GroupDomain'],
};

function grantCondition(key: GrantKey): SQL | undefined {
  return and(
    eq(assignment.actorId, key.actorId),
    eq(assignment.targetId, key.targetId),
    inArray(assignment.type, TYPES_ON[key.on]),
    eq(assignment.roleId, key.roleId),
    eq(assignment.inherited, key.inherited),
  );
}

export async function grantExists(db: Executor, key: GrantKey): Promise<boolean> {
  const rows = await db.select({ roleId: assignment.roleId }).from(assignment).where(grantCondition(key)).limit(1);
  return rows.length > 0;
}

/** Returns how many grants were removed. */
export async function deleteGrant(db: Executor, key: GrantKey): Promise<number> {
  const rows = await db.delete(assignment).where(grantCondition(key)).returning();
  return rows.length;
}

/** Role ids granted to an actor on a target (py-keystone filters on actor, target and inheritance only). */
export async function listGrantRoleIds(db: Executor, g: { actorId: string; targetId: string; inherited: boolean }): Promise<string[]> {
  const rows = await db
    .select({ roleId: assignment.roleId })
    .from(assignment)
    .where(and(eq(assignment.actorId, g.actorId), eq(assignment.targetId, g.targetId), eq(assignment.inherited, g.inherited)));
  return rows.map((r) => r.roleId);
}

export interface AssignmentQuery {
  readonly roleId?: string | undefined;
  readonly actorIds?: readonly string[] | undefined;
  readonly targetIds?: readonly string[] | undefined;
  readonly types?: readonly GrantType[] | undefined;
  readonly inherited?: boolean | undefined;
}

/** Project and domain grant rows matching every given condition (py-keystone's driver list_role_assignments). */
export async function listAssignmentRows(db: Executor, q: AssignmentQuery) {
  const conditions: SQL[] = [];
  if (q.roleId !== undefined) conditions.push(eq(assignment.roleId, q.roleId));
  if (q.actorIds !== undefined) conditions.push(inArray(assignment.actorId, [...q.actorIds]));
  if (q.targetIds !== undefined) conditions.push(inArray(assignment.targetId, [...q.targetIds]));
  if (q.types !== undefined) conditions.push(inArray(assignment.type, [...q.types]));
  if (q.inherited !== undefined) conditions.push(eq(assignment.inherited, q.inherited));
  return db.select().from(assignment).where(and(...conditions));
}

// ---------------------------------------------------------------------------------------------------------------
// System grants

/** py-keystone checks and deletes system grants by actor and role only, whatever the row's type. */
function systemGrantCondition(actorId: string, roleId: string): SQL | undefined {
  return and(
    eq(systemAssignment.actorId, actorId),
    eq(systemAssignment.targetId, 'system'),
    eq(systemAssignment.roleId, roleId),
    eq(systemAssignment.inherited, false),
  );
}

export async function systemGrantExists(db: Executor, actorId: string, roleId: string): Promise<boolean> {
  const rows = await db.select({ roleId: systemAssignment.roleId }).from(systemAssignment).where(systemGrantCondition(actorId, roleId)).limit(1);
  return rows.length > 0;
}

export async function deleteSystemGrant(db: Executor, actorId: string, roleId: string): Promise<number> {
  const rows = await db.delete(systemAssignment).where(systemGrantCondition(actorId, roleId)).returning();
  return rows.length;
}

export async function listSystemGrantRows(db: Executor, filter: { actorId?: string; type?: 'UserSystem' | 'GroupSystem' }) {
  const conditions: SQL[] = [eq(systemAssignment.targetId, 'system')];
  if (filter.actorId !== undefined) conditions.push(eq(systemAssignment.actorId, filter.actorId));
  if (filter.type !== undefined) conditions.push(eq(systemAssignment.type, filter.type));
  return db.select().from(systemAssignment).where(and(...conditions));
}

// ---------------------------------------------------------------------------------------------------------------
// Groups and memberships, as grants and role assignments read them (identity's tables)

export type GroupRow = typeof group.$inferSelect;

export async function getGroupRow(db: Executor, id: string): Promise<GroupRow | undefined> {
  const rows = await db.select().from(group).where(eq(group.id, id)).limit(1);
  return rows[0];
}

export async function listMemberIds(db: Executor, groupId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: userGroupMembership.userId })
    .from(userGroupMembership)
    .where(eq(userGroupMembership.groupId, groupId));
  return rows.map((r) => r.userId);
}

/**
 * Groups of a user as py-keystone's list_groups_for_user sees them: plain memberships, then federated ones still
 * within their identity provider's authorization_ttl (minutes; an unset or zero ttl means already expired, as
 * [federation] default_authorization_ttl is 0).
 */
export async function listGroupIdsOfUser(db: Executor, userId: string): Promise<string[]> {
  const plain = await db
    .select({ groupId: userGroupMembership.groupId })
    .from(userGroupMembership)
    .where(eq(userGroupMembership.userId, userId));
  const expiring = await db
    .select({ groupId: expiringUserGroupMembership.groupId })
    .from(expiringUserGroupMembership)
    .innerJoin(identityProvider, eq(identityProvider.id, expiringUserGroupMembership.idpId))
    .where(
      and(
        eq(expiringUserGroupMembership.userId, userId),
        sql`${expiringUserGroupMembership.lastVerified} + make_interval(mins => coalesce(${identityProvider.authorizationTtl}, 0))
            > (now() at time zone 'utc')`,
      ),
    );
  return [...plain, ...expiring].map((r) => r.groupId);
}

/** A project's parent chain, nearest first, up through its domain (py-keystone's list_project_parents). */
export async function listParentIds(db: Executor, projectId: string): Promise<string[]> {
  const rows = await executeRows<{ id: string }>(db, sql`
    WITH RECURSIVE chain(id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM project WHERE id = ${projectId}
      UNION ALL
      SELECT p.id, p.parent_id, c.depth + 1 FROM project p JOIN chain c ON p.id = c.parent_id WHERE c.depth < 1000
    )
    SELECT id FROM chain WHERE depth > 0 ORDER BY depth`);
  return rows.map((r) => r.id);
}
