// SQL for application credentials: the credential row (secret hashed like a password, expires_at in
// microseconds), its role subset, and its access rules (per-user rows that credentials link to and share).
import { and, asc, eq, ilike, inArray, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import {
  accessRule,
  applicationCredential,
  applicationCredentialAccessRule,
  applicationCredentialRole,
  role,
} from '../db/legacy/schema.js';

export interface AccessRuleRecord {
  id: string;
  service: string | null;
  path: string | null;
  method: string | null;
}

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
  accessRules: AccessRuleRecord[] | null;
  description: string | null;
  system: string | null;
  /** expires_at as stored, in microseconds (expiresAt keeps only milliseconds). */
  expiresAtMicros: number | null;
  /** The column itself: null when the creator did not say (py-keystone shows that null). */
  unrestrictedColumn: boolean | null;
}

type CredentialRow = typeof applicationCredential.$inferSelect;

/** Loads the roles and access rules of several credential rows in two queries, keeping the rows' order. */
async function loadAll(db: Executor, rows: CredentialRow[]): Promise<ApplicationCredentialRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.internalId);
  const [roles, rules] = await Promise.all([
    db
      .select({ credential: applicationCredentialRole.applicationCredentialId, roleId: applicationCredentialRole.roleId })
      .from(applicationCredentialRole)
      .where(inArray(applicationCredentialRole.applicationCredentialId, ids)),
    db
      .select({
        credential: applicationCredentialAccessRule.applicationCredentialId,
        id: accessRule.externalId,
        service: accessRule.service,
        path: accessRule.path,
        method: accessRule.method,
      })
      .from(applicationCredentialAccessRule)
      .innerJoin(accessRule, eq(accessRule.id, applicationCredentialAccessRule.accessRuleId))
      .where(inArray(applicationCredentialAccessRule.applicationCredentialId, ids)),
  ]);
  return rows.map((row) => {
    const own = rules.filter((r) => r.credential === row.internalId);
    return {
      internalId: row.internalId,
      id: row.id,
      name: row.name,
      secretHash: row.secretHash,
      userId: row.userId,
      projectId: row.projectId,
      expiresAt: row.expiresAt ? new Date(Math.floor(row.expiresAt / 1000)) : null,
      unrestricted: row.unrestricted ?? false,
      roleIds: roles.filter((r) => r.credential === row.internalId).map((r) => r.roleId),
      accessRules: own.length ? own.map((r) => ({ id: r.id ?? '', service: r.service, path: r.path, method: r.method })) : null,
      description: row.description,
      system: row.system,
      expiresAtMicros: row.expiresAt,
      unrestrictedColumn: row.unrestricted,
    };
  });
}

export async function getApplicationCredential(db: Executor, id: string): Promise<ApplicationCredentialRecord | undefined> {
  const rows = await db.select().from(applicationCredential).where(eq(applicationCredential.id, id)).limit(1);
  return (await loadAll(db, rows))[0];
}

export async function findApplicationCredentialByName(
  db: Executor,
  userId: string,
  name: string,
): Promise<ApplicationCredentialRecord | undefined> {
  const rows = await db
    .select()
    .from(applicationCredential)
    .where(and(eq(applicationCredential.userId, userId), eq(applicationCredential.name, name)))
    .limit(1);
  return (await loadAll(db, rows))[0];
}

/** Name conditions the database applies: equality, and case-insensitive LIKE patterns (wildcards pass through). */
export interface NameConditions {
  readonly equals: readonly string[];
  readonly ilike: readonly string[];
}

/** A user's credentials in creation order (py-keystone's query has no ORDER BY; rows come back as inserted). */
export async function listApplicationCredentials(
  db: Executor,
  userId: string,
  names: NameConditions,
): Promise<ApplicationCredentialRecord[]> {
  const conditions: SQL[] = [eq(applicationCredential.userId, userId)];
  for (const value of names.equals) conditions.push(eq(applicationCredential.name, value));
  for (const pattern of names.ilike) conditions.push(ilike(applicationCredential.name, pattern));
  const rows = await db
    .select()
    .from(applicationCredential)
    .where(and(...conditions))
    .orderBy(asc(applicationCredential.internalId));
  return loadAll(db, rows);
}

export interface NewApplicationCredential {
  id: string;
  name: string;
  secretHash: string;
  description: string | null;
  userId: string;
  projectId: string | null;
  system: string | null;
  expiresAt: number | null;
  unrestricted: boolean | null;
}

