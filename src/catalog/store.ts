// SQL for the service catalog: services (name and description live in `extra`), endpoints, regions, and the
// OS-EP-FILTER project associations that narrow a project's catalog.
import { and, count, eq, ilike, inArray, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/connection.js';
import { endpoint, endpointGroup, projectEndpoint, projectEndpointGroup, region, service } from '../db/legacy/schema.js';
import type { Filter } from '../server/v3/hints.js';

export type RegionRow = typeof region.$inferSelect;
export type ServiceRow = typeof service.$inferSelect;
export type EndpointRow = typeof endpoint.$inferSelect;

export async function listEnabledServicesWithEndpoints(db: Executor): Promise<{ service: ServiceRow; endpoints: EndpointRow[] }[]> {
  const services = await db.select().from(service).where(eq(service.enabled, true)).orderBy(service.id);
  if (services.length === 0) return [];
  const endpoints = await db
    .select()
    .from(endpoint)
    .where(inArray(endpoint.serviceId, services.map((s) => s.id)))
    .orderBy(endpoint.id);
  return services.map((s) => ({ service: s, endpoints: endpoints.filter((e) => e.serviceId === s.id) }));
}

export async function listProjectEndpointIds(db: Executor, projectId: string): Promise<string[]> {
  const rows = await db
    .select({ id: projectEndpoint.endpointId })
    .from(projectEndpoint)
    .where(eq(projectEndpoint.projectId, projectId));
  return rows.map((r) => r.id);
}

export async function listProjectEndpointGroupFilters(db: Executor, projectId: string): Promise<string[]> {
  const rows = await db
    .select({ filters: endpointGroup.filters })
    .from(projectEndpointGroup)
    .innerJoin(endpointGroup, eq(endpointGroup.id, projectEndpointGroup.endpointGroupId))
    .where(eq(projectEndpointGroup.projectId, projectId));
  return rows.map((r) => r.filters);
}

export async function listAllEndpoints(db: Executor): Promise<EndpointRow[]> {
  return db.select().from(endpoint);
}

export async function findServicesByType(db: Executor, type: string): Promise<ServiceRow[]> {
  return db.select().from(service).where(eq(service.type, type));
}

export async function listEndpointsOfService(db: Executor, serviceId: string, regionId?: string): Promise<EndpointRow[]> {
  const byService = eq(endpoint.serviceId, serviceId);
  return db.select().from(endpoint).where(regionId ? and(byService, eq(endpoint.regionId, regionId)) : byService);
}

export async function ensureRegion(db: Executor, id: string): Promise<boolean> {
  const rows = await db.insert(region).values({ id, description: '', extra: '{}' }).onConflictDoNothing().returning();
  return rows.length > 0;
}

export async function insertService(db: Executor, row: typeof service.$inferInsert): Promise<void> {
  await db.insert(service).values(row);
}

export async function insertEndpoint(db: Executor, row: typeof endpoint.$inferInsert): Promise<void> {
  await db.insert(endpoint).values(row);
}

export async function updateEndpointUrl(db: Executor, id: string, url: string): Promise<void> {
  await db.update(endpoint).set({ url }).where(eq(endpoint.id, id));
}

// ---------------------------------------------------------------------------------------------------------------
// The v3 admin API: regions, services and endpoints. Lists take the filters py-keystone's SQL layer satisfies
// (list-filters.ts decides which); like py-keystone they set no order.

/** Columns a list filter may name, by API attribute. */
export const REGION_FILTER_COLUMNS = { parent_region_id: region.parentRegionId } as const;
export const SERVICE_FILTER_COLUMNS = { type: service.type } as const;
export const ENDPOINT_FILTER_COLUMNS = {
  interface: endpoint.interface,
  service_id: endpoint.serviceId,
  region_id: endpoint.regionId,
} as const;

function filterConditions(columns: Readonly<Record<string, PgColumn>>, filters: readonly Filter[]): SQL | undefined {
  const conditions: SQL[] = [];
  for (const f of filters) {
    const column = columns[f.name];
    if (!column) continue;
    if (f.comparator === 'equals') conditions.push(eq(column, f.value));
    else if (f.comparator === 'contains') conditions.push(ilike(column, `%${f.value}%`));
    else if (f.comparator === 'startswith') conditions.push(ilike(column, `${f.value}%`));
    else conditions.push(ilike(column, `%${f.value}`));
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

export async function getRegion(db: Executor, id: string): Promise<RegionRow | undefined> {
  const rows = await db.select().from(region).where(eq(region.id, id));
  return rows[0];
}

export async function listRegions(db: Executor, filters: readonly Filter[]): Promise<RegionRow[]> {
  return db.select().from(region).where(filterConditions(REGION_FILTER_COLUMNS, filters));
}

export async function listChildRegions(db: Executor, parentId: string): Promise<RegionRow[]> {
  return db.select().from(region).where(eq(region.parentRegionId, parentId));
}

export async function countEndpointsInRegion(db: Executor, regionId: string): Promise<number> {
  const rows = await db.select({ n: count() }).from(endpoint).where(eq(endpoint.regionId, regionId));
  return rows[0]?.n ?? 0;
}

export async function insertRegion(db: Executor, row: RegionRow): Promise<void> {
  await db.insert(region).values(row);
}

export async function updateRegion(db: Executor, row: RegionRow): Promise<void> {
  const { id, ...columns } = row;
  await db.update(region).set(columns).where(eq(region.id, id));
}

export async function deleteRegions(db: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.delete(region).where(inArray(region.id, [...ids]));
}

export async function getService(db: Executor, id: string): Promise<ServiceRow | undefined> {
  const rows = await db.select().from(service).where(eq(service.id, id));
  return rows[0];
}

export async function listServices(db: Executor, filters: readonly Filter[]): Promise<ServiceRow[]> {
  return db.select().from(service).where(filterConditions(SERVICE_FILTER_COLUMNS, filters));
}

export async function updateService(db: Executor, row: ServiceRow): Promise<void> {
  const { id, ...columns } = row;
  await db.update(service).set(columns).where(eq(service.id, id));
}

/** Deletes the service and its endpoints; returns the ids of the endpoints it removed. */
export async function deleteServiceAndEndpoints(db: Executor, id: string): Promise<string[]> {
  const removed = await db.delete(endpoint).where(eq(endpoint.serviceId, id)).returning({ id: endpoint.id });
  await db.delete(service).where(eq(service.id, id));
  return removed.map((r) => r.id);
}

export async function getEndpoint(db: Executor, id: string): Promise<EndpointRow | undefined> {
  const rows = await db.select().from(endpoint).where(eq(endpoint.id, id));
  return rows[0];
}

export async function listEndpoints(db: Executor, filters: readonly Filter[]): Promise<EndpointRow[]> {
  return db.select().from(endpoint).where(filterConditions(ENDPOINT_FILTER_COLUMNS, filters));
}

export async function updateEndpoint(db: Executor, row: EndpointRow): Promise<void> {
  const { id, ...columns } = row;
  await db.update(endpoint).set(columns).where(eq(endpoint.id, id));
}

/** True when a row was deleted. */
export async function deleteEndpoint(db: Executor, id: string): Promise<boolean> {
  const removed = await db.delete(endpoint).where(eq(endpoint.id, id)).returning({ id: endpoint.id });
  return removed.length > 0;
}

/** OS-EP-FILTER project associations of deleted endpoints (py-keystone drops them too). */
export async function deleteProjectEndpointAssociations(db: Executor, endpointIds: readonly string[]): Promise<void> {
  if (endpointIds.length > 0) await db.delete(projectEndpoint).where(inArray(projectEndpoint.endpointId, [...endpointIds]));
}
