// SQL for /v3/policies (the `policy` table: `blob` and `extra` are JSON text) and OS-ENDPOINT-POLICY (the
// `policy_association` table, whose endpoint_id, service_id and region_id may each be null: a null compares as
// IS NULL, as SQLAlchemy's `== None` does). Like py-keystone's sql drivers, lists set no order.
import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/connection.js';
import { policy, policyAssociation } from '../db/legacy/schema.js';

export type PolicyRow = typeof policy.$inferSelect;
export type PolicyAssociationRow = typeof policyAssociation.$inferSelect;

/** What an association points at: an endpoint, a service, or a service in a region. */
export interface AssociationTarget {
  readonly endpointId: string | null;
  readonly serviceId: string | null;
  readonly regionId: string | null;
}

export async function listPolicies(db: Executor): Promise<PolicyRow[]> {
  return db.select().from(policy);
}

export async function getPolicy(db: Executor, id: string): Promise<PolicyRow | undefined> {
  const rows = await db.select().from(policy).where(eq(policy.id, id));
  return rows[0];
}

export async function insertPolicy(db: Executor, row: PolicyRow): Promise<void> {
  await db.insert(policy).values(row);
}

export async function updatePolicy(db: Executor, row: PolicyRow): Promise<void> {
  const { id, ...columns } = row;
  await db.update(policy).set(columns).where(eq(policy.id, id));
}

export async function deletePolicy(db: Executor, id: string): Promise<void> {
  await db.delete(policy).where(eq(policy.id, id));
}

// ---------------------------------------------------------------------------------------------------------------
// policy_association

const same = (column: PgColumn, value: string | null): SQL => (value === null ? isNull(column) : eq(column, value));

function targetIs(target: AssociationTarget): SQL {
  return and(
    same(policyAssociation.endpointId, target.endpointId),
    same(policyAssociation.serviceId, target.serviceId),
    same(policyAssociation.regionId, target.regionId),
  )!;
}

/** The policy ids associated with exactly this target (more than one only in a database edited by hand). */
export async function listPolicyIdsFor(db: Executor, target: AssociationTarget): Promise<string[]> {
  const rows = await db.selectDistinct({ id: policyAssociation.policyId }).from(policyAssociation).where(targetIs(target));
  return rows.map((r) => r.id);
}

export async function hasAssociation(db: Executor, policyId: string, target: AssociationTarget): Promise<boolean> {
  const rows = await db
    .select({ id: policyAssociation.id })
    .from(policyAssociation)
    .where(and(eq(policyAssociation.policyId, policyId), targetIs(target)));
  return rows.length > 0;
}

/** Points the target's association at the policy, creating it when the target has none. */
export async function upsertAssociation(db: Executor, id: string, policyId: string, target: AssociationTarget): Promise<void> {
  const updated = await db.update(policyAssociation).set({ policyId }).where(targetIs(target)).returning({ id: policyAssociation.id });
  if (updated.length === 0) await db.insert(policyAssociation).values({ id, policyId, ...target });
}

export async function deleteAssociation(db: Executor, policyId: string, target: AssociationTarget): Promise<void> {
  await db.delete(policyAssociation).where(and(eq(policyAssociation.policyId, policyId), targetIs(target)));
}

export async function listAssociationsOfPolicy(db: Executor, policyId: string): Promise<PolicyAssociationRow[]> {
  return db.select().from(policyAssociation).where(eq(policyAssociation.policyId, policyId));
}
