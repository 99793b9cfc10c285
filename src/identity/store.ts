// SQL for users as py-keystone stores them: `user` (enabled, domain, extra JSON), `local_user` (name, lockout
// counters), `password` (history; the row with the highest created_at_int is the current one), `nonlocal_user`,
// and `user_group_membership`.
import { and, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import {
  federatedUser,
  federationProtocol,
  identityProvider,
  localUser,
  nonlocalUser,
  password,
  user,
  userGroupMembership,
  userOption,
} from '../db/legacy/schema.js';

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

// ---------------------------------------------------------------------------------------------------------------
// Users as the users API reads and writes them: every column py-keystone's User model renders, the current
// password to the microsecond, options as stored, federated objects. Loaded in batches for lists.

export interface StoredPassword {
  id: number;
  hash: string | null;
  /** created_at_int, or the datetime column for rows older than it. */
  createdMicros: number;
  /** expires_at_int, or the datetime column for rows older than it. */
  expiresMicros: number | null;
  selfService: boolean;
}

export interface FederatedRow {
  idpId: string;
  protocolId: string;
  uniqueId: string;
  displayName: string | null;
}

export interface StoredUser {
  id: string;
  domainId: string;
  enabled: boolean | null;
  extra: Record<string, unknown>;
  defaultProjectId: string | null;
  createdAt: Date | null;
  /** A day, 'YYYY-MM-DD'. */
  lastActiveAt: string | null;
  /** local_user name, else nonlocal_user name, else the first federated display name (py-keystone's User.name). */
  name: string | null;
  local: { id: number; failedAuthCount: number | null; failedAuthAt: Date | null } | null;
  /** The password row with the highest created_at_int. */
  password: StoredPassword | null;
  /** option id -> JSON text. */
  options: Map<string, string | null>;
  federated: FederatedRow[];
}

function toStoredPassword(row: typeof password.$inferSelect): StoredPassword {
  return {
    id: row.id,
    hash: row.passwordHash,
    createdMicros: row.createdAtInt || row.createdAt.getTime() * 1000,
    expiresMicros: row.expiresAtInt || (row.expiresAt ? row.expiresAt.getTime() * 1000 : null),
    selfService: row.selfService,
  };
}

/** The users with these ids that exist, in the order of `ids`. */
export async function loadStoredUsers(db: Executor, ids: readonly string[]): Promise<StoredUser[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const rows = await db
    .select({ user, local: localUser, nonlocalName: nonlocalUser.name })
    .from(user)
    .leftJoin(localUser, eq(localUser.userId, user.id))
    .leftJoin(nonlocalUser, eq(nonlocalUser.userId, user.id))
    .where(inArray(user.id, unique));
  const localIds = rows.flatMap((r) => (r.local ? [r.local.id] : []));
  const [passwords, options, federated] = await Promise.all([
    localIds.length === 0
      ? Promise.resolve([])
      : db
          .selectDistinctOn([password.localUserId])
          .from(password)
          .where(inArray(password.localUserId, localIds))
          .orderBy(password.localUserId, desc(password.createdAtInt), desc(password.id)),
    db.select().from(userOption).where(inArray(userOption.userId, unique)),
    db.select().from(federatedUser).where(inArray(federatedUser.userId, unique)).orderBy(federatedUser.id),
  ]);
  const byId = new Map<string, StoredUser>();
  for (const r of rows) {
    byId.set(r.user.id, {
      id: r.user.id,
      domainId: r.user.domainId,
      enabled: r.user.enabled,
      extra: parseExtra(r.user.extra),
      defaultProjectId: r.user.defaultProjectId,
      createdAt: r.user.createdAt,
      lastActiveAt: r.user.lastActiveAt,
      name: r.local?.name ?? r.nonlocalName ?? null,
      local: r.local ? { id: r.local.id, failedAuthCount: r.local.failedAuthCount, failedAuthAt: r.local.failedAuthAt } : null,
      password: null,
      options: new Map(),
      federated: [],
    });
  }
  const byLocalId = new Map([...byId.values()].flatMap((u) => (u.local ? [[u.local.id, u] as const] : [])));
  for (const p of passwords) {
    const owner = byLocalId.get(p.localUserId);
    if (owner) owner.password = toStoredPassword(p);
  }
  for (const o of options) byId.get(o.userId)?.options.set(o.optionId, o.optionValue);
  for (const f of federated) {
    const owner = byId.get(f.userId);
    if (!owner) continue;
    owner.federated.push({ idpId: f.idpId, protocolId: f.protocolId, uniqueId: f.uniqueId, displayName: f.displayName });
    owner.name ??= f.displayName;
  }
  return ids.flatMap((id) => {
    const found = byId.get(id);
    return found ? [found] : [];
  });
}

export async function getStoredUser(db: Executor, id: string): Promise<StoredUser | undefined> {
  return (await loadStoredUsers(db, [id]))[0];
}

/** Every password row of a local user, oldest first (py-keystone's LocalUser.passwords order). */
export async function listPasswords(db: Executor, localUserId: number): Promise<StoredPassword[]> {
  const rows = await db
    .select()
    .from(password)
    .where(eq(password.localUserId, localUserId))
    .orderBy(password.createdAtInt, password.id);
  return rows.map(toStoredPassword);
}

export interface NewUserRow {
  id: string;
  domainId: string;
  enabled: boolean;
  extra: Record<string, unknown>;
  defaultProjectId: string | null;
  createdAt: Date;
  lastActiveAt: string | null;
}

/** A `user` row and its `local_user` row; returns the local user's id. */
export async function insertUserRows(
  db: Executor,
  row: NewUserRow,
  local: { name: string; failedAuthCount: number | null },
): Promise<number> {
  await db.insert(user).values({
    id: row.id,
    domainId: row.domainId,
    enabled: row.enabled,
    extra: JSON.stringify(row.extra),
    defaultProjectId: row.defaultProjectId,
    createdAt: row.createdAt,
    lastActiveAt: row.lastActiveAt,
  });
  const [inserted] = await db
    .insert(localUser)
    .values({ userId: row.id, domainId: row.domainId, name: local.name, failedAuthCount: local.failedAuthCount })
    .returning({ id: localUser.id });
  return inserted!.id;
}

export async function updateUserRow(
  db: Executor,
  id: string,
  values: { enabled: boolean | null; extra: Record<string, unknown>; defaultProjectId: string | null; lastActiveAt?: string },
): Promise<void> {
  await db
    .update(user)
    .set({
      enabled: values.enabled,
      extra: JSON.stringify(values.extra),
      defaultProjectId: values.defaultProjectId,
      ...(values.lastActiveAt !== undefined && { lastActiveAt: values.lastActiveAt }),
    })
    .where(eq(user.id, id));
}

/** A user without a local_user row (nonlocal or federated) that is renamed gets one, as py-keystone's name setter does. */
export async function insertLocalUserRow(db: Executor, userId: string, domainId: string, name: string): Promise<number> {
  const [inserted] = await db.insert(localUser).values({ userId, domainId, name }).returning({ id: localUser.id });
  return inserted!.id;
}

export async function renameLocalUser(db: Executor, localUserId: number, name: string): Promise<void> {
  await db.update(localUser).set({ name }).where(eq(localUser.id, localUserId));
}

export async function renameFederatedUser(db: Executor, userId: string, name: string): Promise<void> {
  const [first] = await db
    .select({ id: federatedUser.id })
    .from(federatedUser)
    .where(eq(federatedUser.userId, userId))
    .orderBy(federatedUser.id)
    .limit(1);
  if (first) await db.update(federatedUser).set({ displayName: name }).where(eq(federatedUser.id, first.id));
}

export async function resetFailedAuth(db: Executor, localUserId: number): Promise<void> {
  await db.update(localUser).set({ failedAuthCount: 0, failedAuthAt: null }).where(eq(localUser.id, localUserId));
}

export async function recordFailedAuth(db: Executor, localUserId: number, at: Date): Promise<void> {
  await db
    .update(localUser)
    .set({ failedAuthCount: sql`coalesce(${localUser.failedAuthCount}, 0) + 1`, failedAuthAt: at })
    .where(eq(localUser.id, localUserId));
}

export async function setLastActiveAt(db: Executor, userId: string, day: string): Promise<void> {
  await db.update(user).set({ lastActiveAt: day }).where(eq(user.id, userId));
}

export interface NewPasswordRow {
  localUserId: number;
  hash: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  selfService: boolean;
}

/** Writes both the datetime and the microsecond columns, as py-keystone's Password setters do. */
export async function insertPasswordRow(db: Executor, row: NewPasswordRow): Promise<void> {
  await db.insert(password).values({
    localUserId: row.localUserId,
    passwordHash: row.hash,
    createdAt: row.createdAt,
    createdAtInt: row.createdAt.getTime() * 1000,
    expiresAt: row.expiresAt,
    expiresAtInt: row.expiresAt ? row.expiresAt.getTime() * 1000 : null,
    selfService: row.selfService,
  });
}

export async function expirePasswords(db: Executor, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.update(password).set({ expiresAt: at, expiresAtInt: at.getTime() * 1000 }).where(inArray(password.id, [...ids]));
}

export async function deletePasswords(db: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.delete(password).where(inArray(password.id, [...ids]));
}

/** Applies option changes (null deletes) and drops rows of option ids no longer registered. */
export async function writeUserOptions(
  db: Executor,
  userId: string,
  changes: ReadonlyMap<string, string | null>,
  registeredIds: readonly string[],
): Promise<void> {
  await db.delete(userOption).where(and(eq(userOption.userId, userId), notInArray(userOption.optionId, [...registeredIds])));
  for (const [optionId, value] of changes) {
    if (value === null) {
      await db.delete(userOption).where(and(eq(userOption.userId, userId), eq(userOption.optionId, optionId)));
    } else {
      await db
        .insert(userOption)
        .values({ userId, optionId, optionValue: value })
        .onConflictDoUpdate({ target: [userOption.userId, userOption.optionId], set: { optionValue: value } });
    }
  }
}

export async function insertFederatedRows(db: Executor, userId: string, rows: readonly Omit<FederatedRow, 'displayName'>[], displayName: string): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(federatedUser).values(rows.map((r) => ({ userId, idpId: r.idpId, protocolId: r.protocolId, uniqueId: r.uniqueId, displayName })));
}

export async function deleteFederatedRows(db: Executor, userId: string): Promise<void> {
  await db.delete(federatedUser).where(eq(federatedUser.userId, userId));
}

export async function identityProviderExists(db: Executor, idpId: string): Promise<boolean> {
  const rows = await db.select({ id: identityProvider.id }).from(identityProvider).where(eq(identityProvider.id, idpId)).limit(1);
  return rows.length > 0;
}

export async function federationProtocolExists(db: Executor, idpId: string, protocolId: string): Promise<boolean> {
  const rows = await db
    .select({ id: federationProtocol.id })
    .from(federationProtocol)
    .where(and(eq(federationProtocol.idpId, idpId), eq(federationProtocol.id, protocolId)))
    .limit(1);
  return rows.length > 0;
}
