// The OS-EP-FILTER operations: for each, the policy rule py-keystone's api/os_ep_filter.py enforces (none of them
// loads a target, so a refused caller gets 403 before any 404), then the lookups it makes in its order (which
// decide which 404 a dangling reference gets), then the catalog manager's rules (catalog/core.py and
// backends/sql.py). Changes to what a project's catalog shows clear the token validation cache.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { validateObject } from '../catalog/json-schema.js';
import { pyJsonDumps } from '../catalog/python-json.js';
import { getEndpoint, listAllEndpoints, type EndpointRow } from '../catalog/store.js';
import type { Executor } from '../db/connection.js';
import { Conflict, NotFound, ValidationError } from '../errors.js';
import { pyRepr } from '../python/values.js';
import { findProject } from '../resource/project-rules.js';
import { renderProject } from '../resource/render.js';
import type { RouteContext } from '../server/app.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { endpointGroupCreate, endpointGroupUpdate, FILTER_KEYS } from './body-schemas.js';
import { endpointGroupRef, endpointMatchesGroup, renderEndpoint, renderEndpointGroup, renderMembership, type Ref } from './render.js';
import {
  deleteEndpointGroup,
  deleteProjectEndpoint,
  deleteProjectEndpointGroup,
  getEndpointGroup,
  hasProjectEndpoint,
  hasProjectEndpointGroup,
  insertEndpointGroup,
  insertProjectEndpoint,
  insertProjectEndpointGroup,
  listEndpointGroups,
  listEndpointGroupsOfProject,
  listEndpointIdsOfProject,
  listProjectIdsOfEndpoint,
  listProjectIdsOfEndpointGroup,
  updateEndpointGroup,
  type EndpointGroupRow,
} from './store.js';

export type EndpointFilterDeps = Pick<RouteContext, 'db' | 'transaction' | 'tokens' | 'authorize'>;

/** EndpointGroup.attributes: the only keys its model constructor takes. */
const GROUP_ATTRIBUTES = new Set(['id', 'name', 'description', 'filters']);

const noTarget = policyDict({});

export class EndpointFilterService {
  constructor(private readonly deps: EndpointFilterDeps) {}

  // -------------------------------------------------------------------------------------------------------------
  // Endpoint groups

  async listGroups(caller: AuthContext, query: Record<string, unknown>, base: string): Promise<Ref[]> {
    await this.deps.authorize(caller, 'identity:list_endpoint_groups', noTarget);
    const filters = endpointGroupFilters(query);
    if (filters === 'nothing') return [];
    const rows = await listEndpointGroups(this.deps.db, filters);
    return rows.map((row) => renderEndpointGroup(row, base));
  }

  async getGroup(caller: AuthContext, id: string, base: string): Promise<Ref> {
    await this.deps.authorize(caller, 'identity:get_endpoint_group', noTarget);
    return renderEndpointGroup(await this.group(this.deps.db, id), base);
  }

  /** The body's own id, if any, is replaced by a new one (py-keystone's _assign_unique_id). */
  async createGroup(caller: AuthContext, body: unknown, base: string): Promise<Ref> {
    await this.deps.authorize(caller, 'identity:create_endpoint_group', noTarget);
    const requested = validateObject(endpointGroupCreate, groupMember(body));
    if (Object.keys(requested.filters as object).length === 0) {
      throw new ValidationError('filters field is required and cannot be empty');
    }
    assertValidFilterKeys(requested.filters as Record<string, unknown>);
    const ref = { ...requested, id: newId() };
    assertGroupAttributes(ref);
    const row = groupRow(ref);
    await insertEndpointGroup(this.deps.db, row);
    return renderEndpointGroup(row, base);
  }

  async updateGroup(caller: AuthContext, id: string, body: unknown, base: string): Promise<Ref> {
    await this.deps.authorize(caller, 'identity:update_endpoint_group', noTarget);
    const patch = validateObject(endpointGroupUpdate, groupMember(body));
    if (Object.hasOwn(patch, 'filters')) assertValidFilterKeys(patch.filters as Record<string, unknown>);
    if (Object.hasOwn(patch, 'id') && patch.id !== id) throw new ValidationError('Cannot change ID');
    const row = await this.deps.transaction(async (tx) => {
      const merged = { ...endpointGroupRef(await this.group(tx, id)), ...patch };
      assertGroupAttributes(merged);
      const updated = { ...groupRow(merged), id };
      await updateEndpointGroup(tx, updated);
      return updated;
    });
    this.deps.tokens.invalidateCache();
    return renderEndpointGroup(row, base);
  }

