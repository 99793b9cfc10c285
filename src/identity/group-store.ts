// SQL for groups and group membership as py-keystone stores them: `group` (name unique per domain, free
// attributes in `extra`), `user_group_membership`, and `expiring_user_group_membership` (memberships a
// federated login grants for the identity provider's authorization_ttl minutes).
import { and, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import {
  assignment,
  expiringUserGroupMembership,
  group,
  identityProvider,
  idMapping,
  systemAssignment,
  userGroupMembership,
} from '../db/legacy/schema.js';
import { executeRows } from '../db/rows.js';

export type GroupRow = typeof group.$inferSelect;

export async function getGroupRow(db: Executor, id: string): Promise<GroupRow | undefined> {
  const rows = await db.select().from(group).where(eq(group.id, id)).limit(1);
  return rows[0];
}

export interface GroupQuery {
  readonly domainIds?: readonly string[];
  readonly names?: readonly string[];
  /** ILIKE patterns on `name` or `domain_id`. */
  readonly likes?: readonly { column: 'name' | 'domain_id'; pattern: string }[];
  /** Only groups this user is a (permanent) member of. */
  readonly memberId?: string;
  readonly limit?: number;
}

export async function listGroupRows(db: Executor, q: GroupQuery): Promise<GroupRow[]> {
  const where: SQL[] = [];
  for (const id of q.domainIds ?? []) where.push(eq(group.domainId, id));
  for (const name of q.names ?? []) where.push(eq(group.name, name));
  for (const like of q.likes ?? []) where.push(ilike(like.column === 'name' ? group.name : group.domainId, like.pattern));
  if (q.memberId !== undefined) {
    where.push(
      inArray(
        group.id,
        db.select({ id: userGroupMembership.groupId }).from(userGroupMembership).where(eq(userGroupMembership.userId, q.memberId)),
      ),
    );
  }
  const query = db.select().from(group).where(and(...where));
  return q.limit !== undefined ? query.limit(q.limit) : query;
}

export interface ExpiringMembership {
  group: GroupRow;
  /** Microseconds since the epoch when the membership lapses. */
  expiresMicros: number;
}

/**
 * A user's expiring memberships that have not lapsed. A membership lasts the identity provider's
 * authorization_ttl minutes from its last verification; without a TTL it has lapsed at once
 * ([federation] default_authorization_ttl is 0).
 */
export async function listExpiringMemberships(db: Executor, userId: string, now: Date): Promise<ExpiringMembership[]> {
  const rows = await db
    .select({
      group,
      // In SQL: py-keystone writes microseconds, which a JS Date would drop.
      lastVerifiedMicros: sql<number>`(extract(epoch from ${expiringUserGroupMembership.lastVerified}) * 1000000)::bigint`.mapWith(Number),
      ttl: identityProvider.authorizationTtl,
    })
    .from(expiringUserGroupMembership)
    .innerJoin(group, eq(group.id, expiringUserGroupMembership.groupId))
    .innerJoin(identityProvider, eq(identityProvider.id, expiringUserGroupMembership.idpId))
    .where(eq(expiringUserGroupMembership.userId, userId));
  return rows
    .map((r) => ({ group: r.group, expiresMicros: r.lastVerifiedMicros + (r.ttl ?? 0) * 60_000_000 }))
    .filter((m) => m.expiresMicros > now.getTime() * 1000);
}

export async function insertGroupRow(db: Executor, row: typeof group.$inferInsert): Promise<void> {
  await db.insert(group).values(row);
}

export async function updateGroupRow(
  db: Executor,
  id: string,
  values: { name: string; description: string | null; extra: Record<string, unknown> },
): Promise<void> {
  await db
    .update(group)
    .set({ name: values.name, description: values.description, extra: JSON.stringify(values.extra) })
    .where(eq(group.id, id));
}

/** The group, its memberships and its role assignments (project, domain and system). */
export async function deleteGroupRows(db: Executor, id: string): Promise<void> {
  await db.delete(userGroupMembership).where(eq(userGroupMembership.groupId, id));
  await db.delete(expiringUserGroupMembership).where(eq(expiringUserGroupMembership.groupId, id));
  await db.delete(assignment).where(and(eq(assignment.actorId, id), inArray(assignment.type, ['GroupProject', 'GroupDomain'])));
  await db.delete(systemAssignment).where(and(eq(systemAssignment.actorId, id), eq(systemAssignment.type, 'GroupSystem')));
  await db.delete(idMapping).where(eq(idMapping.publicId, id));
  await db.delete(group).where(eq(group.id, id));
}

/** Whether the group holds any role assignment (py-keystone revokes its members' tokens only then). */
export async function groupHasAssignments(db: Executor, id: string): Promise<boolean> {
  const [row] = await executeRows<{ found: boolean }>(db, sql`
    SELECT EXISTS (SELECT 1 FROM ${assignment} WHERE ${assignment.actorId} = ${id})
        OR EXISTS (SELECT 1 FROM ${systemAssignment} WHERE ${systemAssignment.actorId} = ${id}) AS found`);
  return Boolean(row?.found);
}

export async function listMemberIds(db: Executor, groupId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: userGroupMembership.userId })
    .from(userGroupMembership)
    .where(eq(userGroupMembership.groupId, groupId));
  return rows.map((r) => r.userId);
}

export async function isPermanentMember(db: Executor, userId: string, groupId: string): Promise<boolean> {
  const rows = await db
    .select({ userId: userGroupMembership.userId })
    .from(userGroupMembership)
    .where(and(eq(userGroupMembership.userId, userId), eq(userGroupMembership.groupId, groupId)))
    .limit(1);
  return rows.length > 0;
}

export async function addMember(db: Executor, userId: string, groupId: string): Promise<void> {
  await db.insert(userGroupMembership).values({ userId, groupId }).onConflictDoNothing();
}

/** False when there was no such membership. */
export async function removeMember(db: Executor, userId: string, groupId: string): Promise<boolean> {
  const removed = await db
    .delete(userGroupMembership)
    .where(and(eq(userGroupMembership.userId, userId), eq(userGroupMembership.groupId, groupId)))
    .returning({ userId: userGroupMembership.userId });
  return removed.length > 0;
}
