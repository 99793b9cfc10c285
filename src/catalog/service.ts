// The /v3/regions, /v3/services and /v3/endpoints operations. For each: the policy rule and policy dict exactly as
// py-keystone's api/regions.py, api/services.py and api/endpoints.py build them (only endpoints have a member the
// RBAC enforcer loads as target, so only they answer 404 before 403), the body checked against
// keystone/catalog/schema.py once policy has passed, then the catalog manager's rules (catalog/core.py and
// backends/sql.py) in one transaction per change, a notification per change, and the token validation cache
// cleared when what a token's catalog shows may have changed.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { Conflict, Forbidden, NotFound, ValidationError } from '../errors.js';
import type { Executor } from '../db/connection.js';
import type { RouteContext } from '../server/app.js';
import { buildHints } from '../server/v3/hints.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { bodyMember } from './body.js';
import {
  endpointCreate,
  endpointUpdate,
  regionCreate,
  regionUpdate,
  serviceCreate,
  serviceUpdate,
} from './body-schemas.js';
import { validateObject } from './json-schema.js';
import { filterRefs, partitionFilters } from './list-filters.js';
import {
  endpointFromRef,
  endpointToRef,
  regionFromRef,
  regionToRef,
  serviceFromRef,
  serviceToRef,
  type Ref,
} from './models.js';
import { assertLinksAcceptSelf, publicEndpoint } from './render.js';
import {
  countEndpointsInRegion,
  deleteEndpoint as deleteEndpointRow,
  deleteProjectEndpointAssociations,
  deleteRegions,
  deleteServiceAndEndpoints,
  ENDPOINT_FILTER_COLUMNS,
  getEndpoint as getEndpointRow,
  getRegion as getRegionRow,
  getService as getServiceRow,
  insertEndpoint,
  insertRegion,
  insertService,
  listChildRegions,
  listEndpoints,
  listRegions,
  listServices,
  REGION_FILTER_COLUMNS,
  SERVICE_FILTER_COLUMNS,
  updateEndpoint as updateEndpointRow,
  updateRegion as updateRegionRow,
  updateService as updateServiceRow,
  type EndpointRow,
} from './store.js';
import { isValidEndpointUrl } from './url-format.js';

export type CatalogDeps = Pick<RouteContext, 'db' | 'transaction' | 'events' | 'tokens' | 'authorize'>;

type Query = Record<string, unknown>;

const REGION_FILTERS = ['parent_region_id'];
const SERVICE_FILTERS = ['type', 'name'];
const ENDPOINT_FILTERS = ['interface', 'service_id', 'region_id'];

// ---------------------------------------------------------------------------------------------------------------
// Regions

export async function listRegionRefs(deps: CatalogDeps, caller: AuthContext, query: Query): Promise<Ref[]> {
  await deps.authorize(caller, 'identity:list_regions', policyDict({ filters: filterValues(query, REGION_FILTERS) }));
  const { inSql, inMemory } = partitionFilters(buildHints(query, REGION_FILTERS), Object.keys(REGION_FILTER_COLUMNS));
  const rows = await listRegions(deps.db, inSql);
  return filterRefs(rows.map(regionToRef), inMemory);
}

export async function getRegionRef(deps: CatalogDeps, caller: AuthContext, id: string): Promise<Ref> {
  await deps.authorize(caller, 'identity:get_region', policyDict({ params: { region_id: id } }));
  const row = await getRegionRow(deps.db, id);
  if (!row) throw NotFound.of('region', id);
  return regionToRef(row);
}

/**
 * POST /v3/regions (no `urlId`: the body's id, or a new one when it has none or an empty one) and
 * PUT /v3/regions/{id} (the URL's id; a different id in the body is refused).
 */
export async function createRegion(deps: CatalogDeps, caller: AuthContext, body: unknown, urlId?: string): Promise<Ref> {
  const params = urlId === undefined ? {} : { region_id: urlId };
  await deps.authorize(caller, 'identity:create_region', policyDict({ params, body }));
  const requested = normalizeKeys(validateObject(regionCreate, bodyMember(body, 'region')));
  let ref: Ref;
  if (urlId === undefined) ref = requested.id ? requested : { ...requested, id: newId() };
  else if (!Object.hasOwn(requested, 'id')) ref = { ...requested, id: urlId };
  else if (requested.id !== urlId) {
    throw new ValidationError(`Conflicting region IDs specified: "${urlId}" != "${String(requested.id)}"`);
  } else ref = requested;
  const created = await deps.transaction((tx) => insertNewRegion(tx, ref));
  deps.events.emit('created', 'region', String(created.id), caller);
  return created;
}

