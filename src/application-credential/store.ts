// SQL for application credentials: the credential row (secret hashed like a password, expires_at in
// microseconds), its role subset, and its access rules.
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import {
  accessRule,
  applicationCredential,
  applicationCredentialAccessRule,
  applicationCredentialRole,
} from '../db/legacy/schema.js';

export interface ApplicationCredentialRecord {
  internalId: number;
  id: string;
  name: string;
  secretHash: string;
  userId: string;
  projectId: string | null;
  expiresAt: Date | null;
  unrestricted: boolean;
  roleIds: string[];
  accessRules: { id: string; service: string | null; path: string | null; method: string | null }[] | null;
}

async function load(db: Executor, row: typeof applicationCredential.$inferSelect): Promise<ApplicationCredentialRecord> {
  const [roles, rules] = await Promise.all([
    db
      .select({ roleId: applicationCredentialRole.roleId })
      .from(applicationCredentialRole)
      .where(eq(applicationCredentialRole.applicationCredentialId, row.internalId)),
    db
      .select({ id: accessRule.externalId, service: accessRule.service, path: accessRule.path, method: accessRule.method })
      .from(applicationCredentialAccessRule)
      .innerJoin(accessRule, eq(accessRule.id, applicationCredentialAccessRule.accessRuleId))
      .where(eq(applicationCredentialAccessRule.applicationCredentialId, row.internalId)),
  ]);
  return {
    internalId: row.internalId,
    id: row.id,
    name: row.name,
    secretHash: row.secretHash,
    userId: row.userId,
    projectId: row.projectId,
    expiresAt: row.expiresAt ? new Date(Math.floor(row.expiresAt / 1000)) : null,
    unrestricted: row.unrestricted ?? false,
    roleIds: roles.map((r) => r.roleId),
    accessRules: rules.length ? rules.map((r) => ({ ...r, id: r.id ?? '' })) : null,
  };
}

export async function getApplicationCredential(db: Executor, id: string): Promise<ApplicationCredentialRecord | undefined> {
  const [row] = await db.select().from(applicationCredential).where(eq(applicationCredential.id, id)).limit(1);
  return row ? load(db, row) : undefined;
}

export async function findApplicationCredentialByName(
  db: Executor,
  userId: string,
  name: string,
): Promise<ApplicationCredentialRecord | undefined> {
  const [row] = await db
    .select()
    .from(applicationCredential)
    .where(and(eq(applicationCredential.userId, userId), eq(applicationCredential.name, name)))
    .limit(1);
  return row ? load(db, row) : undefined;
}
