// Role assignments as the API shows them (py-keystone's RoleAssignmentsResource._format_entity): user or group,
// scope (project, domain or system, with OS-INHERIT:inherited_to when it came from an inherited grant), role, and
// links: `assignment` to the grant that produced it, `membership` when it came through a group, `prior_role` when
// it is an implied role. With include_names every id comes with its name (and domain), looked up once per id.
import type { Executor } from '../db/connection.js';
import { NotFound } from '../errors.js';
import { findDomainRef, findGroupRef, findProject, findRole, findUserRef } from './entities.js';
import type { AssignmentEntity } from './role-assignment-list.js';

export interface Names {
  user?: { name: string; domainId: string; domainName: string };
  group?: { name: string; domainId: string; domainName: string };
  project?: { name: string; domainId: string; domainName: string };
  domain?: { name: string };
  role?: { name: string; domain?: { id: string; name: string } };
}

export type NamedEntity = AssignmentEntity & { names?: Names };

export function formatAssignment(base: string, entity: NamedEntity): Record<string, unknown> {
  const url = (path: string) => `${base}/v3${path}`;
  const names = entity.names;
  const indirect = entity.indirect ?? {};
  const links: Record<string, string> = {};
  const formatted: Record<string, unknown> = { links };
  let link = '';
  let inherited = entity.inherited_to_projects === 'projects';
  let scope: Record<string, unknown> = {};

  if (entity.project_id !== undefined) {
    scope = { project: withNames({ id: entity.project_id }, names?.project) };
    if (indirect.domain_id !== undefined) {
      inherited = true;
      link = `/domains/${indirect.domain_id}`;
    } else if (indirect.project_id !== undefined) {
      inherited = true;
      link = `/projects/${indirect.project_id}`;
    } else {
      link = `/projects/${entity.project_id}`;
    }
  } else if (entity.domain_id !== undefined) {
    scope = { domain: names?.domain ? { id: entity.domain_id, name: names.domain.name } : { id: entity.domain_id } };
    link = `/domains/${entity.domain_id}`;
  } else if (entity.system !== undefined) {
    link = '/system';
    scope = { system: entity.system };
  }
  formatted.scope = scope;

  if (entity.user_id !== undefined) {
    formatted.user = withNames({ id: entity.user_id }, names?.user);
    if (indirect.group_id !== undefined) {
      links.membership = url(`/groups/${indirect.group_id}/users/${entity.user_id}`);
      link += `/groups/${indirect.group_id}`;
    } else {
      link += `/users/${entity.user_id}`;
    }
  } else if (entity.group_id !== undefined) {
    formatted.group = withNames({ id: entity.group_id }, names?.group);
    link += `/groups/${entity.group_id}`;
  }

  formatted.role = names?.role
    ? { id: entity.role_id, name: names.role.name, ...(names.role.domain && { domain: names.role.domain }) }
    : { id: entity.role_id };
  let priorRoleLink = '';
  if (indirect.role_id !== undefined) {
    link += `/roles/${indirect.role_id}`;
    // py-keystone builds this link with the roles in this order; kept as it is for wire compatibility.
    priorRoleLink = `/prior_role/${entity.role_id}/implies/${indirect.role_id}`;
  } else {
    link += `/roles/${entity.role_id}`;
  }

  if (inherited) {
    scope['OS-INHERIT:inherited_to'] = 'projects';
    link = `/OS-INHERIT${link}/inherited_to_projects`;
  }
  links.assignment = url(link);
  if (priorRoleLink) links.prior_role = url(priorRoleLink);
  return formatted;
}

function withNames(ref: { id: string }, names: { name: string; domainId: string; domainName: string } | undefined) {
  return names ? { id: ref.id, name: names.name, domain: { id: names.domainId, name: names.domainName } } : ref;
}

/**
 * Names for every id an entity carries at its top level (py-keystone's _get_names_from_role_assignments): a
 * missing user or group reads as empty names, a missing project, domain or role is a 404.
 */
export async function addNames(db: Executor, entities: AssignmentEntity[]): Promise<NamedEntity[]> {
  const lookups = new Lookups(db);
  const named: NamedEntity[] = [];
  for (const e of entities) {
    const names: Names = {};
    if (e.domain_id !== undefined) names.domain = { name: await lookups.domainName(e.domain_id) };
    if (e.user_id !== undefined) names.user = await lookups.actor('user', e.user_id);
    if (e.group_id !== undefined) names.group = await lookups.actor('group', e.group_id);
    if (e.project_id !== undefined) names.project = await lookups.project(e.project_id);
    names.role = await lookups.role(e.role_id);
    named.push({ ...e, names });
  }
  return named;
}

class Lookups {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly db: Executor) {}

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.cache.get(key) as Promise<T> | undefined;
    if (!hit) this.cache.set(key, (hit = load()));
    return hit;
  }

  domainName(id: string): Promise<string> {
    return this.once(`domain:${id}`, async () => {
      const ref = await findDomainRef(this.db, id);
      if (!ref) throw NotFound.of('domain', id);
      return String(ref.name);
    });
  }

  actor(kind: 'user' | 'group', id: string) {
    return this.once(`${kind}:${id}`, async () => {
      const ref = kind === 'user' ? await findUserRef(this.db, id) : await findGroupRef(this.db, id);
      if (!ref) return { name: '', domainId: '', domainName: '' };
      const domainId = String(ref.domain_id);
      return { name: String(ref.name), domainId, domainName: await this.domainName(domainId) };
    });
  }

  project(id: string) {
    return this.once(`project:${id}`, async () => {
      const found = await findProject(this.db, id);
      if (!found) throw NotFound.of('project', id);
      const domainId = found.row.domainId;
      return { name: found.row.name, domainId, domainName: await this.domainName(domainId) };
    });
  }

  role(id: string) {
    return this.once(`role:${id}`, async () => {
      const found = await findRole(this.db, id);
      if (!found) throw NotFound.of('role', id);
      const domainId = found.ref.domain_id as string | null;
      return { name: found.row.name, ...(domainId !== null && { domain: { id: domainId, name: await this.domainName(domainId) } }) };
    });
  }
}
