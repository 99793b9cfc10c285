// /v3/users/{user_id}/access_rules: a user's access rules (the service/path/method templates their application
// credentials link to). Policy sees the path's user under `target.user` ({} when there is no such user, so only a
// system reader passes); as in py-keystone, showing or deleting a rule looks it up by id alone.
import type { AuthContext } from '../auth/context.js';
import { Forbidden, NotFound } from '../errors.js';
import { renderUser } from '../identity/render.js';
import { getStoredUser } from '../identity/store.js';
import { applyHints, buildHints } from '../server/v3/hints.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { refuseDelegatedToken } from './delegation.js';
import { accessRuleRef } from './render.js';
import type { ApplicationCredentialDeps } from './service.js';
import { filterValues } from './service.js';
import {
  accessRuleInUse,
  deleteAccessRuleRow,
  findAccessRuleByExternalId,
  listAccessRulesOfUser,
  toAccessRuleRecord,
  type AccessRuleRecord,
} from './store.js';

type Query = Record<string, unknown>;

const LIST_FILTERS = ['service', 'path', 'method'];

export class AccessRuleService {
  constructor(private readonly deps: ApplicationCredentialDeps) {}

  /**
   * py-keystone filters in SQL and then again over the answer (it rebuilds the hints), so a value's own % and _
   * end up matching only themselves: literal matching over the user's rules gives the same list.
   */
  async list(caller: AuthContext, userId: string, query: Query, body: unknown, base: string): Promise<AccessRuleRecord[]> {
    await this.deps.authorize(
      caller,
      'identity:list_access_rules',
      policyDict({ params: { user_id: userId }, target: await this.userTarget(userId, base), filters: filterValues(query, LIST_FILTERS), body }),
    );
    refuseDelegatedToken(caller);
    const rules = await listAccessRulesOfUser(this.deps.db, userId);
    const kept = new Set(applyHints(rules.map(accessRuleRef), buildHints(query, LIST_FILTERS)).map((r) => r.id));
    return rules.filter((r) => kept.has(r.id));
  }

  async get(caller: AuthContext, userId: string, id: string, body: unknown, base: string): Promise<AccessRuleRecord> {
    await this.authorizeMember(caller, 'identity:get_access_rule', userId, id, body, base);
    const row = await findAccessRuleByExternalId(this.deps.db, id);
    if (!row) throw accessRuleNotFound(id);
    return toAccessRuleRecord(row);
  }

  async delete(caller: AuthContext, userId: string, id: string, body: unknown, base: string): Promise<void> {
    await this.authorizeMember(caller, 'identity:delete_access_rule', userId, id, body, base);
    await this.deps.transaction(async (tx) => {
      const row = await findAccessRuleByExternalId(tx, id);
      if (!row) throw accessRuleNotFound(id);
      // py-keystone's ORM refuses to orphan the credentials' links (the database itself would cascade).
      if (await accessRuleInUse(tx, row.id)) throw new Forbidden('May not delete access rule in use');
      await deleteAccessRuleRow(tx, row.id);
    });
    this.deps.events.emit('deleted', 'access_rule', id, caller);
  }

  private async authorizeMember(caller: AuthContext, rule: string, userId: string, id: string, body: unknown, base: string): Promise<void> {
    await this.deps.authorize(
      caller,
      rule,
      policyDict({ params: { user_id: userId, access_rule_id: id }, target: await this.userTarget(userId, base), body }),
    );
    refuseDelegatedToken(caller);
  }

  /** _build_user_target_enforcement: the user as identity's get_user gives it, or nothing when there is none. */
  private async userTarget(userId: string, base: string): Promise<Record<string, unknown>> {
    const stored = await getStoredUser(this.deps.db, userId);
    if (!stored) return {};
    const { links: _links, ...user } = renderUser(stored, base, this.deps.config, { federated: true });
    return { user };
  }
}

function accessRuleNotFound(id: string): NotFound {
  return new NotFound(`Could not find Access Rule: ${id}.`);
}
