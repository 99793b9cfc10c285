// SQL for users as py-keystone stores them: `user` (enabled, domain, extra JSON), `local_user` (name, lockout
// counters), `password` (history; the row with the highest created_at_int is the current one), `nonlocal_user`,
// and `user_group_membership`.
import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { localUser, nonlocalUser, password, user, userGroupMembership, userOption } from '../db/legacy/schema.js';

export interface UserRecord {
  id: string;
  name: string;
  domainId: string;
  enabled: boolean;
  defaultProjectId: string | null;
  extra: Record<string, unknown>;
  localUserId: number | null;
  passwordHash: string | null;
  passwordExpiresAt: Date | null;
  failedAuthCount: number | null;
  failedAuthAt: Date | null;
  options: Record<string, string | null>;
}

async function loadUser(db: Executor, where: ReturnType<typeof eq>): Promise<UserRecord | undefined> {
  const rows = await db
    .select({ user, local: localUser, nonlocalName: nonlocalUser.name })
    .from(user)
    .leftJoin(localUser, eq(localUser.userId, user.id))
    .leftJoin(nonlocalUser, eq(nonlocalUser.userId, user.id))
    .where(where)
    .limit(1);
  const row = rows[0];
  if (!row) return undefined;
  const [current] = row.local
    ? await db
        .select()
        .from(password)
        .where(eq(password.localUserId, row.local.id))
        .orderBy(desc(password.createdAtInt), desc(password.id))
        .limit(1)
    : [];
  const options = await db.select().from(userOption).where(eq(userOption.userId, row.user.id));
  return {
    id: row.user.id,
    name: row.local?.name ?? row.nonlocalName ?? '',
    domainId: row.user.domainId,
    enabled: row.user.enabled ?? false,
    defaultProjectId: row.user.defaultProjectId,
    extra: parseExtra(row.user.extra),
    localUserId: row.local?.id ?? null,
    passwordHash: current?.passwordHash ?? null,
    passwordExpiresAt: current ? expiryOf(current) : null,
    failedAuthCount: row.local?.failedAuthCount ?? null,
    failedAuthAt: row.local?.failedAuthAt ?? null,
    options: Object.fromEntries(options.map((o) => [o.optionId, o.optionValue])),
  };
}

/** py-keystone prefers the microsecond column and falls back to the datetime one. */
function expiryOf(row: typeof password.$inferSelect): Date | null {
  if (row.expiresAtInt) return new Date(Math.floor(row.expiresAtInt / 1000));
  return row.expiresAt ?? null;
}

export function getUser(db: Executor, id: string): Promise<UserRecord | undefined> {
  return loadUser(db, eq(user.id, id));
}

export async function findUserByName(db: Executor, name: string, domainId: string): Promise<UserRecord | undefined> {
  const [local] = await db
    .select({ userId: localUser.userId })
    .from(localUser)
    .where(and(eq(localUser.name, name), eq(localUser.domainId, domainId)))
    .limit(1);
  if (local) return getUser(db, local.userId);
  const [nonlocal] = await db
    .select({ userId: nonlocalUser.userId })
    .from(nonlocalUser)
    .where(and(eq(nonlocalUser.name, name), eq(nonlocalUser.domainId, domainId)))
    .limit(1);
  return nonlocal ? getUser(db, nonlocal.userId) : undefined;
}

export async function listGroupIdsForUser(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .select({ groupId: userGroupMembership.groupId })
    .from(userGroupMembership)
    .where(eq(userGroupMembership.userId, userId));
  return rows.map((r) => r.groupId);
}

export async function insertLocalUser(
  db: Executor,
  u: { id: string; name: string; domainId: string; enabled: boolean; extra: Record<string, unknown>; now: Date },
  passwordHash: string | null,
): Promise<void> {
  await db.insert(user).values({
    id: u.id,
    domainId: u.domainId,
    enabled: u.enabled,
    extra: JSON.stringify(u.extra),
    createdAt: u.now,
  });
  const [local] = await db
    .insert(localUser)
    .values({ userId: u.id, domainId: u.domainId, name: u.name, failedAuthCount: 0 })
    .returning({ id: localUser.id });
  if (passwordHash !== null) await insertPassword(db, local!.id, passwordHash, u.now);
}

export async function insertPassword(db: Executor, localUserId: number, hash: string, now: Date): Promise<void> {
  await db.insert(password).values({
    localUserId,
    passwordHash: hash,
    createdAt: now,
    createdAtInt: now.getTime() * 1000,
    selfService: false,
  });
}

export async function setUserEnabled(db: Executor, userId: string, enabled: boolean): Promise<void> {
  await db.update(user).set({ enabled }).where(eq(user.id, userId));
}

export function parseExtra(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
