// Registered limits and limits as py-keystone's limit driver hands them out (to_dict, keys in its order), and the
// self links the API adds. A limit's service, region and resource name come from its registered limit.
import type { JoinedLimit, LimitRow, RegisteredLimitRow } from './store.js';

export type Ref = Record<string, unknown>;

export function registeredLimitRef(row: RegisteredLimitRow): Ref {
  return {
    id: row.id,
    service_id: row.serviceId,
    region_id: row.regionId,
    resource_name: row.resourceName,
    default_limit: row.defaultLimit,
    description: row.description,
  };
}

export function limitRef({ limit, registered }: JoinedLimit): Ref {
  return {
    ...ownLimitColumns(limit),
    service_id: registered?.serviceId ?? null,
    region_id: registered?.regionId ?? null,
    resource_name: registered?.resourceName ?? null,
  };
}

/** The limit columns, in to_dict's order; the registration's attributes follow. */
export function ownLimitColumns(row: LimitRow): Ref {
  return {
    id: row.id,
    project_id: row.projectId,
    domain_id: row.domainId,
    resource_limit: row.resourceLimit,
    description: row.description,
  };
}

export type LimitCollection = 'limits' | 'registered_limits';

export function withSelfLink(ref: Ref, base: string, collection: LimitCollection): Ref {
  return { ...ref, links: { self: `${base}/v3/${collection}/${String(ref.id)}` } };
}
