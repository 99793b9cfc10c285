// SQL for unified limits: registered limits (a default per service, region and resource name) and the project
// and domain limits that override them. A limit keeps only its registered limit's id; its service, region and
// resource name are read through that row, as py-keystone's LimitModel reads them through its relationship, so
// every limit query joins registered_limit. Like py-keystone, lists set no order.
import { and, eq, ilike, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/connection.js';
import {
  limit,
  registeredLimit,
  type LimitRow,
  type NewLimitRow,
  type NewRegisteredLimitRow,
  type RegisteredLimitRow,
} from '../db/legacy/schema.js';
import type { Filter } from '../server/v3/hints.js';

export type { LimitRow, RegisteredLimitRow };

/** A limit with the registered limit it refers to (null only if the row were dangling). */
export interface JoinedLimit {
  readonly limit: LimitRow;
  readonly registered: RegisteredLimitRow | null;
}

/** The columns a list filter may name, with their lengths (a longer value can never match, see below). */
interface FilterColumn {
  readonly column: PgColumn;
  readonly length: number;
}

const REGISTERED_LIMIT_COLUMNS: Readonly<Record<string, FilterColumn>> = {
  service_id: { column: registeredLimit.serviceId, length: 255 },
  region_id: { column: registeredLimit.regionId, length: 64 },
  resource_name: { column: registeredLimit.resourceName, length: 255 },
};

const LIMIT_COLUMNS: Readonly<Record<string, FilterColumn>> = {
  ...REGISTERED_LIMIT_COLUMNS,
  project_id: { column: limit.projectId, length: 64 },
  domain_id: { column: limit.domainId, length: 64 },
};

export const REGISTERED_LIMIT_FILTER_COLUMNS = Object.keys(REGISTERED_LIMIT_COLUMNS);
export const LIMIT_FILTER_COLUMNS = Object.keys(LIMIT_COLUMNS);

/**
 * The filters py-keystone's SQL layer satisfies: exact ones, and case-insensitive inexact ones as ILIKE with the
 * value as given (`%` and `_` stay wildcards). A value longer than its column matches nothing (sql._WontMatch).
 */
function filterConditions(columns: Readonly<Record<string, FilterColumn>>, filters: readonly Filter[]): SQL | undefined {
  const conditions: SQL[] = [];
  for (const f of filters) {
    const target = columns[f.name];
    if (!target) continue;
    if ([...f.value].length > target.length) return sql`false`;
    if (f.comparator === 'equals') conditions.push(eq(target.column, f.value));
    else if (f.comparator === 'contains') conditions.push(ilike(target.column, `%${f.value}%`));
    else if (f.comparator === 'startswith') conditions.push(ilike(target.column, `${f.value}%`));
    else conditions.push(ilike(target.column, `%${f.value}`));
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

/** `region_id = x`, or `region_id IS NULL` for a registration without a region. */
function sameRegion(regionId: string | null): SQL {
  return regionId === null ? isNull(registeredLimit.regionId) : eq(registeredLimit.regionId, regionId);
}

// ---- registered limits

export async function getRegisteredLimit(db: Executor, id: string): Promise<RegisteredLimitRow | undefined> {
  const rows = await db.select().from(registeredLimit).where(eq(registeredLimit.id, id)).limit(1);
  return rows[0];
}

/** `max` rows at most when given (the caller asks for one more than its list limit to see truncation). */
export async function listRegisteredLimits(db: Executor, filters: readonly Filter[], max?: number): Promise<RegisteredLimitRow[]> {
  const query = db.select().from(registeredLimit).where(filterConditions(REGISTERED_LIMIT_COLUMNS, filters));
  return max === undefined ? query : query.limit(max);
}

export interface Registration {
  readonly serviceId: string;
  readonly regionId: string | null;
  readonly resourceName: string;
}

/** The registered limit for a service, region (or none) and resource name, if there is one. */
export async function findRegisteredLimit(db: Executor, key: Registration): Promise<RegisteredLimitRow | undefined> {
  const rows = await db
    .select()
    .from(registeredLimit)
    .where(and(eq(registeredLimit.serviceId, key.serviceId), eq(registeredLimit.resourceName, key.resourceName), sameRegion(key.regionId)))
    .limit(1);
  return rows[0];
}

export async function insertRegisteredLimit(db: Executor, row: NewRegisteredLimitRow): Promise<RegisteredLimitRow> {
  const [inserted] = await db.insert(registeredLimit).values(row).returning();
  return inserted!;
}

export async function updateRegisteredLimit(
  db: Executor,
  id: string,
  changes: Partial<Pick<RegisteredLimitRow, 'serviceId' | 'regionId' | 'resourceName' | 'defaultLimit' | 'description'>>,
): Promise<RegisteredLimitRow> {
  if (Object.keys(changes).length === 0) return (await getRegisteredLimit(db, id))!;
  const [updated] = await db.update(registeredLimit).set(changes).where(eq(registeredLimit.id, id)).returning();
  return updated!;
}

export async function deleteRegisteredLimit(db: Executor, id: string): Promise<void> {
  await db.delete(registeredLimit).where(eq(registeredLimit.id, id));
}

/** Whether any project or domain limit refers to the registered limit. */
export async function isRegisteredLimitReferenced(db: Executor, id: string): Promise<boolean> {
  const rows = await db.select({ id: limit.id }).from(limit).where(eq(limit.registeredLimitId, id)).limit(1);
  return rows.length > 0;
}

// ---- project and domain limits

function joinedLimits(db: Executor) {
  return db
    .select({ limit, registered: registeredLimit })
    .from(limit)
    .leftJoin(registeredLimit, eq(limit.registeredLimitId, registeredLimit.id));
}

export async function getLimit(db: Executor, id: string): Promise<JoinedLimit | undefined> {
  const rows = await joinedLimits(db).where(eq(limit.id, id)).limit(1);
  return rows[0];
}

/** `max` rows at most when given (the caller asks for one more than its list limit to see truncation). */
export async function listLimits(db: Executor, filters: readonly Filter[], max?: number): Promise<JoinedLimit[]> {
  const query = joinedLimits(db).where(filterConditions(LIMIT_COLUMNS, filters));
  return max === undefined ? query : query.limit(max);
}

export type LimitOwner = { readonly projectId: string } | { readonly domainId: string };

function ownedBy(owner: LimitOwner): SQL {
  return 'projectId' in owner ? eq(limit.projectId, owner.projectId) : eq(limit.domainId, owner.domainId);
}

/** The limit a project or domain has for a registered limit, if any. */
export async function findLimitOf(db: Executor, registeredLimitId: string, owner: LimitOwner): Promise<LimitRow | undefined> {
  const rows = await db
    .select()
    .from(limit)
    .where(and(eq(limit.registeredLimitId, registeredLimitId), ownedBy(owner)))
    .limit(1);
  return rows[0];
}

/** The limit a project or domain has for a service, region and resource name, if any. */
export async function findLimitFor(db: Executor, key: Registration, owner: LimitOwner): Promise<LimitRow | undefined> {
  const rows = await joinedLimits(db)
    .where(
      and(
        ownedBy(owner),
        eq(registeredLimit.serviceId, key.serviceId),
        eq(registeredLimit.resourceName, key.resourceName),
        sameRegion(key.regionId),
      ),
    )
    .limit(1);
  return rows[0]?.limit;
}

export async function insertLimit(db: Executor, row: NewLimitRow): Promise<LimitRow> {
  const [inserted] = await db.insert(limit).values(row).returning();
  return inserted!;
}

export async function updateLimit(
  db: Executor,
  id: string,
  changes: Partial<Pick<LimitRow, 'resourceLimit' | 'description'>>,
): Promise<void> {
  if (Object.keys(changes).length > 0) await db.update(limit).set(changes).where(eq(limit.id, id));
}

export async function deleteLimit(db: Executor, id: string): Promise<void> {
  await db.delete(limit).where(eq(limit.id, id));
}
