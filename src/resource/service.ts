// The /v3/domains and /v3/projects (and project tags) operations: for each, the policy rule and target exactly as
// py-keystone's api/domains.py and api/projects.py build them (a member lookup that 404s before enforcement where
// py-keystone's RBAC enforcer does that, a target that is {} for a missing member where it defers the 404), then
// the resource manager's rules, one transaction per change, notifications, and token invalidation.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { projectIdsForUser } from '../assignment/effective-roles.js';
import { Forbidden, NotFound, ValidationError } from '../errors.js';
import type { RouteContext } from '../server/app.js';
import { buildHints, type Filter } from '../server/v3/hints.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { bodyMember, validateBody } from './body.js';
import { deleteDomain, deleteProject, type Deleted } from './deletion.js';
import { listParentRows, listSubtreeRows, parentsAsIds, subtreeAsIds } from './hierarchy.js';
import { listProjects, TAG_FILTERS, type ListedProjects, type TagFilters } from './project-list.js';
import {
  assertNotFederated,
  createProjectRecord,
  findProject,
  isImmutable,
  loadDomain,
  loadProject,
  updateProjectRecord,
  type LoadedProject,
} from './project-rules.js';
import { domainRef, projectRef } from './render.js';
import { domainCreate, domainUpdate, projectCreate, projectUpdate, tagList, tagName } from './schemas.js';
import { listLimitsOfProjects } from './store.js';

export type ResourceDeps = Pick<RouteContext, 'db' | 'transaction' | 'events' | 'tokens' | 'authorize' | 'config'>;

type Query = Record<string, unknown>;
type Ref = Record<string, unknown>;

const PROJECT_FILTERS = ['domain_id', 'enabled', 'name', 'parent_id', 'is_domain'];
const DOMAIN_FILTERS = ['name', 'enabled'];

/** The first value of a query parameter, as Flask's `request.args[name]` reads it. */
function first(query: Query, name: string): string | undefined {
  const value = query[name];
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one : undefined;
}

/** py-keystone's query_filter_is_true: present and not exactly "0". */
const flag = (query: Query, name: string): boolean => name in query && first(query, name) !== '0';

