// System grants (py-keystone's api/system.py and the AssignmentManager *_system_grant_* methods): the role and the
// user or group are looked up before policy (a missing one is a 404, except a missing user or group on DELETE), a
// domain-specific role cannot be granted on the system (400), granting twice is silent, and neither a grant nor a
// revocation sends a notification or writes a revocation event (py-keystone Zed does neither).
import { ValidationError } from '../errors.js';
import type { AppServices } from '../server/app.js';
import { enforce } from './enforce.js';
import { findGroupRef, findUserRef, requireGroupRef, requireRole, requireUserRef, type Ref } from './entities.js';
import { assignmentNotFound, rolesByIds } from './grant-service.js';
import type { Call } from './call.js';
import { deleteSystemGrant, ensureSystemGrant, listSystemGrantRows, systemGrantExists } from './store.js';

export type SystemActor = { readonly kind: 'user' | 'group'; readonly id: string };

export class SystemGrantService {
  constructor(private readonly services: AppServices) {}

  async list(call: Call, actor: SystemActor): Promise<Ref[]> {
    await this.enforce(call, `identity:list_system_grants_for_${actor.kind}`, actor, undefined, false);
    const rows = await listSystemGrantRows(this.services.db, { actorId: actor.id, type: actor.kind === 'user' ? 'UserSystem' : 'GroupSystem' });
    return rolesByIds(this.services.db, rows.map((r) => r.roleId));
  }

  async check(call: Call, actor: SystemActor, roleId: string): Promise<void> {
    await this.enforce(call, `identity:check_system_grant_for_${actor.kind}`, actor, roleId, false);
    if (!(await systemGrantExists(this.services.db, actor.id, roleId))) throw assignmentNotFound(roleId, actor.id, 'system');
  }

  async create(call: Call, actor: SystemActor, roleId: string): Promise<void> {
    await this.enforce(call, `identity:create_system_grant_for_${actor.kind}`, actor, roleId, false);
    const role = await requireRole(this.services.db, roleId);
    if (role.ref.domain_id) {
      throw new ValidationError(
        `Role ${roleId} is a domain-specific role. Unable to use a domain-specific role in a system assignment.`,
      );
    }
    await ensureSystemGrant(this.services.db, { type: actor.kind === 'user' ? 'UserSystem' : 'GroupSystem', actorId: actor.id, roleId });
    this.services.tokens.invalidateCache();
  }

  async delete(call: Call, actor: SystemActor, roleId: string): Promise<void> {
    await this.enforce(call, `identity:revoke_system_grant_for_${actor.kind}`, actor, roleId, true);
    if ((await deleteSystemGrant(this.services.db, actor.id, roleId)) === 0) throw assignmentNotFound(roleId, actor.id, 'system');
    this.services.tokens.invalidateCache();
  }

  private async enforce(call: Call, rule: string, actor: SystemActor, roleId: string | undefined, deleting: boolean): Promise<void> {
    const db = this.services.db;
    const target: Ref = {};
    if (roleId !== undefined) target.role = (await requireRole(db, roleId)).ref;
    if (deleting) {
      const found = actor.kind === 'user' ? await findUserRef(db, actor.id) : await findGroupRef(db, actor.id);
      if (found) target[actor.kind] = found;
    } else {
      target[actor.kind] = actor.kind === 'user' ? await requireUserRef(db, actor.id) : await requireGroupRef(db, actor.id);
    }
    await enforce(this.services, call.caller, rule, { params: call.params, target, body: call.body });
  }
}