  /** Deletes the group with its project memberships. */
  async deleteGroup(caller: AuthContext, id: string): Promise<void> {
    await this.deps.authorize(caller, 'identity:delete_endpoint_group', noTarget);
    await this.deps.transaction(async (tx) => {
      await this.group(tx, id);
      await deleteEndpointGroup(tx, id);
    });
    this.deps.tokens.invalidateCache();
  }

  async listGroupEndpoints(caller: AuthContext, id: string, base: string): Promise<Ref[]> {
    await this.deps.authorize(caller, 'identity:list_endpoints_associated_with_endpoint_group', noTarget);
    const group = endpointGroupRef(await this.group(this.deps.db, id));
    const endpoints = await listAllEndpoints(this.deps.db);
    return endpoints.filter((ep) => endpointMatchesGroup(ep, group.filters as Record<string, unknown>)).map((ep) => renderEndpoint(ep, base));
  }

  /** A group naming nothing has no projects (py-keystone does not look the group up here). */
  async listGroupProjects(caller: AuthContext, id: string, base: string): Promise<Ref[]> {
    await this.deps.authorize(caller, 'identity:list_projects_associated_with_endpoint_group', noTarget);
    return this.renderProjects(await listProjectIdsOfEndpointGroup(this.deps.db, id), base);
  }

