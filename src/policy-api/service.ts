// /v3/policies: the policy rule py-keystone's api/policy.py enforces for each call (no target is loaded, so a
// refused caller gets 403 before any 404), the body checked against keystone/policy/schema.py after policy, and the
// policy manager's rules: a new policy always gets a generated id, an update may not change the id, and deleting a
// policy leaves its OS-ENDPOINT-POLICY associations in place (py-keystone never removes them).
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { validateObject } from '../catalog/json-schema.js';
import { filterRefs } from '../catalog/list-filters.js';
import { assertLinksAcceptSelf } from '../catalog/render.js';
import type { Executor } from '../db/connection.js';
import { NotFound, ValidationError } from '../errors.js';
import type { RouteContext } from '../server/app.js';
import { buildHints } from '../server/v3/hints.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { policyCreate, policyUpdate } from './body-schemas.js';
import { policyRef, policyRow, type Ref } from './render.js';
import { deletePolicy, getPolicy, insertPolicy, listPolicies, updatePolicy, type PolicyRow } from './store.js';

export type PolicyDeps = Pick<RouteContext, 'db' | 'transaction' | 'events' | 'authorize'>;

const LIST_FILTERS = ['type'];

export class PolicyService {
  constructor(private readonly deps: PolicyDeps) {}

  /** Every filter is applied to the refs, as py-keystone's policy driver leaves them all to the API layer. */
  async list(caller: AuthContext, query: Record<string, unknown>): Promise<Ref[]> {
    const filters = buildHints(query, LIST_FILTERS);
    const values = Object.fromEntries(filters.filter((f) => f.comparator === 'equals').map((f) => [f.name, f.value]));
    await this.deps.authorize(caller, 'identity:list_policies', policyDict({ filters: values }));
    const rows = await listPolicies(this.deps.db);
    return filterRefs(rows.map(policyRef), filters);
  }

  async get(caller: AuthContext, id: string): Promise<Ref> {
    await this.deps.authorize(caller, 'identity:get_policy', policyDict({ params: { policy_id: id } }));
    return policyRef(await loadPolicy(this.deps.db, id));
  }

  /** ':' and '-' in attribute names become '_' (_normalize_dict); any id in the body is replaced. */
  async create(caller: AuthContext, body: unknown): Promise<Ref> {
    await this.deps.authorize(caller, 'identity:create_policy', policyDict({ body }));
    const requested = validateObject(policyCreate, policyMember(body));
    const normalized = Object.fromEntries(Object.entries(requested).map(([k, v]) => [k.replace(/[:-]/g, '_'), v]));
    const ref = { ...normalized, id: newId() };
    assertLinksAcceptSelf(ref);
    const row = policyRow(ref);
    await insertPolicy(this.deps.db, row);
    this.deps.events.emit('created', 'policy', row.id, caller);
    return policyRef(row);
  }

  async update(caller: AuthContext, id: string, body: unknown): Promise<Ref> {
    await this.deps.authorize(caller, 'identity:update_policy', policyDict({ params: { policy_id: id }, body }));
    const patch = validateObject(policyUpdate, policyMember(body));
    if (Object.hasOwn(patch, 'id') && patch.id !== id) throw new ValidationError('Cannot change policy ID');
    const row = await this.deps.transaction(async (tx) => {
      const merged = { ...policyRef(await loadPolicy(tx, id)), ...patch };
      assertLinksAcceptSelf(merged);
      const updated = { ...policyRow(merged), id };
      await updatePolicy(tx, updated);
      return updated;
    });
    this.deps.events.emit('updated', 'policy', id, caller);
    return policyRef(row);
  }

  async delete(caller: AuthContext, id: string): Promise<void> {
    await this.deps.authorize(caller, 'identity:delete_policy', policyDict({ params: { policy_id: id } }));
    await this.deps.transaction(async (tx) => {
      await loadPolicy(tx, id);
      await deletePolicy(tx, id);
    });
    this.deps.events.emit('deleted', 'policy', id, caller);
  }
}

export async function loadPolicy(db: Executor, id: string): Promise<PolicyRow> {
  const row = await getPolicy(db, id);
  if (!row) throw NotFound.of('policy', id);
  return row;
}

/** `request_body_json.get('policy', {})`: a missing member is an empty one (a null one stays null). */
function policyMember(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  return Object.hasOwn(body, 'policy') ? (body as Record<string, unknown>).policy : {};
}

function newId(): string {
  return randomUUID().replaceAll('-', '');
}
