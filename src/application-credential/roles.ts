// The roles of an application credential: which ones a create request gets (those it names, each of which must be
// in the caller's token, else all the token's roles), the check that the user still holds them, and their
// rendering as full role refs.
import type { AuthContext } from '../auth/context.js';
import { expand, rolesOnProject } from '../assignment/effective-roles.js';
import { roleRef } from '../assignment/render.js';
import { getRoles, listGrantsOfActors, listRoleOptionRows } from '../assignment/store.js';
import type { Executor } from '../db/connection.js';
import { NotFound, ValidationError } from '../errors.js';
import { listGroupIdsForUser } from '../identity/store.js';
import { getProjectRow, listDescendantIds, listProjectIdsInDomain } from '../resource/store.js';
import { listRoleIdsNamed } from './store.js';

/** py-keystone's ApplicationCredentialValidationError. */
export function invalidCredential(detail: string): ValidationError {
  return new ValidationError(`Invalid application credential: ${detail}`);
}

/**
 * The role ids a new credential gets. Named roles are looked up first (py-keystone's get_unique_role_by_name,
 * over every role of that name, domain-specific ones included), then each must be one of the token's roles, so a
 * caller cannot hand a credential more than its own token carries.
 */
export async function requestedRoleIds(
  db: Executor,
  requested: readonly ({ id: string } | { name: string })[] | undefined,
  caller: AuthContext,
): Promise<string[]> {
  if (!requested || requested.length === 0) return caller.roles.map((r) => r.id);
  const ids: string[] = [];
  for (const entry of requested) ids.push('id' in entry ? entry.id : await roleIdNamed(db, entry.name));
  const held = new Set(caller.roles.map((r) => r.id));
  if (ids.some((id) => !held.has(id))) throw invalidCredential('Cannot create an application credential with unassigned role');
  return ids;
}

async function roleIdNamed(db: Executor, name: string): Promise<string> {
  const ids = await listRoleIdsNamed(db, name);
  if (ids.length === 0) throw new NotFound(`Role ${name} is not defined`);
  if (ids.length > 1) {
    throw new ValidationError(`There are multiple role entities named '${name}'. Please use ID instead of names to resolve the ambiguity.`);
  }
  return ids[0]!;
}

/**
 * The manager's _require_user_has_role_in_project: every role must be among the user's effective role assignments
 * on the project, or, for a token without a project, among all of the user's effective project and domain
 * assignments (py-keystone then lists them with no target; system grants are not in that list, so a
 * system-scoped token's roles fail here). A failure is a 400 naming the first missing role.
 */
export async function assertUserHoldsRoles(db: Executor, userId: string, projectId: string | null, roleIds: readonly string[]): Promise<void> {
  if (roleIds.length === 0) return;
  const held = new Set(projectId === null ? await rolesOnAnyTarget(db, userId) : await rolesOnProjectId(db, userId, projectId));
  const missing = roleIds.find((id) => !held.has(id));
  if (missing !== undefined) {
    throw invalidCredential(
      `Could not find role assignment with role: ${missing}, user or group: ${userId}, project, domain, or system: ${projectId ?? 'None'}.`,
    );
  }
}

async function rolesOnProjectId(db: Executor, userId: string, projectId: string): Promise<string[]> {
  const project = await getProjectRow(db, projectId);
  return project ? (await rolesOnProject(db, userId, project)).map((r) => r.id) : [];
}

/**
 * Effective assignments on every project and domain: direct grants as they are, an inherited grant only where it
 * reaches a project (a domain's projects, a project's descendants), implied roles added.
 */
async function rolesOnAnyTarget(db: Executor, userId: string): Promise<string[]> {
  const actors = [userId, ...(await listGroupIdsForUser(db, userId))];
  const roleIds: string[] = [];
  for (const grant of await listGrantsOfActors(db, actors)) {
    if (!grant.inherited) roleIds.push(grant.roleId);
    else {
      const onDomain = grant.type === 'UserDomain' || grant.type === 'GroupDomain';
      const reached = onDomain ? await listProjectIdsInDomain(db, grant.targetId) : await listDescendantIds(db, grant.targetId);
      if (reached.length > 0) roleIds.push(grant.roleId);
    }
  }
  return (await expand(db, roleIds)).map((r) => r.id);
}

/** Full role refs for each credential's role ids; a role deleted since is py-keystone's RoleNotFound (404). */
export async function renderRoleLists(db: Executor, roleIdLists: readonly (readonly string[])[]): Promise<Record<string, unknown>[][]> {
  const ids = [...new Set(roleIdLists.flat())];
  const [rows, options] = await Promise.all([getRoles(db, ids), listRoleOptionRows(db, ids)]);
  const byId = new Map(rows.map((r) => [r.id, roleRef(r, options.get(r.id) ?? [])]));
  return roleIdLists.map((list) =>
    list.map((id) => {
      const ref = byId.get(id);
      if (!ref) throw NotFound.of('role', id);
      return ref;
    }),
  );
}
