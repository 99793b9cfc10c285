// The catalog placed in scoped tokens and served at /v3/auth/catalog, built as py-keystone's get_v3_catalog builds
// it: enabled services, their enabled endpoints, URLs formatted as Python formats them (`url % substitutions` over
// utils.format_url's whitelist: $(project_id)s / %(tenant_id)s / $(user_id)s and the legacy host/port keys).
// Endpoints needing a project are left out of domain and system catalogs, and endpoints whose URL Python could not
// format are left out. A project with OS-EP-FILTER associations (direct or through endpoint groups) sees only
// those endpoints, and services left without any are dropped.
import type { KeystoneConfig } from '../config/schema.js';
import type { Executor } from '../db/connection.js';
import { parseExtra } from '../identity/store.js';
import { pyPercentFormat, UrlFormatError, WHITELISTED_URL_KEYS, type PyValue } from './url-format.js';
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

export interface CatalogOptions {
  /** `[DEFAULT] public_endpoint`, which a URL may name; py-keystone formats an unset one as None. */
  readonly publicEndpoint?: string | null | undefined;
  /**
   * `[endpoint_filter] return_all_endpoints_if_no_filter`: when false, a catalog that OS-EP-FILTER does not narrow
   * (a project without associations, or a domain or system scope) is empty.
   */
  readonly returnAllEndpointsIfNoFilter?: boolean;
}

export function catalogOptions(config: KeystoneConfig): CatalogOptions {
  return {
    publicEndpoint: config.DEFAULT.public_endpoint,
    returnAllEndpointsIfNoFilter: config.endpoint_filter.return_all_endpoints_if_no_filter,
  };
}

export async function buildCatalog(
  db: Executor,
  userId: string,
  projectId: string | null,
  options: CatalogOptions = {},
): Promise<CatalogService[]> {
  const services = await listEnabledServicesWithEndpoints(db);
  const allowed = projectId ? await endpointsFilteredForProject(db, projectId) : undefined;
  if (!allowed && options.returnAllEndpointsIfNoFilter === false) return [];
  const values = {
    ...LEGACY_SUBSTITUTIONS,
    public_endpoint: options.publicEndpoint ?? 'None',
    user_id: userId,
    tenant_id: projectId,
    project_id: projectId,
  };
  const catalog: CatalogService[] = [];
  for (const { service, endpoints } of services) {
    const rendered: CatalogEndpoint[] = [];
    for (const ep of endpoints) {
      if (!ep.enabled) continue;
      if (allowed && !allowed.has(ep.id)) continue;
      const url = formatEndpointUrl(ep.url, values);
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

/**
 * [eventlet_server] options py-keystone still offers to endpoint URLs, at their defaults (keystone-ts has no such
 * section: these are the values every py-keystone without an [eventlet_server] section substitutes).
 */
const LEGACY_SUBSTITUTIONS = { public_bind_host: '0.0.0.0', admin_bind_host: '0.0.0.0', public_port: 5000, admin_port: 35357 };

/**
 * The URL formatted as py-keystone's format_url formats it; undefined when Python could not (a key that is not
 * whitelisted or has no value, e.g. a project key with no project, or a malformed template) or the result is
 * empty, which py-keystone also leaves out.
 */
export function formatEndpointUrl(url: string, values: Record<string, PyValue | undefined>): string | undefined {
  const mapping = new Map<string, PyValue>();
  for (const key of WHITELISTED_URL_KEYS) {
    const value = values[key];
    if (value !== undefined && value !== null) mapping.set(key, value);
  }
  try {
    return pyPercentFormat(url.replaceAll('$(', '%('), mapping) || undefined;
  } catch (err) {
    if (err instanceof UrlFormatError) return undefined;
    throw err;
  }
}

/**
 * Endpoint ids a project may see, or undefined when its OS-EP-FILTER associations name no existing endpoint: like
 * py-keystone, associations with deleted endpoints are ignored, and a project left with none sees every endpoint.
 */
async function endpointsFilteredForProject(db: Executor, projectId: string): Promise<Set<string> | undefined> {
  const [direct, groupFilters] = await Promise.all([
    listProjectEndpointIds(db, projectId),
    listProjectEndpointGroupFilters(db, projectId),
  ]);
  if (direct.length === 0 && groupFilters.length === 0) return undefined;
  const endpoints = await listAllEndpoints(db);
  const wanted = new Set(direct);
  const allowed = new Set(endpoints.filter((ep) => wanted.has(ep.id)).map((ep) => ep.id));
  for (const text of groupFilters) {
    const filters = parseExtra(text);
    for (const ep of endpoints) if (matchesGroupFilters(ep, filters)) allowed.add(ep.id);
  }
  return allowed.size > 0 ? allowed : undefined;
}

function matchesGroupFilters(ep: EndpointRow, filters: Record<string, unknown>): boolean {
  const fields: Record<string, unknown> = { service_id: ep.serviceId, region_id: ep.regionId, interface: ep.interface };
  return Object.entries(filters).every(([key, value]) => fields[key] === value);
}
