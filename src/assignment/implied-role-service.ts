// Role inference rules (py-keystone's api/roles.py implied-role resources, api/role_inferences.py and
// RoleManager.create_implied_role): both roles are looked up before policy (a missing one is a 404 for any
// authenticated caller), a role named in [assignment] prohibited_implied_role ('admin' by default) cannot be implied,
// a global role cannot imply a domain-specific one, and a rule exists at most once.
import type { Executor } from '../db/connection.js';
import { Conflict, Forbidden, NotFound } from '../errors.js';
import type { AppServices } from '../server/app.js';
import { enforce } from './enforce.js';
import { requireRole, type Ref, type RoleEntity } from './entities.js';
import type { Call } from './call.js';
import { deleteImpliedRole, ensureImpliedRole, findImpliedRole, getRoles, listImpliedRoleIds, listImpliedRoles } from './store.js';

/** py-keystone's [assignment] prohibited_implied_role default (keystone-ts has no [assignment] section yet). */
const PROHIBITED_IMPLIED_ROLES = ['admin'];

export interface RoleName {
  readonly id: string;
  readonly name: string;
}

export interface Inference {
  readonly prior: RoleName;
  readonly implies: RoleName[];
}

export class ImpliedRoleService {
  constructor(private readonly services: AppServices) {}

  async list(call: Call, priorId: string): Promise<Inference> {
    const prior = await requireRole(this.services.db, priorId);
    await this.enforce(call, 'identity:list_implied_roles', { prior_role: prior.ref });
    const impliedIds = await listImpliedRoleIds(this.services.db, priorId);
    const implied: RoleName[] = [];
    for (const id of impliedIds) implied.push(nameOf(await requireRole(this.services.db, id)));
    return { prior: nameOf(prior), implies: implied };
  }

  async get(call: Call, priorId: string, impliedId: string, rule = 'identity:get_implied_role'): Promise<Inference> {
    const { prior, implied } = await this.pair(priorId, impliedId);
    await this.enforce(call, rule, { prior_role: prior.ref, implied_role: implied.ref });
    if (!(await findImpliedRole(this.services.db, priorId, impliedId))) throw notImplied(priorId, impliedId);
    return { prior: nameOf(prior), implies: [nameOf(implied)] };
  }

  /** HEAD: py-keystone enforces identity:check_implied_role, then answers as GET does (both rules must pass). */
  async check(call: Call, priorId: string, impliedId: string): Promise<void> {
    const { prior, implied } = await this.pair(priorId, impliedId);
    await this.enforce(call, 'identity:check_implied_role', { prior_role: prior.ref, implied_role: implied.ref });
    await this.get(call, priorId, impliedId);
  }

  async create(call: Call, priorId: string, impliedId: string): Promise<Inference> {
    const { prior, implied } = await this.pair(priorId, impliedId);
    await this.enforce(call, 'identity:create_implied_role', { prior_role: prior.ref, implied_role: implied.ref });
    // py-keystone's InvalidImpliedRole is a security error: its text is the fixed one whatever the reason.
    if (PROHIBITED_IMPLIED_ROLES.includes(implied.row.name)) throw cannotBeImplied(impliedId);
    if (prior.ref.domain_id === null && implied.ref.domain_id !== null) throw cannotBeImplied(impliedId);
    if (!(await ensureImpliedRole(this.services.db, priorId, impliedId))) throw duplicateRule();
    this.services.tokens.invalidateCache();
    return { prior: nameOf(prior), implies: [nameOf(implied)] };
  }

  async delete(call: Call, priorId: string, impliedId: string): Promise<void> {
    const { prior, implied } = await this.pair(priorId, impliedId);
    await this.enforce(call, 'identity:delete_implied_role', { prior_role: prior.ref, implied_role: implied.ref });
    if ((await deleteImpliedRole(this.services.db, priorId, impliedId)) === 0) throw notImplied(priorId, impliedId);
    this.services.tokens.invalidateCache();
  }

  /** Every rule, grouped by prior role in the order the rules are read (py-keystone's role_inferences). */
  async listAll(call: Call): Promise<Inference[]> {
    await enforce(this.services, call.caller, 'identity:list_role_inference_rules', { params: call.params, body: call.body });
    const rules = await listImpliedRoles(this.services.db);
    const names = await roleNames(this.services.db, rules.flatMap((r) => [r.priorRoleId, r.impliedRoleId]));
    const byPrior = new Map<string, RoleName[]>();
    for (const rule of rules) {
      const implied = byPrior.get(rule.priorRoleId) ?? [];
      implied.push(names.get(rule.impliedRoleId)!);
      byPrior.set(rule.priorRoleId, implied);
    }
    return [...byPrior].map(([priorId, implies]) => ({ prior: names.get(priorId)!, implies }));
  }

  private async pair(priorId: string, impliedId: string): Promise<{ prior: RoleEntity; implied: RoleEntity }> {
    const prior = await requireRole(this.services.db, priorId);
    const implied = await requireRole(this.services.db, impliedId);
    return { prior, implied };
  }

  private enforce(call: Call, rule: string, target: Ref): Promise<void> {
    return enforce(this.services, call.caller, rule, { params: call.params, target, body: call.body });
  }
}

async function roleNames(db: Executor, ids: string[]): Promise<Map<string, RoleName>> {
  const rows = await getRoles(db, [...new Set(ids)]);
  return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name }]));
}

function nameOf(role: RoleEntity): RoleName {
  return { id: role.row.id, name: role.row.name };
}

function notImplied(priorId: string, impliedId: string): NotFound {
  return new NotFound(`${priorId} does not imply ${impliedId}.`);
}

function cannotBeImplied(roleId: string): Forbidden {
  return new Forbidden(`${roleId} cannot be an implied roles.`);
}

function duplicateRule(): Conflict {
  return Conflict.duplicate('implied_role', 'Duplicate entry');
}
