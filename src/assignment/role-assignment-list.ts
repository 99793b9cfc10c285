// The role assignment list, computed as py-keystone's assignment manager computes it (list_role_assignments):
// - direct mode lists the grant rows matching the filters, then system grants when no project or domain is named;
// - effective mode lists what affects a user: group grants become one assignment per member (indirect.group_id),
//   inherited grants one per project below the grant point (indirect.project_id / indirect.domain_id), implied
//   roles are added (indirect.role_id, cycle-safe), domain-specific roles are dropped, and system grants are not
//   part of it.
// The result keeps py-keystone's order; its entities are the manager's dicts, formatted for the API elsewhere.
import type { Executor } from '../db/connection.js';
import { NULL_DOMAIN_ID } from '../db/legacy/schema.js';
import { NotFound } from '../errors.js';
import { getUser } from '../identity/store.js';
import { listDescendantIds, listProjectIdsInDomain } from '../resource/store.js';
import { requireProject } from './entities.js';
import {
  getGroupRow,
  getRole,
  getRoles,
  listAssignmentRows,
  listGroupIdsOfUser,
  listImpliedRoleIds,
  listMemberIds,
  listParentIds,
  listSystemGrantRows,
  type GrantType,
} from './store.js';

export interface Indirect {
  group_id?: string;
  project_id?: string;
  domain_id?: string;
  role_id?: string;
}

/** One assignment as py-keystone's manager hands it to the API layer. */
export interface AssignmentEntity {
  user_id?: string;
  group_id?: string;
  project_id?: string;
  domain_id?: string;
  system?: { all: true };
  role_id: string;
  inherited_to_projects?: 'projects';
  indirect?: Indirect;
}

export interface AssignmentFilters {
  readonly roleId?: string | undefined;
  readonly userId?: string | undefined;
  readonly groupId?: string | undefined;
  /** Only 'all' means the system; py-keystone ignores any other value. */
  readonly system?: boolean | undefined;
  readonly domainId?: string | undefined;
  readonly projectId?: string | undefined;
  readonly includeSubtree?: boolean | undefined;
  /** undefined: both; true: only inherited grants; false: only non-inherited ones. */
  readonly inherited?: boolean | undefined;
  readonly effective?: boolean | undefined;
}

export async function listRoleAssignments(db: Executor, f: AssignmentFilters): Promise<AssignmentEntity[]> {
  const subtreeIds = f.projectId && f.includeSubtree ? await subtreeOf(db, f.projectId) : undefined;
  return f.effective ? listEffective(db, f, subtreeIds) : listDirect(db, f, subtreeIds);
}

async function subtreeOf(db: Executor, projectId: string): Promise<string[]> {
  await requireProject(db, projectId);
  return listDescendantIds(db, projectId);
}

// ---------------------------------------------------------------------------------------------------------------
// The grant rows (py-keystone's SQL driver list_role_assignments)

interface DriverQuery {
  roleId?: string | undefined;
  userId?: string | undefined;
  groupIds?: readonly string[] | undefined;
  domainId?: string | undefined;
  projectIds?: readonly string[] | undefined;
  inherited?: boolean | undefined;
}

const USER_TYPES: GrantType[] = ['UserProject', 'UserDomain'];
const GROUP_TYPES: GrantType[] = ['GroupProject', 'GroupDomain'];
const PROJECT_TYPES: GrantType[] = ['UserProject', 'GroupProject'];
const DOMAIN_TYPES: GrantType[] = ['UserDomain', 'GroupDomain'];

/** The most specific types the named actor and target allow (a user wins over groups, projects over a domain). */
function assignmentTypes(q: DriverQuery): GrantType[] | undefined {
  const actor = q.userId ? USER_TYPES : q.groupIds?.length ? GROUP_TYPES : undefined;
  const target = q.projectIds?.length ? PROJECT_TYPES : q.domainId ? DOMAIN_TYPES : undefined;
  if (actor && target) return actor.filter((t) => target.includes(t));
  return actor ?? target;
}