export async function updateRegion(deps: CatalogDeps, caller: AuthContext, id: string, body: unknown): Promise<Ref> {
  await deps.authorize(caller, 'identity:update_region', policyDict({ params: { region_id: id }, body }));
  const patch = validateObject(regionUpdate, bodyMember(body, 'region'));
  requireMatchingId(patch, id);
  const changes = patch.description === null ? { ...patch, description: '' } : patch;
  const updated = await deps.transaction(async (tx) => {
    await assertParentRegionExists(tx, changes.parent_region_id);
    const current = await getRegionRow(tx, id);
    if (!current) throw NotFound.of('region', id);
    const merged = { ...regionToRef(current), ...changes };
    await assertNoCircle(tx, id, merged.parent_region_id);
    const row = { ...regionFromRef(merged), id };
    assertLinksAcceptSelf(merged);
    await updateRegionRow(tx, row);
    return regionToRef(row);
  });
  deps.events.emit('updated', 'region', id, caller);
  return updated;
}

/** Deletes the region and, with it, every region below it, unless any of them has an endpoint (403). */
export async function deleteRegion(deps: CatalogDeps, caller: AuthContext, id: string): Promise<void> {
  await deps.authorize(caller, 'identity:delete_region', policyDict({ params: { region_id: id } }));
  await deps.transaction(async (tx) => {
    if (!(await getRegionRow(tx, id))) throw NotFound.of('region', id);
    const doomed = [id, ...(await regionsBelow(tx, id))];
    for (const regionId of doomed) {
      if ((await countEndpointsInRegion(tx, regionId)) > 0) {
        throw new Forbidden(`Unable to delete region ${id} because it or its child regions have associated endpoints.`);
      }
    }
    await deleteRegions(tx, doomed);
  });
  deps.events.emit('deleted', 'region', id, caller);
}

/** The manager's create_region: refuses an existing id, defaults the description, requires the parent. */
async function insertNewRegion(tx: Executor, ref: Ref): Promise<Ref> {
  const id = String(ref.id);
  if (await getRegionRow(tx, id)) throw Conflict.duplicate('region', `Duplicate ID, ${id}.`);
  const full = ref.description === undefined || ref.description === null ? { ...ref, description: '' } : ref;
  await assertParentRegionExists(tx, full.parent_region_id);
  const row = regionFromRef(full);
  assertLinksAcceptSelf(full);
  try {
    await insertRegion(tx, row);
  } catch (err) {
    if (isUniqueViolation(err)) throw Conflict.duplicate('region', `Duplicate entry found with ID ${id}`);
    throw err;
  }
  return regionToRef(row);
}

async function assertParentRegionExists(tx: Executor, parentId: unknown): Promise<void> {
  if (parentId === undefined || parentId === null) return;
  if (!(await getRegionRow(tx, String(parentId)))) throw NotFound.of('region', String(parentId));
}

/** Walks up from the new parent; reaching the region itself would close a loop (py-keystone's 400). */
async function assertNoCircle(tx: Executor, id: string, parentId: unknown): Promise<void> {
  const seen = new Set<string>();
  for (let parent = parentId; typeof parent === 'string' && parent !== ''; ) {
    if (parent === id) {
      throw new ValidationError(`The specified parent region ${parent} would create a circular region hierarchy.`);
    }
    if (seen.has(parent)) return;
    seen.add(parent);
    const row = await getRegionRow(tx, parent);
    if (!row) throw NotFound.of('region', parent);
    parent = row.parentRegionId;
  }
}

