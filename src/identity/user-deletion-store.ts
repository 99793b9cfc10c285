// Everything py-keystone removes with a user, in one place: memberships, role assignments (project, domain and
// system), credentials, application credentials and access rules, the id mapping, then the user row, whose
// local_user, password, nonlocal_user, federated_user and user_option rows go by ON DELETE CASCADE.
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import {
  accessRule,
  applicationCredential,
  assignment,
  credential,
  expiringUserGroupMembership,
  idMapping,
  systemAssignment,
  user,
  userGroupMembership,
} from '../db/legacy/schema.js';

export async function deleteUserRows(db: Executor, userId: string): Promise<void> {
  await db.delete(userGroupMembership).where(eq(userGroupMembership.userId, userId));
  await db.delete(expiringUserGroupMembership).where(eq(expiringUserGroupMembership.userId, userId));
  await db.delete(assignment).where(and(eq(assignment.actorId, userId), inArray(assignment.type, ['UserProject', 'UserDomain'])));
  await db.delete(systemAssignment).where(and(eq(systemAssignment.actorId, userId), eq(systemAssignment.type, 'UserSystem')));
  await db.delete(credential).where(eq(credential.userId, userId));
  // Application credentials first: their access-rule links cascade with them, freeing the rules.
  await db.delete(applicationCredential).where(eq(applicationCredential.userId, userId));
  await db.delete(accessRule).where(eq(accessRule.userId, userId));
  await db.delete(idMapping).where(eq(idMapping.publicId, userId));
  await db.delete(user).where(eq(user.id, userId));
}
