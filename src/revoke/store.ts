// SQL for `revocation_event`, the table through which py-keystone and keystone-ts tell each other which tokens
// are dead. Both sides write it and both sides read it on every uncached validation.
import { and, eq, gt, gte, isNull, or } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { revocationEvent } from '../db/legacy/schema.js';

export type RevocationEventRow = typeof revocationEvent.$inferSelect;
export type NewRevocationEvent = Omit<typeof revocationEvent.$inferInsert, 'id'>;

/**
 * Candidate events for a token, narrowed in SQL exactly as py-keystone's SQL backend narrows them (issued_before
 * at or after the token's issue time; user, project and audit id either unset or equal); the remaining fields are
 * matched in revoke/model.ts.
 */
export async function listEventsForToken(
  db: Executor,
  token: { issuedAt: Date; userIds: string[]; projectId: string | null; auditId: string | null },
): Promise<RevocationEventRow[]> {
  const users = [isNull(revocationEvent.userId), ...token.userIds.map((id) => eq(revocationEvent.userId, id))];
  const projects = [isNull(revocationEvent.projectId)];
  if (token.projectId) projects.push(eq(revocationEvent.projectId, token.projectId));
  const audits = [isNull(revocationEvent.auditId)];
  if (token.auditId) audits.push(eq(revocationEvent.auditId, token.auditId));
  return db
    .select()
    .from(revocationEvent)
    .where(and(gte(revocationEvent.issuedBefore, token.issuedAt), or(...users), or(...projects), or(...audits)));
}

export async function insertRevocationEvent(db: Executor, event: NewRevocationEvent): Promise<void> {
  await db.insert(revocationEvent).values(event);
}

export async function listEventsSince(db: Executor, since: Date | undefined): Promise<RevocationEventRow[]> {
  const query = db.select().from(revocationEvent);
  return (since ? query.where(gt(revocationEvent.revokedAt, since)) : query).orderBy(revocationEvent.revokedAt);
}