async function regionsBelow(tx: Executor, id: string): Promise<string[]> {
  const found: string[] = [];
  const seen = new Set([id]);
  for (let frontier = [id]; frontier.length > 0; ) {
    const next: string[] = [];
    for (const parent of frontier) {
      for (const child of await listChildRegions(tx, parent)) {
        if (seen.has(child.id)) continue;
        seen.add(child.id);
        found.push(child.id);
        next.push(child.id);
      }
    }
    frontier = next;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Services

export async function listServiceRefs(deps: CatalogDeps, caller: AuthContext, query: Query): Promise<Ref[]> {
  await deps.authorize(caller, 'identity:list_services', policyDict({ filters: filterValues(query, SERVICE_FILTERS) }));
  const { inSql, inMemory } = partitionFilters(buildHints(query, SERVICE_FILTERS), Object.keys(SERVICE_FILTER_COLUMNS));
  const rows = await listServices(deps.db, inSql);
  return filterRefs(rows.map(serviceToRef), inMemory);
}

export async function getServiceRef(deps: CatalogDeps, caller: AuthContext, id: string): Promise<Ref> {
  await deps.authorize(caller, 'identity:get_service', policyDict({ params: { service_id: id } }));
  const row = await getServiceRow(deps.db, id);
  if (!row) throw NotFound.of('service', id);
  return serviceToRef(row);
}

/** A new service is enabled and named '' unless the body says otherwise (the manager's setdefault). */
export async function createService(deps: CatalogDeps, caller: AuthContext, body: unknown): Promise<Ref> {
  await deps.authorize(caller, 'identity:create_service', policyDict({ body }));
  const ref: Ref = { ...normalizeKeys(validateObject(serviceCreate, bodyMember(body, 'service'))), id: newId() };
  if (!Object.hasOwn(ref, 'enabled')) ref.enabled = true;
  if (!Object.hasOwn(ref, 'name')) ref.name = '';
  const row = serviceFromRef(ref);
  assertLinksAcceptSelf(ref);
  await insertService(deps.db, row);
  deps.events.emit('created', 'service', row.id, caller);
  deps.tokens.invalidateCache();
  return serviceToRef(row);
}

export async function updateService(deps: CatalogDeps, caller: AuthContext, id: string, body: unknown): Promise<Ref> {
  await deps.authorize(caller, 'identity:update_service', policyDict({ params: { service_id: id }, body }));
  const patch = validateObject(serviceUpdate, bodyMember(body, 'service'));
  requireMatchingId(patch, id);
  const updated = await deps.transaction(async (tx) => {
    const current = await getServiceRow(tx, id);
    if (!current) throw NotFound.of('service', id);
    const merged = { ...serviceToRef(current), ...patch };
    const row = { ...serviceFromRef(merged), id };
    assertLinksAcceptSelf(merged);
    await updateServiceRow(tx, row);
    return serviceToRef(row);
  });
  deps.events.emit('updated', 'service', id, caller);
  deps.tokens.invalidateCache();
  return updated;
}

/** Deletes the service with its endpoints (and their OS-EP-FILTER project associations). */
export async function deleteService(deps: CatalogDeps, caller: AuthContext, id: string): Promise<void> {
  await deps.authorize(caller, 'identity:delete_service', policyDict({ params: { service_id: id } }));
  await deps.transaction(async (tx) => {
    if (!(await getServiceRow(tx, id))) throw NotFound.of('service', id);
    await deleteProjectEndpointAssociations(tx, await deleteServiceAndEndpoints(tx, id));
  });
  deps.events.emit('deleted', 'service', id, caller);
  deps.tokens.invalidateCache();
}

// ---------------------------------------------------------------------------------------------------------------
// Endpoints

export async function listEndpointRefs(deps: CatalogDeps, caller: AuthContext, query: Query): Promise<Ref[]> {
  await deps.authorize(caller, 'identity:list_endpoints', policyDict({ filters: filterValues(query, ENDPOINT_FILTERS) }));
  const { inSql, inMemory } = partitionFilters(buildHints(query, ENDPOINT_FILTERS), Object.keys(ENDPOINT_FILTER_COLUMNS));
  const rows = await listEndpoints(deps.db, inSql);
  return filterRefs(rows.map((row) => publicEndpoint(endpointToRef(row))), inMemory);
}

export async function getEndpointRef(deps: CatalogDeps, caller: AuthContext, id: string): Promise<Ref> {
  const row = await endpointTarget(deps, caller, 'identity:get_endpoint', id);
  return publicEndpoint(endpointToRef(row));
}

/**
 * The URL must be one py-keystone's check_endpoint_url accepts. A legacy `region` (with no region_id) names the
 * region, which is created when missing; a region_id or service_id naming nothing is a 400. The region is created
 * in the same transaction as the endpoint: unlike py-keystone, a refused endpoint leaves no region behind.
 */
export async function createEndpoint(deps: CatalogDeps, caller: AuthContext, body: unknown): Promise<Ref> {
  await deps.authorize(caller, 'identity:create_endpoint', policyDict({ body }));
  const requested = validateObject(endpointCreate, bodyMember(body, 'endpoint'));
  const url = requested.url as string;
  if (!isValidEndpointUrl(url)) throw new ValidationError(`Cannot create an endpoint with an invalid URL: ${url}.`);
  const { ref, regionCreated } = await deps.transaction(async (tx) => {
    const resolved = await resolveLegacyRegion(tx, { ...normalizeKeys(requested), id: newId() });
    await assertReferencesExist(tx, resolved.ref);
    const row = endpointFromRef(resolved.ref);
    assertLinksAcceptSelf(resolved.ref);
    await insertEndpoint(tx, row);
    return { ref: endpointToRef(row), regionCreated: resolved.regionCreated };
  });
  if (regionCreated !== undefined) deps.events.emit('created', 'region', regionCreated, caller);
  deps.events.emit('created', 'endpoint', String(ref.id), caller);
  deps.tokens.invalidateCache();
  return publicEndpoint(ref);
}

export async function updateEndpoint(deps: CatalogDeps, caller: AuthContext, id: string, body: unknown): Promise<Ref> {
  await endpointTarget(deps, caller, 'identity:update_endpoint', id, body);
  const patch = validateObject(endpointUpdate, bodyMember(body, 'endpoint'));
  requireMatchingId(patch, id);
  const { ref, regionCreated } = await deps.transaction(async (tx) => {
    const resolved = await resolveLegacyRegion(tx, patch);
    await assertReferencesExist(tx, resolved.ref);
    const current = await getEndpointRow(tx, id);
    if (!current) throw NotFound.of('endpoint', id);
    const merged = { ...endpointToRef(current), ...resolved.ref };
    const row = { ...endpointFromRef(merged), id };
    assertLinksAcceptSelf(merged);
    await updateEndpointRow(tx, row);
    return { ref: endpointToRef(row), regionCreated: resolved.regionCreated };
  });
  if (regionCreated !== undefined) deps.events.emit('created', 'region', regionCreated, caller);
  deps.events.emit('updated', 'endpoint', id, caller);
  deps.tokens.invalidateCache();
  return publicEndpoint(ref);
}

/** Deletes the endpoint and its OS-EP-FILTER project associations (py-keystone's endpoint-deleted callback). */
export async function deleteEndpoint(deps: CatalogDeps, caller: AuthContext, id: string): Promise<void> {
  await endpointTarget(deps, caller, 'identity:delete_endpoint', id);
  await deps.transaction(async (tx) => {
    if (!(await deleteEndpointRow(tx, id))) throw NotFound.of('endpoint', id);
    await deleteProjectEndpointAssociations(tx, [id]);
  });
  deps.events.emit('deleted', 'endpoint', id, caller);
  deps.tokens.invalidateCache();
}

/** The RBAC enforcer loads an endpoint as `target.endpoint` before enforcing, so a missing one is a 404 first. */
async function endpointTarget(
  deps: CatalogDeps,
  caller: AuthContext,
  rule: string,
  id: string,
  body?: unknown,
): Promise<EndpointRow> {
  const row = await getEndpointRow(deps.db, id);
  if (!row) throw NotFound.of('endpoint', id);
  await deps.authorize(caller, rule, policyDict({ params: { endpoint_id: id }, target: { endpoint: endpointToRef(row) }, body }));
  return row;
}

/**
 * api/endpoints.py's _validate_endpoint_region: `region` without a region_id becomes the region_id, and the
 * region is created when it does not exist yet (backward compatibility with v2-style clients).
 */
async function resolveLegacyRegion(tx: Executor, ref: Ref): Promise<{ ref: Ref; regionCreated?: string }> {
  if ((ref.region_id !== undefined && ref.region_id !== null) || ref.region === undefined || ref.region === null) return { ref };
  const { region: legacy, ...rest } = ref;
  const regionId = String(legacy);
  const resolved = { ...rest, region_id: regionId };
  if (await getRegionRow(tx, regionId)) return { ref: resolved };
  await insertNewRegion(tx, { id: regionId });
  return { ref: resolved, regionCreated: regionId };
}

/** The manager's _assert_region_exists / _assert_service_exists: dangling references are a 400, not a 404. */
async function assertReferencesExist(tx: Executor, ref: Ref): Promise<void> {
  const { region_id: regionId, service_id: serviceId } = ref;
  if (regionId !== undefined && regionId !== null) {
    if (typeof regionId !== 'string' || !(await getRegionRow(tx, regionId))) {
      throw ValidationError.missing('endpoint region_id', 'region table');
    }
  }
  if (serviceId !== undefined && serviceId !== null) {
    if (typeof serviceId !== 'string' || !(await getServiceRow(tx, serviceId))) {
      throw ValidationError.missing('endpoint service_id', 'service table');
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Shared steps

/** The exact filters present in the query, as RBACEnforcer._extract_filter_values puts them in `filter_attr`. */
function filterValues(query: Query, supported: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of supported) {
    const raw = query[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string') values[name] = value;
  }
  return values;
}

/** _require_matching_id: an `id` in an update body must be the URL's. */
function requireMatchingId(patch: Ref, id: string): void {
  if (patch.id !== undefined && patch.id !== null && patch.id !== id) throw new ValidationError('Cannot change ID');
}

/** _normalize_dict (creates only): ':' and '-' in attribute names become '_'. */
function normalizeKeys(ref: Ref): Ref {
  return Object.fromEntries(Object.entries(ref).map(([k, v]) => [k.replace(/[:-]/g, '_'), v]));
}

/** py-keystone ids: uuid4 hex. */
function newId(): string {
  return randomUUID().replaceAll('-', '');
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