async function listGrantEntities(db: Executor, q: DriverQuery): Promise<AssignmentEntity[]> {
  const rows = await listAssignmentRows(db, {
    roleId: q.roleId || undefined,
    actorIds: q.groupIds?.length ? q.groupIds : q.userId ? [q.userId] : undefined,
    targetIds: q.projectIds?.length ? q.projectIds : q.domainId ? [q.domainId] : undefined,
    types: assignmentTypes(q),
    inherited: q.inherited,
  });
  return rows.map((r) => ({
    ...(r.type.startsWith('User') ? { user_id: r.actorId } : { group_id: r.actorId }),
    ...(r.type.endsWith('Project') ? { project_id: r.targetId } : { domain_id: r.targetId }),
    role_id: r.roleId,
    ...(r.inherited && { inherited_to_projects: 'projects' as const }),
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Direct mode

async function listDirect(db: Executor, f: AssignmentFilters, subtreeIds: string[] | undefined): Promise<AssignmentEntity[]> {
  const projectIds = f.projectId ? [...(subtreeIds?.length ? subtreeIds : []), f.projectId] : undefined;
  const grants = f.system
    ? []
    : await listGrantEntities(db, {
        roleId: f.roleId,
        userId: f.userId,
        groupIds: f.groupId ? [f.groupId] : undefined,
        domainId: f.domainId,
        projectIds,
        inherited: f.inherited,
      });
  const withSystem = f.system || (!f.projectId && !f.domainId);
  const system = withSystem ? await listSystemEntities(db, f) : [];
  return [...grants, ...(f.roleId ? system.filter((s) => s.role_id === f.roleId) : system)];
}

/**
 * System grants; for a named user or group py-keystone goes through its roles, so a grant of a role that no longer
 * exists is not shown (and a role granted twice shows once), while the unfiltered listing shows the raw rows.
 */
async function listSystemEntities(db: Executor, f: AssignmentFilters): Promise<AssignmentEntity[]> {
  const all = { all: true } as const;
  if (f.userId || f.groupId) {
    const actorId = (f.userId || f.groupId)!;
    const rows = await listSystemGrantRows(db, { actorId, type: f.userId ? 'UserSystem' : 'GroupSystem' });
    const roles = await getRoles(db, rows.map((r) => r.roleId));
    return roles.map((r) => ({ system: all, ...(f.userId ? { user_id: actorId } : { group_id: actorId }), role_id: r.id }));
  }
  const rows = await listSystemGrantRows(db, {});
  return rows.map((r) => ({
    ...(r.type === 'GroupSystem' && { group_id: r.actorId }),
    ...(r.type === 'UserSystem' && { user_id: r.actorId }),
    role_id: r.roleId,
    system: all,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Effective mode

async function listEffective(db: Executor, f: AssignmentFilters, subtreeIds: string[] | undefined): Promise<AssignmentEntity[]> {
  if (f.groupId || (f.domainId && f.inherited)) return [];
  // Domains do not inherit, so a domain filter only ever matches non-inherited grants.
  const inherited = f.domainId ? false : f.inherited;
  const scope = { projectId: f.projectId, subtreeIds, domainId: f.domainId, inherited };
  const direct = await grantsAffecting(db, { ...scope, userId: f.userId });
  let viaGroups: AssignmentEntity[] = [];
  if (f.userId) {
    if (!(await getUser(db, f.userId))) throw NotFound.of('user', f.userId);
    const groupIds = await listGroupIdsOfUser(db, f.userId);
    if (groupIds.length > 0) viaGroups = await grantsAffecting(db, { ...scope, groupIds });
  }
  let refs: AssignmentEntity[] = [];
  for (const ref of [...direct, ...viaGroups]) refs.push(...(await expandIndirect(db, ref, f.userId, f.projectId, subtreeIds)));
  refs = await addImpliedRoles(db, refs);
  refs = await stripDomainRoles(db, refs);
  return f.roleId ? refs.filter((r) => r.role_id === f.roleId) : refs;
}

/**
 * The grants that can affect an actor on the named target: non-inherited grants on the target itself, and
 * inherited grants from the project's domain and parents (or, for a subtree, on the subtree too), or every inherited
 * grant when no project is named (py-keystone's list_role_assignments_for_actor).
 */
async function grantsAffecting(
  db: Executor,
  q: {
    userId?: string | undefined;
    groupIds?: readonly string[];
    projectId?: string | undefined;
    subtreeIds?: string[] | undefined;
    domainId?: string | undefined;
    inherited?: boolean | undefined;
  },
): Promise<AssignmentEntity[]> {
  const ofInterest = q.projectId ? [...(q.subtreeIds?.length ? q.subtreeIds : []), q.projectId] : undefined;
  const actor = { userId: q.userId, groupIds: q.groupIds };
  const direct =
    q.inherited === true ? [] : await listGrantEntities(db, { ...actor, domainId: q.domainId, projectIds: ofInterest, inherited: false });
  if (q.inherited === false) return direct;
  if (!q.projectId) return [...direct, ...(await listGrantEntities(db, { ...actor, inherited: true }))];
  const project = await requireProject(db, q.projectId);
  const fromDomain = await listGrantEntities(db, { ...actor, domainId: project.row.domainId, inherited: true });
  const sourceIds = await listParentIds(db, q.projectId);
  if (q.subtreeIds?.length) sourceIds.push(...ofInterest!);
  const fromProjects = sourceIds.length ? await listGrantEntities(db, { ...actor, projectIds: sourceIds, inherited: true }) : [];
  return [...direct, ...fromDomain, ...fromProjects];
}

/** Group grants become one per member; inherited grants one per project they reach (_expand_indirect_assignment). */
async function expandIndirect(
  db: Executor,
  ref: AssignmentEntity,
  userId: string | undefined,
  projectId: string | undefined,
  subtreeIds: string[] | undefined,
): Promise<AssignmentEntity[]> {
  if (ref.inherited_to_projects === 'projects') {
    let projectIds: string[];
    if (projectId) {
      projectIds = [projectId];
      if (subtreeIds?.length) {
        projectIds.push(...subtreeIds);
        // A project grant inside the subtree only reaches that grant point's own subtree.
        if (ref.project_id && projectIds.includes(ref.project_id)) projectIds = await subtreeOf(db, ref.project_id);
      }
    } else if (ref.domain_id) {
      projectIds = await listProjectIdsInDomain(db, ref.domain_id);
    } else {
      projectIds = await subtreeOf(db, ref.project_id!);
    }
    const actors = ref.group_id ? await expandGroup(db, ref, userId) : [ref];
    return actors.flatMap((a) => projectIds.map((id) => inheritedOnto(a, id)));
  }
  if (ref.group_id) return expandGroup(db, ref, userId);
  return [ref];
}

async function expandGroup(db: Executor, ref: AssignmentEntity, userId: string | undefined): Promise<AssignmentEntity[]> {
  const asMember = (memberId: string): AssignmentEntity => {
    const { group_id: groupId, ...rest } = structuredClone(ref);
    return { ...rest, user_id: memberId, indirect: { ...rest.indirect, group_id: groupId! } };
  };
  if (userId) return [asMember(userId)];
  // A group that is gone but still holds grants contributes no one (py-keystone logs it and goes on).
  if (!(await getGroupRow(db, ref.group_id!))) return [];
  return (await listMemberIds(db, ref.group_id!)).map(asMember);
}

function inheritedOnto(ref: AssignmentEntity, projectId: string): AssignmentEntity {
  const { project_id: sourceProject, domain_id: sourceDomain, inherited_to_projects: _inherited, ...rest } = structuredClone(ref);
  const indirect: Indirect = { ...rest.indirect };
  if (sourceProject) indirect.project_id = sourceProject;
  else indirect.domain_id = sourceDomain!;
  return { ...rest, project_id: projectId, indirect };
}

/**
 * Adds one assignment per implied role, recording the prior role in indirect.role_id; an assignment already
 * examined is not followed again, which stops cycles exactly where py-keystone's add_implied_roles stops them.
 */
async function addImpliedRoles(db: Executor, refs: AssignmentEntity[]): Promise<AssignmentEntity[]> {
  const impliedCache = new Map<string, string[]>();
  const implied = async (roleId: string) => {
    let ids = impliedCache.get(roleId);
    if (!ids) impliedCache.set(roleId, (ids = await listImpliedRoleIds(db, roleId)));
    return ids;
  };
  const toCheck = [...refs];
  const results = [...refs];
  const checked = new Set<string>();
  while (toCheck.length > 0) {
    const next = toCheck.pop()!;
    checked.add(canonical(next));
    for (const impliedId of await implied(next.role_id)) {
      const copy: AssignmentEntity = { ...structuredClone(next), role_id: impliedId };
      copy.indirect = { ...copy.indirect, role_id: next.role_id };
      if (checked.has(canonical(copy))) continue;
      results.push(copy);
      toCheck.push(copy);
    }
  }
  return results;
}

/** Key-order independent form of an entity, standing in for Python's dict equality. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** Domain-specific roles only serve to imply global ones; they are not assignments in effective mode. */
async function stripDomainRoles(db: Executor, refs: AssignmentEntity[]): Promise<AssignmentEntity[]> {
  const global = new Map<string, boolean>();
  const kept: AssignmentEntity[] = [];
  for (const ref of refs) {
    let isGlobal = global.get(ref.role_id);
    if (isGlobal === undefined) {
      const role = await getRole(db, ref.role_id);
      if (!role) throw NotFound.of('role', ref.role_id);
      global.set(ref.role_id, (isGlobal = role.domainId === NULL_DOMAIN_ID));
    }
    if (isGlobal) kept.push(ref);
  }
  return kept;
}