  async listProjectGroups(caller: AuthContext, projectId: string, base: string): Promise<Ref[]> {
    await this.deps.authorize(caller, 'identity:list_endpoint_groups_for_project', noTarget);
    await this.project(projectId);
    const rows = await listEndpointGroupsOfProject(this.deps.db, projectId);
    return rows.map((row) => renderEndpointGroup(row, base));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Project -> endpoint group memberships

  async getMembership(caller: AuthContext, groupId: string, projectId: string): Promise<Ref> {
    await this.deps.authorize(caller, 'identity:get_endpoint_group_in_project', noTarget);
    await this.project(projectId);
    await this.group(this.deps.db, groupId);
    if (!(await hasProjectEndpointGroup(this.deps.db, groupId, projectId))) {
      throw new NotFound('Endpoint Group Project Association not found');
    }
    return renderMembership(groupId, projectId);
  }

  async addMembership(caller: AuthContext, groupId: string, projectId: string): Promise<void> {
    await this.deps.authorize(caller, 'identity:add_endpoint_group_to_project', noTarget);
    await this.project(projectId);
    await this.group(this.deps.db, groupId);
    if (!(await insertProjectEndpointGroup(this.deps.db, groupId, projectId))) {
      throw Conflict.duplicate('project_endpoint_group', 'Duplicate entry');
    }
    this.deps.tokens.invalidateCache();
  }

  async removeMembership(caller: AuthContext, groupId: string, projectId: string): Promise<void> {
    await this.deps.authorize(caller, 'identity:remove_endpoint_group_from_project', noTarget);
    await this.project(projectId);
    await this.group(this.deps.db, groupId);
    if (!(await deleteProjectEndpointGroup(this.deps.db, groupId, projectId))) {
      throw new NotFound('Endpoint Group Project Association not found');
    }
    this.deps.tokens.invalidateCache();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Project -> endpoint associations

  async checkProjectEndpoint(caller: AuthContext, projectId: string, endpointId: string): Promise<void> {
    await this.deps.authorize(caller, 'identity:check_endpoint_in_project', noTarget);
    await this.endpoint(endpointId);
    await this.project(projectId);
    if (!(await hasProjectEndpoint(this.deps.db, endpointId, projectId))) throw notInProject(endpointId, projectId);
  }

  async addProjectEndpoint(caller: AuthContext, projectId: string, endpointId: string): Promise<void> {
    await this.deps.authorize(caller, 'identity:add_endpoint_to_project', noTarget);
    await this.endpoint(endpointId);
    await this.project(projectId);
    if (!(await insertProjectEndpoint(this.deps.db, endpointId, projectId))) {
      throw Conflict.duplicate('project_endpoint', 'Duplicate entry');
    }
    this.deps.tokens.invalidateCache();
  }

  /** py-keystone looks up neither the project nor the endpoint here: only the association. */
  async removeProjectEndpoint(caller: AuthContext, projectId: string, endpointId: string): Promise<void> {
    await this.deps.authorize(caller, 'identity:remove_endpoint_from_project', noTarget);
    if (!(await deleteProjectEndpoint(this.deps.db, endpointId, projectId))) throw notInProject(endpointId, projectId);
    this.deps.tokens.invalidateCache();
  }

  /**
   * list_endpoints_for_project: the endpoints associated directly (associations whose endpoint is gone are
   * skipped), then those of the project's endpoint groups not already listed.
   */
  async listProjectEndpoints(caller: AuthContext, projectId: string, base: string): Promise<Ref[]> {
    await this.deps.authorize(caller, 'identity:list_endpoints_for_project', noTarget);
    await this.project(projectId);
    const [direct, groups, endpoints] = await Promise.all([
      listEndpointIdsOfProject(this.deps.db, projectId),
      listEndpointGroupsOfProject(this.deps.db, projectId),
      listAllEndpoints(this.deps.db),
    ]);
    const byId = new Map(endpoints.map((ep) => [ep.id, ep]));
    const found = new Map<string, EndpointRow>();
    for (const id of direct) {
      const ep = byId.get(id);
      if (ep) found.set(id, ep);
    }
    for (const group of groups) {
      const filters = endpointGroupRef(group).filters as Record<string, unknown>;
      for (const ep of endpoints) if (!found.has(ep.id) && endpointMatchesGroup(ep, filters)) found.set(ep.id, ep);
    }
    return [...found.values()].map((ep) => renderEndpoint(ep, base));
  }

  async listEndpointProjects(caller: AuthContext, endpointId: string, base: string): Promise<Ref[]> {
    await this.deps.authorize(caller, 'identity:list_projects_for_endpoint', noTarget);
    await this.endpoint(endpointId);
    return this.renderProjects(await listProjectIdsOfEndpoint(this.deps.db, endpointId), base);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Lookups, each with the 404 py-keystone's manager raises

  private async group(db: Executor, id: string): Promise<EndpointGroupRow> {
    const row = await getEndpointGroup(db, id);
    if (!row) throw NotFound.of('Endpoint Group', id);
    return row;
  }

  private async endpoint(id: string): Promise<EndpointRow> {
    const row = await getEndpoint(this.deps.db, id);
    if (!row) throw NotFound.of('endpoint', id);
    return row;
  }

  private async project(id: string): Promise<void> {
    if (!(await findProject(this.deps.db, id))) throw NotFound.of('project', id);
  }

  /** Each project as GET /v3/projects/{id} shows it; one that is gone is a 404, as get_project raises. */
  private async renderProjects(ids: readonly string[], base: string): Promise<Ref[]> {
    const projects: Ref[] = [];
    for (const id of ids) {
      const found = await findProject(this.deps.db, id);
      if (!found) throw NotFound.of('project', id);
      projects.push(renderProject(found.row, found.extras, base));
    }
    return projects;
  }
}

/** `request_body_json.get('endpoint_group', {})`: a missing member is an empty one (a null one stays null). */
function groupMember(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  return Object.hasOwn(body, 'endpoint_group') ? (body as Record<string, unknown>).endpoint_group : {};
}

function assertValidFilterKeys(filters: Record<string, unknown>): void {
  if (Object.keys(filters).some((key) => !(FILTER_KEYS as readonly string[]).includes(key))) {
    throw ValidationError.missing(FILTER_KEYS.join(' or '), 'endpoint_group');
  }
}

/** EndpointGroup(**ref): the model refuses the first attribute it does not have, with Python's TypeError text. */
function assertGroupAttributes(ref: Ref): void {
  const unknown = Object.keys(ref).find((key) => !GROUP_ATTRIBUTES.has(key));
  if (unknown !== undefined) throw new ValidationError(`${pyRepr(unknown)} is an invalid keyword argument for EndpointGroup`);
}

function groupRow(ref: Ref): EndpointGroupRow {
  return {
    id: ref.id as string,
    name: ref.name as string,
    description: (ref.description as string | null | undefined) ?? null,
    filters: pyJsonDumps(ref.filters),
  };
}

function notInProject(endpointId: string, projectId: string): NotFound {
  return new NotFound(`Endpoint ${endpointId} not found in project ${projectId}`);
}

/**
 * The list filters GET /endpoint_groups honours. py-keystone declares its supported filters as the string 'name'
 * rather than a list, so any query key that is a substring of 'name' is an exact filter and any key starting with
 * one of its letters and '__' an inexact one. Only `name` is an attribute of a group: the others match no group,
 * so the answer is an empty list ('nothing'). `name__contains` and the like are not filters at all.
 */
function endpointGroupFilters(query: Record<string, unknown>): string[] | 'nothing' {
  const names: string[] = [];
  for (const [key, raw] of Object.entries(query)) {
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
    if (values.length === 0) continue;
    if (key === 'name') {
      names.push(...values);
    } else if ('name'.includes(key) || [...'name'].some((c) => key.startsWith(`${c}__`))) {
      return 'nothing';
    }
  }
  return names;
}

function newId(): string {
  return randomUUID().replaceAll('-', '');
}