/** Inserts the credential row and its roles; returns the row's internal id. */
export async function insertApplicationCredential(db: Executor, row: NewApplicationCredential, roleIds: readonly string[]): Promise<number> {
  const [inserted] = await db.insert(applicationCredential).values(row).returning({ internalId: applicationCredential.internalId });
  const internalId = inserted!.internalId;
  if (roleIds.length > 0) {
    await db.insert(applicationCredentialRole).values(roleIds.map((roleId) => ({ applicationCredentialId: internalId, roleId })));
  }
  return internalId;
}

/** Deletes a credential with its role and access rule links; returns how many credentials went. */
export async function deleteApplicationCredential(db: Executor, id: string): Promise<number> {
  const rows = await db
    .select({ internalId: applicationCredential.internalId })
    .from(applicationCredential)
    .where(eq(applicationCredential.id, id));
  if (rows.length === 0) return 0;
  const internalIds = rows.map((r) => r.internalId);
  await db.delete(applicationCredentialRole).where(inArray(applicationCredentialRole.applicationCredentialId, internalIds));
  await db.delete(applicationCredentialAccessRule).where(inArray(applicationCredentialAccessRule.applicationCredentialId, internalIds));
  await db.delete(applicationCredential).where(inArray(applicationCredential.internalId, internalIds));
  return rows.length;
}

// --------------------------------------------------------------------------------------------------- access rules

type AccessRuleRow = typeof accessRule.$inferSelect;

/** An access rule by its public id, whoever owns it. */
export async function findAccessRuleByExternalId(db: Executor, externalId: string): Promise<AccessRuleRow | undefined> {
  const [row] = await db.select().from(accessRule).where(eq(accessRule.externalId, externalId)).limit(1);
  return row;
}

/** The user's access rule for exactly this service, path and method. */
export async function findAccessRuleOfUser(
  db: Executor,
  rule: { userId: string; service: string; path: string; method: string },
): Promise<AccessRuleRow | undefined> {
  const [row] = await db
    .select()
    .from(accessRule)
    .where(
      and(
        eq(accessRule.userId, rule.userId),
        eq(accessRule.service, rule.service),
        eq(accessRule.path, rule.path),
        eq(accessRule.method, rule.method),
      ),
    )
    .limit(1);
  return row;
}

export async function insertAccessRule(
  db: Executor,
  rule: { externalId: string; userId: string; service: string; path: string; method: string },
): Promise<number> {
  const [inserted] = await db.insert(accessRule).values(rule).returning({ id: accessRule.id });
  return inserted!.id;
}

export async function linkAccessRule(db: Executor, credentialInternalId: number, accessRuleId: number): Promise<void> {
  await db.insert(applicationCredentialAccessRule).values({ applicationCredentialId: credentialInternalId, accessRuleId });
}

/** A user's access rules in creation order. */
export async function listAccessRulesOfUser(db: Executor, userId: string): Promise<AccessRuleRecord[]> {
  const rows = await db.select().from(accessRule).where(eq(accessRule.userId, userId)).orderBy(asc(accessRule.id));
  return rows.map(toAccessRuleRecord);
}

export function toAccessRuleRecord(row: AccessRuleRow): AccessRuleRecord {
  return { id: row.externalId ?? '', service: row.service, path: row.path, method: row.method };
}

export async function accessRuleInUse(db: Executor, accessRuleId: number): Promise<boolean> {
  const rows = await db
    .select({ id: applicationCredentialAccessRule.accessRuleId })
    .from(applicationCredentialAccessRule)
    .where(eq(applicationCredentialAccessRule.accessRuleId, accessRuleId))
    .limit(1);
  return rows.length > 0;
}

export async function deleteAccessRuleRow(db: Executor, accessRuleId: number): Promise<void> {
  await db.delete(accessRule).where(eq(accessRule.id, accessRuleId));
}

// ---------------------------------------------------------------------------------------------------------- roles

/** Ids of every role (global or domain-specific) with exactly this name: py-keystone's get_unique_role_by_name. */
export async function listRoleIdsNamed(db: Executor, name: string): Promise<string[]> {
  const rows = await db.select({ id: role.id }).from(role).where(eq(role.name, name));
  return rows.map((r) => r.id);
}
