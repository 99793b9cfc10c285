// /v3/limits operations as py-keystone's api/limits.py, limit/core.py and limit/backends/sql.py perform them.
// Showing a limit is enforced against the limit with its project or domain (so their admins and members may read
// it); updating and deleting load the limit first, so an unknown id is a 404 whatever the caller's roles. A
// project or domain has at most one limit per registered limit, and a limit needs a registered limit to refer to.
// The configured enforcement model checks every new value. py-keystone sends no notifications for unified
// limits, and neither do we.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { Conflict, Forbidden, NotFound } from '../errors.js';
import type { Executor } from '../db/connection.js';
import { bodyMember } from '../resource/body.js';
import { domainRef, projectRef } from '../resource/render.js';
import { getDomainRow, getProjectRow, listDescendantIds, listProjectExtras, listProjectIdsInDomain } from '../resource/store.js';
import { policyDict } from '../server/v3/policy-dict.js';
import type { Filter } from '../server/v3/hints.js';
import { validate } from './json-schema.js';
import { fetchRows, filterAttributes, finishList, planList, type Listed } from './listing.js';
import { enforcementModel, type HierarchyLookups, type LimitDraft } from './models.js';
import { assertReferencesExist } from './references.js';
import type { LimitDeps } from './registered-limit-service.js';
import { limitRef, ownLimitColumns, type Ref } from './render.js';
import { limitCreate, limitUpdate } from './schemas.js';
import {
  deleteLimit as deleteRow,
  findLimitFor,
  findLimitOf,
  findRegisteredLimit,
  getLimit as getRow,
  insertLimit,
  LIMIT_FILTER_COLUMNS,
  listLimits as listRows,
  updateLimit as updateRow,
  type JoinedLimit,
} from './store.js';

const FILTERS = LIMIT_FILTER_COLUMNS;

function limitNotFound(id: string): NotFound {
  return new NotFound(`Could not find limit for ${id}.`);
}

function noReference(): Forbidden {
  return new Forbidden('Unable to create a limit that has no corresponding registered limit.');
}

/**
 * Everyone may list, but sees only what their scope covers: a system scope every limit; a domain scope the
 * domain's own limit and those of its projects; a project scope its project's limits; an unscoped token none.
 * For a domain scope py-keystone cuts the list at the list limit before leaving out what the domain cannot see.
 */
export async function listLimits(deps: LimitDeps, caller: AuthContext, query: Record<string, unknown>): Promise<Listed<Ref>> {
  await deps.authorize(caller, 'identity:list_limits', policyDict({ filters: filterAttributes(query, FILTERS) }));
  const scope = caller.scope;
  if (scope.kind === 'unscoped') return { rows: [], truncated: false };
  const ownProject: Filter[] =
    scope.kind === 'project' ? [{ name: 'project_id', value: scope.projectId, comparator: 'equals', caseSensitive: true }] : [];
  const plan = planList(query, FILTERS, deps.config, ownProject);
  const listed = await fetchRows(plan, (max) => listRows(deps.db, plan.inSql, max));
  let rows = listed.rows;
  if (scope.kind === 'domain') {
    const projects = new Set(await listProjectIdsInDomain(deps.db, scope.domainId));
    rows = rows.filter(({ limit }) => (limit.projectId ? projects.has(limit.projectId) : limit.domainId === scope.domainId));
  }
  return finishList(plan, { rows: rows.map(limitRef), truncated: listed.truncated });
}

export async function getLimit(deps: LimitDeps, caller: AuthContext, id: string): Promise<Ref> {
  const found = await getRow(deps.db, id);
  // An unknown limit is enforced against an empty target and only then reported missing.
  const target = found ? { limit: await limitWithOwner(deps.db, found) } : {};
  await deps.authorize(caller, 'identity:get_limit', policyDict({ params: { limit_id: id }, target }));
  if (!found) throw limitNotFound(id);
  return limitRef(found);
}

/** The policy target of GET /v3/limits/{id}: the limit with its project (`limit.project`) or domain (`limit.domain`). */
async function limitWithOwner(db: Executor, found: JoinedLimit): Promise<Ref> {
  const ref = limitRef(found);
  const { projectId, domainId } = found.limit;
  if (projectId) {
    const row = await getProjectRow(db, projectId);
    if (row) ref.project = projectRef(row, (await listProjectExtras(db, [row.id])).get(row.id)!);
  } else if (domainId) {
    const row = await getDomainRow(db, domainId);
    if (row) ref.domain = domainRef(row, (await listProjectExtras(db, [row.id])).get(row.id)!);
  }
  return ref;
}