/** The exact filters present in the query, for policy (`filter_attr`). */
function filterValues(query: Query, supported: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of supported) {
    const value = first(query, name);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/** py-keystone's _normalize_dict: ':' and '-' in attribute names become '_'. */
const normalizeKeys = (ref: Ref): Ref => Object.fromEntries(Object.entries(ref).map(([k, v]) => [k.replace(/[:-]/g, '_'), v]));

const targetOf = (kind: 'project' | 'domain', found: LoadedProject | undefined): Ref =>
  found ? { [kind]: kind === 'project' ? projectRef(found.row, found.extras) : domainRef(found.row, found.extras) } : {};

export class ResourceService {
  constructor(private readonly deps: ResourceDeps) {}

  // ----------------------------------------------------------------------------------------------------- domains

  async getDomain(caller: AuthContext, domainId: string, body: unknown): Promise<Ref> {
    const found = await loadDomain(this.deps.db, domainId).catch(() => undefined);
    await this.authorize(caller, 'identity:get_domain', { params: { domain_id: domainId }, target: targetOf('domain', found), body });
    if (!found) throw NotFound.of('domain', domainId);
    return domainRef(found.row, found.extras);
  }

  async listDomains(caller: AuthContext, query: Query, body: unknown): Promise<ListedProjects> {
    await this.authorize(caller, 'identity:list_domains', { filters: filterValues(query, DOMAIN_FILTERS), body });
    const filters: Filter[] = [
      ...buildHints(query, DOMAIN_FILTERS),
      { name: 'is_domain', value: 'true', comparator: 'equals', caseSensitive: true },
    ];
    return listProjects(this.deps.db, { filters, limit: this.listLimit(), render: domainRef });
  }

  async createDomain(caller: AuthContext, body: unknown): Promise<Ref> {
    await this.authorize(caller, 'identity:create_domain', { body });
    const domain = validateBody(domainCreate, bodyMember(body, 'domain')) as Ref;
    const explicitId = domain.explicit_domain_id;
    let id: string;
    if (explicitId === undefined || explicitId === null) {
      id = newId();
    } else {
      // py-keystone's check is uuid.UUID(id).hex == id: only the 32-digit lowercase hex form is accepted.
      if (typeof explicitId !== 'string' || !/^[0-9a-f]{32}$/.test(explicitId)) {
        throw new ValidationError('Domain ID does not conform to required UUID format.');
      }
      id = explicitId;
    }
    const created = await this.deps.transaction((tx) =>
      createProjectRecord(tx, this.treeLimits(), {
        ...normalizeKeys({ ...domain, id }),
        is_domain: true,
        domain_id: null,
        parent_id: null,
      }),
    );
    this.deps.events.emit('created', 'domain', id, caller);
    return domainRef(created.row, created.extras);
  }

  async updateDomain(caller: AuthContext, domainId: string, body: unknown): Promise<Ref> {
    const original = await loadDomain(this.deps.db, domainId);
    await this.authorize(caller, 'identity:update_domain', {
      params: { domain_id: domainId },
      target: targetOf('domain', original),
      body,
    });
    const domain = validateBody(domainUpdate, bodyMember(body, 'domain')) as Ref;
    assertNotFederated(domainId, domain.name);
    const outcome = await this.deps.transaction(async (tx) =>
      updateProjectRecord(tx, await loadDomain(tx, domainId), { ...domain, is_domain: true, domain_id: null, parent_id: null }),
    );
    this.deps.events.emit('updated', 'project', domainId, caller);
    this.deps.events.emit('updated', 'domain', domainId, caller);
    if (outcome.disabled) this.deps.tokens.invalidateCache();
    return domainRef(outcome.updated.row, outcome.updated.extras);
  }

  async deleteDomain(caller: AuthContext, domainId: string, body: unknown): Promise<void> {
    const domain = await loadDomain(this.deps.db, domainId);
    await this.authorize(caller, 'identity:delete_domain', {
      params: { domain_id: domainId },
      target: targetOf('domain', domain),
      body,
    });
    await this.removeDomain(caller, domainId);
  }

  // ---------------------------------------------------------------------------------------------------- projects

  async getProject(caller: AuthContext, projectId: string, query: Query, body: unknown): Promise<Ref> {
    const found = await findProject(this.deps.db, projectId);
    await this.authorize(caller, 'identity:get_project', {
      params: { project_id: projectId },
      target: targetOf('project', found),
      body,
    });
    if (!found) throw NotFound.of('project', projectId);
    const ref = projectRef(found.row, found.extras);
    const parentsAsList = flag(query, 'parents_as_list');
    const parentsIds = flag(query, 'parents_as_ids');
    const subtreeAsList = flag(query, 'subtree_as_list');
    const subtreeIds = flag(query, 'subtree_as_ids');
    if (parentsAsList && parentsIds) {
      throw new ValidationError('Cannot use parents_as_list and parents_as_ids query params at the same time.');
    }
    if (subtreeAsList && subtreeIds) {
      throw new ValidationError('Cannot use subtree_as_list and subtree_as_ids query params at the same time.');
    }
    const includeLimits = flag(query, 'include_limits');
    if (parentsAsList || parentsIds) {
      const parents = await listParentRows(this.deps.db, found.row);
      ref.parents = parentsAsList
        ? await this.visibleRefs(caller, parents.map((p) => p.id), includeLimits)
        : parentsAsIds(found.row, parents);
    }
    if (subtreeAsList || subtreeIds) {
      const subtree = await listSubtreeRows(this.deps.db, projectId);
      ref.subtree = subtreeAsList
        ? await this.visibleRefs(caller, subtree.map((p) => p.id), includeLimits)
        : subtreeAsIds(projectId, subtree);
    }
    return ref;
  }

  async listProjects(caller: AuthContext, query: Query, body: unknown): Promise<ListedProjects> {
    const scopeDomain = caller.scope.kind === 'domain' ? caller.scope.domainId : undefined;
    await this.authorize(caller, 'identity:list_projects', {
      ...(scopeDomain !== undefined && { target: { domain_id: scopeDomain } }),
      filters: filterValues(query, PROJECT_FILTERS),
      body,
    });
    const filters = buildHints(query, PROJECT_FILTERS);
    // Without an is_domain filter, py-keystone lists regular projects only.
    if (!('is_domain' in query)) filters.push({ name: 'is_domain', value: '0', comparator: 'equals', caseSensitive: true });
    const tagFilters: TagFilters = {};
    for (const name of TAG_FILTERS) {
      const value = first(query, name);
      if (value !== undefined) tagFilters[name] = value;
    }
    return listProjects(this.deps.db, {
      filters,
      tagFilters,
      limit: this.listLimit(),
      render: projectRef,
      // A domain-scoped caller sees the projects of its domain only.
      ...(scopeDomain !== undefined && { keep: (ref: Ref) => ref.domain_id === scopeDomain }),
    });
  }

  async createProject(caller: AuthContext, body: unknown): Promise<Ref> {
    const requested = bodyMember(body, 'project');
    await this.authorize(caller, 'identity:create_project', { target: { project: requested }, body });
    const project: Ref = { ...(validateBody(projectCreate, requested) as Ref), id: newId() };
    if (!project.is_domain && !project.domain_id) {
      project.domain_id = caller.scope.kind === 'domain' ? caller.scope.domainId : this.deps.config.identity.default_domain_id;
    }
    if (!project.parent_id) project.parent_id = project.domain_id;
    const created = await this.deps.transaction((tx) => createProjectRecord(tx, this.treeLimits(), normalizeKeys(project)));
    this.deps.events.emit('created', created.row.isDomain ? 'domain' : 'project', created.row.id, caller);
    return projectRef(created.row, created.extras);
  }

  async updateProject(caller: AuthContext, projectId: string, body: unknown): Promise<Ref> {
    const found = await findProject(this.deps.db, projectId);
    await this.authorize(caller, 'identity:update_project', {
      params: { project_id: projectId },
      target: targetOf('project', found),
      body,
    });
    const changes = validateBody(projectUpdate, bodyMember(body, 'project')) as Ref;
    if (changes.id !== undefined && changes.id !== null && changes.id !== projectId) {
      throw new ValidationError('Cannot change ID');
    }
    const outcome = await this.deps.transaction(async (tx) => updateProjectRecord(tx, await loadProject(tx, projectId), changes));
    this.afterUpdate(caller, outcome.updated, outcome.disabled);
    // py-keystone's update answers with the stored `extra` repeated under "extra".
    return { ...projectRef(outcome.updated.row, outcome.updated.extras), extra: outcome.extra };
  }

  async deleteProject(caller: AuthContext, projectId: string, body: unknown): Promise<void> {
    const found = await findProject(this.deps.db, projectId);
    await this.authorize(caller, 'identity:delete_project', {
      params: { project_id: projectId },
      target: targetOf('project', found),
      body,
    });
    if (!found) throw NotFound.of('project', projectId);
    // A project acting as a domain is deleted as a domain.
    if (found.row.isDomain) return this.removeDomain(caller, projectId);
    const deleted = await this.deps.transaction(async (tx) => deleteProject(tx, await loadProject(tx, projectId), new Date()));
    this.afterDelete(caller, deleted);
  }

  // ------------------------------------------------------------------------------------------------ project tags

  async listTags(caller: AuthContext, projectId: string, body: unknown): Promise<string[]> {
    await this.authorizeOnProject(caller, 'identity:list_project_tags', { project_id: projectId }, body);
    return (await loadProject(this.deps.db, projectId)).extras.tags;
  }

  async getTag(caller: AuthContext, projectId: string, tag: string, body: unknown): Promise<void> {
    await this.authorizeOnProject(caller, 'identity:get_project_tag', { project_id: projectId, value: tag }, body);
    const project = await loadProject(this.deps.db, projectId);
    if (!project.extras.tags.includes(tag)) throw NotFound.of('project tag', tag);
  }

  async replaceTags(caller: AuthContext, projectId: string, body: unknown): Promise<string[]> {
    await this.authorizeOnProject(caller, 'identity:update_project_tags', { project_id: projectId }, body);
    const tags = validateBody(tagList, bodyMember(body, 'tags')).map((t) => t.trim());
    await this.updateTags(caller, projectId, 'update', () => tags);
    return tags;
  }

  async deleteTags(caller: AuthContext, projectId: string, body: unknown): Promise<void> {
    await this.authorizeOnProject(caller, 'identity:delete_project_tags', { project_id: projectId }, body);
    await this.updateTags(caller, projectId, 'update', () => []);
  }

  async addTag(caller: AuthContext, projectId: string, tag: string, body: unknown): Promise<void> {
    await this.authorizeOnProject(caller, 'identity:create_project_tag', { project_id: projectId, value: tag }, body);
    validateBody(tagName, tag);
    const current = (await loadProject(this.deps.db, projectId)).extras.tags;
    // py-keystone validates the grown list too: a tag already present, or an 81st tag, is a 400.
    validateBody(tagList, [...current, tag]);
    await this.updateTags(caller, projectId, 'create', (tags) => [...tags, tag.trim()]);
    this.deps.events.emit('created', 'project tag', tag.trim(), caller);
  }

  async deleteTag(caller: AuthContext, projectId: string, tag: string, body: unknown): Promise<void> {
    await this.authorizeOnProject(caller, 'identity:delete_project_tag', { project_id: projectId, value: tag }, body);
    await this.updateTags(caller, projectId, 'delete', (tags) => {
      if (!tags.includes(tag)) throw NotFound.of('project tag', tag);
      return tags.filter((t) => t !== tag);
    });
    this.deps.events.emit('deleted', 'project tag', tag, caller);
  }

  // ------------------------------------------------------------------------------------------------------ shared

  /** A tag change is a project update (with all of its rules); an immutable project refuses it first. */
  private async updateTags(
    caller: AuthContext,
    projectId: string,
    verb: 'create' | 'update' | 'delete',
    change: (tags: string[]) => string[],
  ): Promise<void> {
    const outcome = await this.deps.transaction(async (tx) => {
      const project = await loadProject(tx, projectId);
      if (isImmutable(project)) {
        throw new Forbidden(
          `Cannot ${verb} project tags for ${projectId}, project is immutable. Set "immutable" option to false before ` +
            'creating project tags.',
        );
      }
      const tags = change([...project.extras.tags]);
      // Removing one tag, py-keystone writes the whole project back; adding or replacing writes the tags only.
      const changes = verb === 'delete' ? { ...projectRef(project.row, project.extras), tags } : { tags };
      return updateProjectRecord(tx, project, changes);
    });
    this.afterUpdate(caller, outcome.updated, outcome.disabled);
  }

  private async removeDomain(caller: AuthContext, domainId: string): Promise<void> {
    const deleted = await this.deps.transaction(async (tx) => deleteDomain(tx, await loadDomain(tx, domainId), new Date()));
    this.afterDelete(caller, deleted);
  }

  private afterUpdate(caller: AuthContext, updated: LoadedProject, disabled: boolean): void {
    this.deps.events.emit('updated', 'project', updated.row.id, caller);
    if (updated.row.isDomain) this.deps.events.emit('updated', 'domain', updated.row.id, caller);
    // py-keystone drops its token cache when a project or domain is disabled; tokens scoped to it then fail.
    if (disabled) this.deps.tokens.invalidateCache();
  }

  private afterDelete(caller: AuthContext, deleted: Deleted): void {
    for (const id of deleted.userIds) this.deps.events.emit('deleted', 'user', id);
    for (const id of deleted.groupIds) this.deps.events.emit('deleted', 'group', id);
    for (const id of deleted.projectIds) this.deps.events.emit('deleted', 'project', id, caller);
    if (deleted.domainId) this.deps.events.emit('deleted', 'domain', deleted.domainId, caller);
    this.deps.tokens.invalidateCache();
  }

  /**
   * Parents or subtree as `?parents_as_list` / `?subtree_as_list` show them: only projects the caller has a role on
   * (effective, as py-keystone's list_projects_for_user), each as {"project": ...}, with its limits on request.
   */
  private async visibleRefs(caller: AuthContext, ids: string[], includeLimits: boolean): Promise<Ref[]> {
    const mine = new Set(await projectIdsForUser(this.deps.db, caller.userId));
    const visible = ids.filter((id) => mine.has(id));
    const loaded = await Promise.all(visible.map((id) => loadProject(this.deps.db, id)));
    const limits = includeLimits ? await listLimitsOfProjects(this.deps.db, visible) : undefined;
    return loaded.map((p) => ({
      project: { ...projectRef(p.row, p.extras), ...(limits && { limits: limits.get(p.row.id) ?? [] }) },
    }));
  }

  /** The project member target py-keystone builds for project and tag calls: the project, or {} if missing. */
  private async authorizeOnProject(caller: AuthContext, rule: string, params: Ref, body: unknown): Promise<void> {
    const found = await findProject(this.deps.db, String(params.project_id));
    await this.authorize(caller, rule, { params, target: targetOf('project', found), body });
  }

  private authorize(
    caller: AuthContext,
    rule: string,
    parts: { params?: Ref; target?: Ref; body?: unknown; filters?: Ref },
  ): Promise<void> {
    return this.deps.authorize(caller, rule, policyDict(parts));
  }

  private listLimit(): number | undefined {
    return this.deps.config.resource.list_limit ?? this.deps.config.DEFAULT.list_limit;
  }

  private treeLimits() {
    return { maxProjectTreeDepth: this.deps.config.DEFAULT.max_project_tree_depth };
  }
}

function newId(): string {
  return randomUUID().replaceAll('-', '');
}
