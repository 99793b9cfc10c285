// OS-EP-FILTER members as py-keystone shows them: an endpoint group (its four columns, filters parsed, a self link
// under /v3/OS-EP-FILTER), a project -> endpoint group membership (whose self link py-keystone writes without the
// base URL or /v3), and endpoints as /v3/endpoints shows them.
import { endpointToRef } from '../catalog/models.js';
import { publicEndpoint, withSelfLink } from '../catalog/render.js';
import type { EndpointRow } from '../catalog/store.js';
import { parseExtra } from '../identity/store.js';
import type { EndpointGroupRow } from './store.js';

export type Ref = Record<string, unknown>;

export function endpointGroupRef(row: EndpointGroupRow): Ref {
  return { id: row.id, name: row.name, description: row.description, filters: parseExtra(row.filters) };
}

export function renderEndpointGroup(row: EndpointGroupRow, base: string): Ref {
  return { ...endpointGroupRef(row), links: { self: `${base}/v3/OS-EP-FILTER/endpoint_groups/${row.id}` } };
}

export function renderMembership(endpointGroupId: string, projectId: string): Ref {
  return {
    endpoint_group_id: endpointGroupId,
    project_id: projectId,
    links: { self: `/OS-EP-FILTER/endpoint_groups/${endpointGroupId}/projects/${projectId}` },
  };
}

export function renderEndpoint(row: EndpointRow, base: string): Ref {
  return withSelfLink(publicEndpoint(endpointToRef(row)), base, 'endpoints');
}

/**
 * get_endpoints_filtered_by_endpoint_group: an endpoint belongs to a group when each filter equals the endpoint's
 * attribute of that name (filters only ever name service_id, region_id or interface).
 */
export function endpointMatchesGroup(row: EndpointRow, filters: Record<string, unknown>): boolean {
  const ref = endpointToRef(row);
  return Object.entries(filters).every(([key, value]) => Object.hasOwn(ref, key) && ref[key] === value);
}
