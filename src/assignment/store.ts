// SQL for roles and grants: `role` (global roles carry domain_id '<<null>>'), `implied_role`, `assignment`
// (project and domain grants, user or group actor, optionally inherited) and `system_assignment`.
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { assignment, impliedRole, NULL_DOMAIN_ID, role, roleOption, systemAssignment } from '../db/legacy/schema.js';

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