interface LimitInput {
  project_id?: string;
  domain_id?: string;
  service_id: string;
  region_id?: string;
  resource_name: string;
  resource_limit: number;
  description?: string | null;
}

/** Every limit is checked before any is written; all are written in one transaction, or none. */
export async function createLimits(deps: LimitDeps, caller: AuthContext, body: unknown): Promise<Ref[]> {
  await deps.authorize(caller, 'identity:create_limits', policyDict({ body }));
  const inputs = validate(limitCreate, bodyMember(body, 'limits')) as LimitInput[];
  return deps.transaction(async (tx) => {
    const drafts: LimitDraft[] = [];
    for (const input of inputs) {
      const owner = await assertReferencesExist(tx, input, 'limit');
      drafts.push({
        ...owner,
        serviceId: input.service_id,
        regionId: input.region_id ?? null,
        resourceName: input.resource_name,
        resourceLimit: input.resource_limit,
      });
    }
    await enforcementModel(deps.config.unified_limit.enforcement_model).check(drafts, hierarchyLookups(tx));
    const created: Ref[] = [];
    for (const [index, draft] of drafts.entries()) {
      const registered = await findRegisteredLimit(tx, draft);
      if (!registered) throw noReference();
      const owner = draft.projectId ? { projectId: draft.projectId } : { domainId: draft.domainId! };
      if (await findLimitOf(tx, registered.id, owner)) throw Conflict.duplicate('limit', 'Duplicate entry');
      const row = await insertLimit(tx, {
        id: randomUUID().replaceAll('-', ''),
        projectId: draft.projectId,
        domainId: draft.domainId,
        resourceLimit: draft.resourceLimit,
        description: inputs[index]!.description ?? null,
        registeredLimitId: registered.id,
      });
      created.push({ ...ownLimitColumns(row), service_id: draft.serviceId, region_id: draft.regionId, resource_name: draft.resourceName });
    }
    return created;
  });
}

/**
 * Only a new resource_limit and description are accepted, and, as py-keystone's driver tests them for truth, a
 * resource_limit of 0 and an empty or null description are accepted and ignored.
 */
export async function updateLimit(deps: LimitDeps, caller: AuthContext, id: string, body: unknown): Promise<Ref> {
  const found = await getRow(deps.db, id);
  if (!found) throw limitNotFound(id);
  await deps.authorize(caller, 'identity:update_limit', policyDict({ params: { limit_id: id }, target: { limit: limitRef(found) }, body }));
  const input = validate(limitUpdate, bodyMember(body, 'limit')) as Partial<Pick<LimitInput, 'resource_limit' | 'description'>>;
  return deps.transaction(async (tx) => {
    const current = await getRow(tx, id);
    if (!current) throw limitNotFound(id);
    const draft: LimitDraft = {
      projectId: current.limit.projectId,
      domainId: current.limit.domainId,
      serviceId: current.registered?.serviceId ?? '',
      regionId: current.registered?.regionId ?? null,
      resourceName: current.registered?.resourceName ?? '',
      resourceLimit: input.resource_limit ?? current.limit.resourceLimit,
    };
    await enforcementModel(deps.config.unified_limit.enforcement_model).check([draft], hierarchyLookups(tx));
    await updateRow(tx, id, {
      ...(input.resource_limit && { resourceLimit: input.resource_limit }),
      ...(input.description && { description: input.description }),
    });
    return limitRef((await getRow(tx, id))!);
  });
}

export async function deleteLimit(deps: LimitDeps, caller: AuthContext, id: string): Promise<void> {
  const found = await getRow(deps.db, id);
  if (!found) throw limitNotFound(id);
  await deps.authorize(caller, 'identity:delete_limit', policyDict({ params: { limit_id: id }, target: { limit: limitRef(found) } }));
  await deleteRow(deps.db, id);
}

export async function getLimitModel(deps: LimitDeps, caller: AuthContext): Promise<{ name: string; description: string }> {
  await deps.authorize(caller, 'identity:get_limit_model', policyDict({}));
  const { name, description } = enforcementModel(deps.config.unified_limit.enforcement_model);
  return { name, description };
}

function hierarchyLookups(db: Executor): HierarchyLookups {
  return {
    parentIdOf: async (projectId) => (await getProjectRow(db, projectId))?.parentId ?? null,
    limitValue: async (key, owner) => (await findLimitFor(db, key, owner))?.resourceLimit,
    registeredDefault: async (key) => (await findRegisteredLimit(db, key))?.defaultLimit,
    subtreeProjectIds: (domainId) => listDescendantIds(db, domainId),
  };
}
