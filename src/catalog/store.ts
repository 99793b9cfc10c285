// SQL for the service catalog: services (name and description live in `extra`), endpoints, regions, and the
// OS-EP-FILTER project associations that narrow a project's catalog.
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { endpoint, endpointGroup, projectEndpoint, projectEndpointGroup, region, service } from '../db/legacy/schema.js';

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
