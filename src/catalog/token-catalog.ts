// The catalog placed in scoped tokens and served at /v3/auth/catalog, built as py-keystone builds it: enabled
// services, their enabled endpoints, URLs with $(project_id)s / %(tenant_id)s / $(user_id)s substituted
// (endpoints needing a project are left out of domain and system catalogs; endpoints with any other
// substitution are left out, as py-keystone drops URLs it cannot format), narrowed by OS-EP-FILTER
// associations when a project has any.
import type { Executor } from '../db/connection.js';
import { parseExtra } from '../identity/store.js';
import {
  listAllEndpoints,
  listEnabledServicesWithEndpoints,
  listProjectEndpointGroupFilters,
  listProjectEndpointIds,
  type EndpointRow,
} from './store.js';

export interface CatalogEndpoint {
  id: string;
  interface: string;
  region_id: string | null;
  url: string;
  region: string | null;
  [extra: string]: unknown;
}

export interface CatalogService {
  endpoints: CatalogEndpoint[];
  id: string;
  type: string | null;
  name: string;
}

export async function buildCatalog(db: Executor, userId: string, projectId: string | null): Promise<CatalogService[]> {
  const services = await listEnabledServicesWithEndpoints(db);
  const allowed = projectId ? await endpointsFilteredForProject(db, projectId) : undefined;
  const catalog: CatalogService[] = [];
  for (const { service, endpoints } of services) {
    const rendered: CatalogEndpoint[] = [];
    for (const ep of endpoints) {
      if (!ep.enabled) continue;
      if (allowed && !allowed.has(ep.id)) continue;
      const url = formatEndpointUrl(ep.url, { user_id: userId, tenant_id: projectId, project_id: projectId });
      if (url === undefined) continue;
      rendered.push({
        ...parseExtra(ep.extra),
        id: ep.id,
        interface: ep.interface,
        region_id: ep.regionId,
        url,
        region: ep.regionId,
      });
    }
    // With endpoint filtering in force py-keystone drops services left without endpoints; without it, it keeps them.
    if (allowed && rendered.length === 0) continue;
    const name = parseExtra(service.extra).name;
    catalog.push({ endpoints: rendered, id: service.id, type: service.type, name: typeof name === 'string' ? name : '' });
  }
  return catalog;
}

/** Undefined when the URL cannot be formatted (unknown key, or a project key with no project). */
export function formatEndpointUrl(url: string, values: Record<string, string | null>): string | undefined {
  let failed = false;
  const formatted = url.replace(/[$%]\((\w+)\)s/g, (_m, key: string) => {
    const value = values[key];
    if (value === undefined || value === null) failed = true;
    return value ?? '';
  });
  return failed ? undefined : formatted;
}

/** Endpoint ids a project may see, or undefined when the project has no OS-EP-FILTER association at all. */
async function endpointsFilteredForProject(db: Executor, projectId: string): Promise<Set<string> | undefined> {
  const [direct, groupFilters] = await Promise.all([
    listProjectEndpointIds(db, projectId),
    listProjectEndpointGroupFilters(db, projectId),
  ]);
  if (direct.length === 0 && groupFilters.length === 0) return undefined;
  const allowed = new Set(direct);
  if (groupFilters.length > 0) {
    const endpoints = await listAllEndpoints(db);
    for (const text of groupFilters) {
      const filters = parseExtra(text);
      for (const ep of endpoints) if (matchesGroupFilters(ep, filters)) allowed.add(ep.id);
    }
  }
  return allowed;
}

function matchesGroupFilters(ep: EndpointRow, filters: Record<string, unknown>): boolean {
  const fields: Record<string, unknown> = { service_id: ep.serviceId, region_id: ep.regionId, interface: ep.interface };
  return Object.entries(filters).every(([key, value]) => fields[key] === value);
}
