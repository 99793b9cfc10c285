// Project and domain grants, plain and OS-INHERIT (py-keystone's api/projects.py, api/domains.py,
// api/os_inherit.py and AssignmentManager.create_grant/get_grant/delete_grant/list_grants).
// Policy targets are built as each py-keystone resource builds them, which decides which 404 a caller sees:
// - /projects/... looks up the role, the user or group, then the project, and a missing one is a 404 before policy
//   (except a missing user or group on DELETE, left out of the target);
// - /domains/... does the same with the domain first;
// - /OS-INHERIT/... never fails there: a missing entity is an empty target, and the 404 (if any) comes after policy.
// Creating a grant that exists is silent; removing one writes no revocation event (py-keystone Zed writes none:
// a token's roles are recomputed when it is validated), but this process's validation cache is dropped.
import type { Executor } from '../db/connection.js';
import { Forbidden, NotFound } from '../errors.js';
import type { AppServices } from '../server/app.js';
import { enforce } from './enforce.js';
import {
  findDomainRef,
  findGroupRef,
  findProject,
  findRole,
  findUserRef,
  requireDomainRef,
  requireGroupRef,
  requireProject,
  requireRole,
  requireUserRef,
  type Ref,
} from './entities.js';
import { roleRef } from './render.js';
import type { Call } from './call.js';
import { deleteGrant, ensureGrant, getRoles, grantExists, listGrantRoleIds, listRoleOptionRows, type GrantKey, type GrantType } from './store.js';

export interface Grant {
  readonly actor: { readonly kind: 'user' | 'group'; readonly id: string };
  readonly target: { readonly kind: 'project' | 'domain'; readonly id: string };
  readonly inherited: boolean;
  /** The route family, which decides how the policy target is built. */
  readonly via: 'projects' | 'domains' | 'os-inherit';
}

export class GrantService {
  constructor(private readonly services: AppServices) {}

  async check(call: Call, grant: Grant, roleId: string): Promise<void> {
    await this.enforce(call, 'identity:check_grant', grant, roleId, false);
    await requireRole(this.services.db, roleId);
    await this.requireTarget(grant);
    if (!(await grantExists(this.services.db, key(grant, roleId)))) throw assignmentNotFound(roleId, grant.actor.id, grant.target.id);
  }

  async create(call: Call, grant: Grant, roleId: string): Promise<void> {
    await this.enforce(call, 'identity:create_grant', grant, roleId, false);
    const role = await requireRole(this.services.db, roleId);
    const target = await this.requireTarget(grant);
    // A domain-specific role can only be granted on projects of its domain.
    if (grant.target.kind === 'project' && role.ref.domain_id && target.domain_id !== role.ref.domain_id) {
      throw new Forbidden(`Project ${grant.target.id} must be in the same domain as the role ${roleId} being assigned.`);
    }
    const type = (grant.actor.kind === 'user' ? 'User' : 'Group') + (grant.target.kind === 'project' ? 'Project' : 'Domain');
    await ensureGrant(this.services.db, {
      type: type as GrantType,
      actorId: grant.actor.id,
      targetId: grant.target.id,
      roleId,
      inherited: grant.inherited,
    });
    this.services.events.emit('created', 'role_assignment', roleId, call.caller);
    this.services.tokens.invalidateCache();
  }

  async delete(call: Call, grant: Grant, roleId: string): Promise<void> {
    await this.enforce(call, 'identity:revoke_grant', grant, roleId, true);
    await requireRole(this.services.db, roleId);
    if (!(await grantExists(this.services.db, key(grant, roleId)))) throw assignmentNotFound(roleId, grant.actor.id, grant.target.id);
    await this.requireTarget(grant);
    await deleteGrant(this.services.db, key(grant, roleId));
    this.services.events.emit('deleted', 'role_assignment', roleId, call.caller);
    this.services.tokens.invalidateCache();
  }

  /** The roles granted (py-keystone lists by actor, target and inheritance, whatever the row's type). */
  async list(call: Call, grant: Grant): Promise<Ref[]> {
    await this.enforce(call, 'identity:list_grants', grant, undefined, false);
    await this.requireTarget(grant);
    const roleIds = await listGrantRoleIds(this.services.db, { actorId: grant.actor.id, targetId: grant.target.id, inherited: grant.inherited });
    return rolesByIds(this.services.db, roleIds);
  }

  private async enforce(call: Call, rule: string, grant: Grant, roleId: string | undefined, deleting: boolean): Promise<void> {
    const target = grant.via === 'os-inherit' ? await this.lenientTarget(grant, roleId) : await this.strictTarget(grant, roleId, deleting);
    await enforce(this.services, call.caller, rule, { params: call.params, target, body: call.body });
  }

  private async strictTarget(grant: Grant, roleId: string | undefined, deleting: boolean): Promise<Ref> {
    const db = this.services.db;
    const target: Ref = {};
    if (grant.via === 'domains') target.domain = await requireDomainRef(db, grant.target.id);
    if (roleId !== undefined) target.role = (await requireRole(db, roleId)).ref;
    const actor = deleting ? await findActor(db, grant) : await requireActor(db, grant);
    if (actor) target[grant.actor.kind] = actor;
    if (grant.via === 'projects') target.project = (await requireProject(db, grant.target.id)).ref;
    return target;
  }

  private async lenientTarget(grant: Grant, roleId: string | undefined): Promise<Ref> {
    const db = this.services.db;
    const target: Ref = {};
    if (roleId !== undefined) target.role = (await findRole(db, roleId))?.ref ?? {};
    target[grant.actor.kind] = (await findActor(db, grant)) ?? {};
    if (grant.target.kind === 'domain') target.domain = (await findDomainRef(db, grant.target.id)) ?? {};
    else target.project = (await findProject(db, grant.target.id))?.ref ?? {};
    return target;
  }

  private async requireTarget(grant: Grant): Promise<Ref> {
    if (grant.target.kind === 'domain') return requireDomainRef(this.services.db, grant.target.id);
    return (await requireProject(this.services.db, grant.target.id)).ref;
  }
}

function findActor(db: Executor, grant: Grant): Promise<Ref | undefined> {
  return grant.actor.kind === 'user' ? findUserRef(db, grant.actor.id) : findGroupRef(db, grant.actor.id);
}

function requireActor(db: Executor, grant: Grant): Promise<Ref> {
  return grant.actor.kind === 'user' ? requireUserRef(db, grant.actor.id) : requireGroupRef(db, grant.actor.id);
}

function key(grant: Grant, roleId: string): GrantKey {
  return { actorId: grant.actor.id, targetId: grant.target.id, roleId, inherited: grant.inherited, on: grant.target.kind };
}

export function assignmentNotFound(roleId: string, actorId: string, targetId: string): NotFound {
  return new NotFound(
    `Could not find role assignment with role: ${roleId}, user or group: ${actorId}, project, domain, or system: ${targetId}.`,
  );
}

/** Roles by id as py-keystone's list_roles_from_ids reads them: each once, in the table's order. */
export async function rolesByIds(db: Executor, ids: string[]): Promise<Ref[]> {
  const rows = await getRoles(db, [...new Set(ids)]);
  const options = await listRoleOptionRows(db, rows.map((r) => r.id));
  return rows.map((r) => roleRef(r, options.get(r.id) ?? []));
}
