// GET /v3/role_assignments (py-keystone's api/role_assignments.py): policy first (a domain-scoped caller is checked
// against its own domain and then sees only assignments in it), then the filter combinations py-keystone refuses
// (400), then the list (role-assignment-list.ts) with names if asked, formatted for the API.
// `include_subtree` is its own call with its own rule, whose target is the project named in scope.project.id.
import type { Executor } from '../db/connection.js';
import { ValidationError } from '../errors.js';
import type { AppServices } from '../server/app.js';
import { enforce } from './enforce.js';
import { requireProject } from './entities.js';
import { addNames, formatAssignment, type NamedEntity } from './role-assignment-format.js';
import { listRoleAssignments, type AssignmentEntity } from './role-assignment-list.js';
import type { Call } from './call.js';
import { firstValue, type QueryRecord } from './schemas.js';

const FILTERS = ['group.id', 'role.id', 'scope.domain.id', 'scope.project.id', 'scope.OS-INHERIT:inherited_to', 'user.id'];
const INHERITED_TO = 'scope.OS-INHERIT:inherited_to';

export class RoleAssignmentService {
  constructor(private readonly services: AppServices) {}

  async list(call: Call, query: QueryRecord, base: string): Promise<Record<string, unknown>[]> {
    return isTrue(query, 'include_subtree') ? this.listForTree(call, query, base) : this.listAll(call, query, base);
  }

  private async listAll(call: Call, query: QueryRecord, base: string): Promise<Record<string, unknown>[]> {
    const scope = call.caller.scope;
    const callerDomain = scope.kind === 'domain' ? scope.domainId : undefined;
    await enforce(this.services, call.caller, 'identity:list_role_assignments', {
      params: call.params,
      target: callerDomain === undefined ? undefined : { domain_id: callerDomain },
      body: call.body,
      filters: filterValues(query, [...FILTERS, 'scope.system']),
    });
    let entities = await this.build(query, false);
    if (callerDomain !== undefined) entities = await inDomain(this.services.db, entities, callerDomain);
    return entities.map((e) => formatAssignment(base, e));
  }

  private async listForTree(call: Call, query: QueryRecord, base: string): Promise<Record<string, unknown>[]> {
    const projectId = first(query, 'scope.project.id');
    const target = projectId ? { project: (await requireProject(this.services.db, projectId)).ref } : undefined;
    await enforce(this.services, call.caller, 'identity:list_role_assignments_for_tree', {
      params: call.params,
      target,
      body: call.body,
      filters: filterValues(query, FILTERS),
    });
    if (!projectId) throw new ValidationError('scope.project.id must be specified if include_subtree is also specified');
    return (await this.build(query, true)).map((e) => formatAssignment(base, e));
  }

  private async build(query: QueryRecord, includeSubtree: boolean): Promise<NamedEntity[]> {
    const userId = first(query, 'user.id');
    const groupId = first(query, 'group.id');
    const domainId = first(query, 'scope.domain.id');
    const projectId = first(query, 'scope.project.id');
    const system = first(query, 'scope.system');
    if (domainId && projectId) throw new ValidationError('Specify a domain or project, not both');
    if (domainId && system) throw new ValidationError('Specify system or domain, not both');
    if (projectId && system) throw new ValidationError('Specify system or project, not both');
    if (userId && groupId) throw new ValidationError('Specify a user or group, not both');
    const effective = isTrue(query, 'effective');
    const inherited = INHERITED_TO in query ? first(query, INHERITED_TO) === 'projects' : undefined;
    if (effective && groupId) {
      throw new ValidationError('Combining effective and group filter will always result in an empty list.');
    }
    if (effective && inherited && domainId) {
      throw new ValidationError('Combining effective, domain and inherited filters will always result in an empty list.');
    }
    const entities = await listRoleAssignments(this.services.db, {
      roleId: first(query, 'role.id'),
      userId,
      groupId,
      system: system === 'all',
      domainId,
      projectId,
      includeSubtree,
      inherited,
      effective,
    });
    return isTrue(query, 'include_names') ? addNames(this.services.db, entities) : entities;
  }
}

/** A non-empty first value, as py-keystone's truthiness checks read `request.args.get(...)`. */
function first(query: QueryRecord, key: string): string | undefined {
  return firstValue(query[key]) || undefined;
}

/** py-keystone's query_filter_is_true: present and not '0' (so `?effective` and `?effective=false` are true). */
function isTrue(query: QueryRecord, key: string): boolean {
  return key in query && firstValue(query[key]) !== '0';
}

function filterValues(query: QueryRecord, names: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = firstValue(query[name]);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/** What a domain-scoped caller sees: assignments on its domain or on projects of it. */
async function inDomain(db: Executor, entities: NamedEntity[], domainId: string): Promise<NamedEntity[]> {
  const projectDomains = new Map<string, string | undefined>();
  const kept: NamedEntity[] = [];
  for (const e of entities) {
    if (e.domain_id === domainId) kept.push(e);
    else if (e.project_id !== undefined && (await projectDomain(db, projectDomains, e)) === domainId) kept.push(e);
  }
  return kept;
}

async function projectDomain(db: Executor, cache: Map<string, string | undefined>, e: AssignmentEntity): Promise<string | undefined> {
  const id = e.project_id!;
  if (!cache.has(id)) cache.set(id, (await requireProject(db, id)).ref.domain_id as string | undefined);
  return cache.get(id);
}
