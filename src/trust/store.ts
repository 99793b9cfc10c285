// SQL for trusts: the `trust` row (soft-deleted through deleted_at; expires_at written twice, as a timestamp and
// as microseconds in expires_at_int, the column py-keystone reads first) and its `trust_role` rows.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { trust, trustRole } from '../db/legacy/schema.js';
import { parseExtra } from '../identity/store.js';

export interface TrustRecord {
  readonly id: string;
  readonly trustorUserId: string;
  readonly trusteeUserId: string;
  readonly projectId: string | null;
  readonly impersonation: boolean;
  readonly deletedAt: Date | null;
  /** Microseconds since the epoch (py-keystone's `expires_at`, read from expires_at_int first). */
  readonly expiresAt: number | null;
  readonly remainingUses: number | null;
  readonly redelegatedTrustId: string | null;
  readonly redelegationCount: number | null;
  /** Attributes py-keystone keeps in `extra`: the body's unknown keys, and a copy of the roles. */
  readonly extra: Record<string, unknown>;
}

type TrustRow = typeof trust.$inferSelect;

function toRecord(row: TrustRow): TrustRecord {
  return {
    id: row.id,
    trustorUserId: row.trustorUserId,
    trusteeUserId: row.trusteeUserId,
    projectId: row.projectId,
    impersonation: row.impersonation,
    deletedAt: row.deletedAt,
    // TrustModel.expires_at is `expires_at_int or expires_at`; rows from before the int column have only the latter.
    expiresAt: row.expiresAtInt || (row.expiresAt ? row.expiresAt.getTime() * 1000 : null),
    remainingUses: row.remainingUses,
    redelegatedTrustId: row.redelegatedTrustId,
    redelegationCount: row.redelegationCount,
    extra: parseExtra(row.extra),
  };
}

/** The row whatever its state (deleted, expired, used up); callers decide what counts as "found". */
export async function getTrustRow(db: Executor, id: string): Promise<TrustRecord | undefined> {
  const rows = await db.select().from(trust).where(eq(trust.id, id)).limit(1);
  return rows[0] && toRecord(rows[0]);
}

/** Live (not deleted) trusts, optionally of one trustor, one trustee, or redelegated from one trust. */
export async function listTrustRows(
  db: Executor,
  filter: { trustorUserId?: string; trusteeUserId?: string; redelegatedTrustId?: string } = {},
): Promise<TrustRecord[]> {
  const conditions = [isNull(trust.deletedAt)];
  if (filter.trustorUserId !== undefined) conditions.push(eq(trust.trustorUserId, filter.trustorUserId));
  if (filter.trusteeUserId !== undefined) conditions.push(eq(trust.trusteeUserId, filter.trusteeUserId));
  if (filter.redelegatedTrustId !== undefined) conditions.push(eq(trust.redelegatedTrustId, filter.redelegatedTrustId));
  const rows = await db.select().from(trust).where(and(...conditions));
  return rows.map(toRecord);
}

export async function listTrustRoleIds(db: Executor, trustId: string): Promise<string[]> {
  const rows = await db.select({ roleId: trustRole.roleId }).from(trustRole).where(eq(trustRole.trustId, trustId));
  return rows.map((r) => r.roleId);
}

export interface NewTrust extends Omit<TrustRecord, 'deletedAt'> {
  readonly roleIds: readonly string[];
}

/** Writes the trust and its roles; the unique constraint on (trustor, trustee, project, impersonation, expiry) may refuse it. */
export async function insertTrust(db: Executor, t: NewTrust): Promise<void> {
  // The timestamp column gets the exact microseconds too (a JS Date keeps only milliseconds).
  const expiresAt = t.expiresAt === null ? null : sql`timestamp '1970-01-01' + ${t.expiresAt} * interval '1 microsecond'`;
  await db.insert(trust).values({
    id: t.id,
    trustorUserId: t.trustorUserId,
    trusteeUserId: t.trusteeUserId,
    projectId: t.projectId,
    impersonation: t.impersonation,
    deletedAt: null,
    expiresAt: expiresAt as unknown as Date | null,
    expiresAtInt: t.expiresAt,
    remainingUses: t.remainingUses,
    extra: JSON.stringify(t.extra),
    redelegatedTrustId: t.redelegatedTrustId,
    redelegationCount: t.redelegationCount,
  });
  if (t.roleIds.length > 0) await db.insert(trustRole).values(t.roleIds.map((roleId) => ({ trustId: t.id, roleId })));
}

export async function softDeleteTrust(db: Executor, id: string, at: Date): Promise<void> {
  await db.update(trust).set({ deletedAt: at }).where(eq(trust.id, id));
}

/**
 * Takes one use of a limited trust in a single conditional UPDATE (py-keystone's optimistic lock, without the
 * retries). Answers the uses left afterwards (null: unlimited), 'exhausted' when none were left, or 'missing'
 * when the trust is gone.
 */
export async function consumeTrustUse(db: Executor, id: string): Promise<number | null | 'exhausted' | 'missing'> {
  const updated = await db
    .update(trust)
    .set({ remainingUses: sql`${trust.remainingUses} - 1` })
    .where(and(eq(trust.id, id), isNull(trust.deletedAt), sql`${trust.remainingUses} > 0`))
    .returning({ remainingUses: trust.remainingUses });
  if (updated[0]) return updated[0].remainingUses;
  const rows = await db
    .select({ remainingUses: trust.remainingUses })
    .from(trust)
    .where(and(eq(trust.id, id), isNull(trust.deletedAt)))
    .limit(1);
  if (!rows[0]) return 'missing';
  return rows[0].remainingUses === null ? null : 'exhausted';
}
