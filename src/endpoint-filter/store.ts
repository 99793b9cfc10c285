// SQL for OS-EP-FILTER: endpoint groups (`filters` is a JSON object kept as text), the project -> endpoint
// associations of `project_endpoint`, and the project -> endpoint group memberships of `project_endpoint_group`.
// Like py-keystone's sql driver, lists set no order.
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { endpointGroup, projectEndpoint, projectEndpointGroup } from '../db/legacy/schema.js';

export type EndpointGroupRow = typeof endpointGroup.$inferSelect;

/** GET /endpoint_groups takes exact `name` filters only (each one must hold). */
export async function listEndpointGroups(db: Executor, names: readonly string[]): Promise<EndpointGroupRow[]> {
  const conditions = names.map((name) => eq(endpointGroup.name, name));
  return db.select().from(endpointGroup).where(conditions.length > 0 ? and(...conditions) : undefined);
}

export async function getEndpointGroup(db: Executor, id: string): Promise<EndpointGroupRow | undefined> {
  const rows = await db.select().from(endpointGroup).where(eq(endpointGroup.id, id));
  return rows[0];
}

export async function insertEndpointGroup(db: Executor, row: EndpointGroupRow): Promise<void> {
  await db.insert(endpointGroup).values(row);
}

export async function updateEndpointGroup(db: Executor, row: EndpointGroupRow): Promise<void> {
  const { id, ...columns } = row;
  await db.update(endpointGroup).set(columns).where(eq(endpointGroup.id, id));
}

/** The group and its project memberships (the membership's foreign key requires that order). */
export async function deleteEndpointGroup(db: Executor, id: string): Promise<void> {
  await db.delete(projectEndpointGroup).where(eq(projectEndpointGroup.endpointGroupId, id));
  await db.delete(endpointGroup).where(eq(endpointGroup.id, id));
}

// ---------------------------------------------------------------------------------------------------------------
// project_endpoint

/** False when the association already exists. */
export async function insertProjectEndpoint(db: Executor, endpointId: string, projectId: string): Promise<boolean> {
  const rows = await db.insert(projectEndpoint).values({ endpointId, projectId }).onConflictDoNothing().returning();
  return rows.length > 0;
}

export async function hasProjectEndpoint(db: Executor, endpointId: string, projectId: string): Promise<boolean> {
  const rows = await db
    .select({ id: projectEndpoint.endpointId })
    .from(projectEndpoint)
    .where(and(eq(projectEndpoint.endpointId, endpointId), eq(projectEndpoint.projectId, projectId)));
  return rows.length > 0;
}

/** True when a row was deleted. */
export async function deleteProjectEndpoint(db: Executor, endpointId: string, projectId: string): Promise<boolean> {
  const rows = await db
    .delete(projectEndpoint)
    .where(and(eq(projectEndpoint.endpointId, endpointId), eq(projectEndpoint.projectId, projectId)))
    .returning();
  return rows.length > 0;
}

export async function listEndpointIdsOfProject(db: Executor, projectId: string): Promise<string[]> {
  const rows = await db.select({ id: projectEndpoint.endpointId }).from(projectEndpoint).where(eq(projectEndpoint.projectId, projectId));
  return rows.map((r) => r.id);
}

export async function listProjectIdsOfEndpoint(db: Executor, endpointId: string): Promise<string[]> {
  const rows = await db.select({ id: projectEndpoint.projectId }).from(projectEndpoint).where(eq(projectEndpoint.endpointId, endpointId));
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------------------------
// project_endpoint_group

/** False when the membership already exists. */
export async function insertProjectEndpointGroup(db: Executor, endpointGroupId: string, projectId: string): Promise<boolean> {
  const rows = await db.insert(projectEndpointGroup).values({ endpointGroupId, projectId }).onConflictDoNothing().returning();
  return rows.length > 0;
}

export async function hasProjectEndpointGroup(db: Executor, endpointGroupId: string, projectId: string): Promise<boolean> {
  const rows = await db
    .select({ id: projectEndpointGroup.endpointGroupId })
    .from(projectEndpointGroup)
    .where(and(eq(projectEndpointGroup.endpointGroupId, endpointGroupId), eq(projectEndpointGroup.projectId, projectId)));
  return rows.length > 0;
}

/** True when a row was deleted. */
export async function deleteProjectEndpointGroup(db: Executor, endpointGroupId: string, projectId: string): Promise<boolean> {
  const rows = await db
    .delete(projectEndpointGroup)
    .where(and(eq(projectEndpointGroup.endpointGroupId, endpointGroupId), eq(projectEndpointGroup.projectId, projectId)))
    .returning();
  return rows.length > 0;
}

export async function listEndpointGroupsOfProject(db: Executor, projectId: string): Promise<EndpointGroupRow[]> {
  const rows = await db
    .select({ group: endpointGroup })
    .from(projectEndpointGroup)
    .innerJoin(endpointGroup, eq(endpointGroup.id, projectEndpointGroup.endpointGroupId))
    .where(eq(projectEndpointGroup.projectId, projectId));
  return rows.map((r) => r.group);
}

export async function listProjectIdsOfEndpointGroup(db: Executor, endpointGroupId: string): Promise<string[]> {
  const rows = await db
    .select({ id: projectEndpointGroup.projectId })
    .from(projectEndpointGroup)
    .where(eq(projectEndpointGroup.endpointGroupId, endpointGroupId));
  return rows.map((r) => r.id);
}
