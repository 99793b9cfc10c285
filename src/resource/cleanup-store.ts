// SQL that deleting a project or a domain runs on other areas' tables, mirroring what py-keystone's managers do
// when they hear of the deletion (assignment, credential, trust, limit, catalog, identity, application credential
// and federation callbacks). Kept here so a deletion is one transaction written by one area.
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import {
  accessRule,
  applicationCredential,
  assignment,
  credential,
  group,
  identityProvider,
  idMapping,
  limit,
  projectEndpoint,
  projectEndpointGroup,
  systemAssignment,
  trust,
  user,
  userGroupMembership,
} from '../db/legacy/schema.js';

/** What py-keystone's _post_delete_cleanup_project clears for one deleted project (or domain row). */
export async function clearProjectReferences(db: Executor, projectId: string, now: Date): Promise<void> {
  await db
    .delete(assignment)
    .where(and(eq(assignment.targetId, projectId), inArray(assignment.type, ['UserProject', 'GroupProject'])));
  await db.delete(credential).where(eq(credential.projectId, projectId));
  await db.update(trust).set({ deletedAt: now }).where(eq(trust.projectId, projectId));
  await db.delete(limit).where(eq(limit.projectId, projectId));
  // The identity manager's callback: users whose default project this was lose it.
  await db.update(user).set({ defaultProjectId: null }).where(eq(user.defaultProjectId, projectId));
  // The catalog manager's callback: endpoint filters of the project.
  await db.delete(projectEndpoint).where(eq(projectEndpoint.projectId, projectId));
  await db.delete(projectEndpointGroup).where(eq(projectEndpointGroup.projectId, projectId));
}

/** The assignment manager's reaction to a deleted domain: every grant on the domain goes. */
export async function deleteDomainGrants(db: Executor, domainId: string): Promise<void> {
  await db
    .delete(assignment)
    .where(and(eq(assignment.targetId, domainId), inArray(assignment.type, ['UserDomain', 'GroupDomain'])));
}

export async function listGroupIdsInDomain(db: Executor, domainId: string): Promise<string[]> {
  const rows = await db.select({ id: group.id }).from(group).where(eq(group.domainId, domainId));
  return rows.map((r) => r.id);
}

export async function listUserIdsInDomain(db: Executor, domainId: string): Promise<string[]> {
  const rows = await db.select({ id: user.id }).from(user).where(eq(user.domainId, domainId));
  return rows.map((r) => r.id);
}

export async function listGroupMemberIds(db: Executor, groupId: string): Promise<string[]> {
  const rows = await db
    .select({ id: userGroupMembership.userId })
    .from(userGroupMembership)
    .where(eq(userGroupMembership.groupId, groupId));
  return rows.map((r) => r.id);
}

/** Whether the group holds any role anywhere (project, domain or system), as list_role_assignments would show. */
export async function groupHasGrants(db: Executor, groupId: string): Promise<boolean> {
  const [onTargets, onSystem] = await Promise.all([
    db.select({ id: assignment.actorId }).from(assignment).where(eq(assignment.actorId, groupId)).limit(1),
    db.select({ id: systemAssignment.actorId }).from(systemAssignment).where(eq(systemAssignment.actorId, groupId)).limit(1),
  ]);
  return onTargets.length > 0 || onSystem.length > 0;
}

/** py-keystone's delete_group: memberships, the group, its id mapping and its project/domain grants. */
export async function deleteGroup(db: Executor, groupId: string): Promise<void> {
  await db.delete(userGroupMembership).where(eq(userGroupMembership.groupId, groupId));
  await db.delete(group).where(eq(group.id, groupId));
  await db.delete(idMapping).where(eq(idMapping.publicId, groupId));
  await db
    .delete(assignment)
    .where(and(eq(assignment.actorId, groupId), inArray(assignment.type, ['GroupProject', 'GroupDomain'])));
}

/**
 * py-keystone's delete_user and the callbacks it triggers: memberships, the user (its local, password, nonlocal,
 * federated and option rows go by foreign-key cascade), project/domain grants, credentials, id mapping,
 * application credentials and access rules, and the live trusts it is party to (soft-deleted).
 */
export async function deleteUser(db: Executor, userId: string, now: Date): Promise<void> {
  await db.delete(userGroupMembership).where(eq(userGroupMembership.userId, userId));
  await db.delete(user).where(eq(user.id, userId));
  await db
    .delete(assignment)
    .where(and(eq(assignment.actorId, userId), inArray(assignment.type, ['UserProject', 'UserDomain'])));
  await db.delete(credential).where(eq(credential.userId, userId));
  await db.delete(idMapping).where(eq(idMapping.publicId, userId));
  await db.delete(applicationCredential).where(eq(applicationCredential.userId, userId));
  await db.delete(accessRule).where(eq(accessRule.userId, userId));
  await db
    .update(trust)
    .set({ deletedAt: now })
    .where(and(isNull(trust.deletedAt), or(eq(trust.trustorUserId, userId), eq(trust.trusteeUserId, userId))));
}

/** The federation manager's reaction to a deleted domain: its identity providers go (protocols etc. cascade). */
export async function deleteIdentityProvidersOfDomain(db: Executor, domainId: string): Promise<void> {
  await db.delete(identityProvider).where(eq(identityProvider.domainId, domainId));
}
