// POST /v3/OS-TRUST/trusts, step for step as py-keystone Zed takes it (api/trusts.py post, trust/core.py
// create_trust): policy on the body's trust (only its trustor may create it), then the JSON schema, the
// delegated-token refusal, the trustee, the roles (by id or unique name, each held by the trustor on the project,
// implied roles counting), the expiry, and the redelegation rules when the caller holds a trust-scoped token.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { parseExpirationDate } from '../application-credential/expiry.js';
import { listRoleRows } from '../assignment/store.js';
import { Conflict, Forbidden, NotFound, ValidationError } from '../errors.js';
import { getUser } from '../identity/store.js';
import { pyStr } from '../python/values.js';
import { bodyMember } from '../resource/body.js';
import { getProjectRow } from '../resource/store.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { validateTrustCreate } from './body-schema.js';
import { refuseDelegatedToken } from './delegated-token.js';
import { trustPedigree } from './lookup.js';
import { validateRedelegation } from './redelegation.js';
import { loadRoleRefs, trustMember } from './render.js';
import { TRUST_RESOURCE_TYPE, type TrustDeps, type TrustService } from './service.js';
import { insertTrust, type NewTrust } from './store.js';
import { trustorRoleIds } from './trustor-roles.js';

/** TrustModel's columns: any other key of the body is kept in `extra` (and shown back), as py-keystone does. */
const COLUMNS = new Set([
  'id',
  'trustor_user_id',
  'trustee_user_id',
  'project_id',
  'impersonation',
  'expires_at',
  'remaining_uses',
  'deleted_at',
  'redelegated_trust_id',
  'redelegation_count',
]);

export async function createTrust(
  deps: TrustDeps,
  trusts: TrustService,
  caller: AuthContext,
  body: unknown,
  base: string,
): Promise<Record<string, unknown>> {
  const requested = bodyMember(body, 'trust');
  await deps.authorize(caller, 'identity:create_trust', policyDict({ target: { trust: requested }, body }));
  const trust = validateTrustCreate(requested);
  refuseDelegatedToken(caller);

  const projectId = (trust.project_id as string | null | undefined) ?? null;
  const requestedRoles = (trust.roles ?? []) as { id?: string; name?: string }[];
  if (projectId && requestedRoles.length === 0) throw Forbidden.action('At least one role should be specified');
  const trustorId = trust.trustor_user_id as string;
  if (caller.userId !== trustorId) throw Forbidden.action('The authenticated user should match the trustor');
  const trusteeId = trust.trustee_user_id as string;
  if (!(await getUser(deps.db, trusteeId))) throw NotFound.of('user', trusteeId);

  const roleIds: string[] = [];
  for (const role of requestedRoles) roleIds.push(role.id ?? (await uniqueRoleIdByName(deps, role.name!)));
  // Not a column the schema checks, yet py-keystone reads it from the body (see requireTrustorRoles) and stores it.
  const namedParentId = typeof trust.redelegated_trust_id === 'string' && trust.redelegated_trust_id ? trust.redelegated_trust_id : null;
  await requireTrustorRoles(deps, trusts, { trustorUserId: trustorId, projectId, redelegatedTrustId: namedParentId }, roleIds);

  const now = new Date();
  let expiresAt = typeof trust.expires_at === 'string' ? parseExpirationDate(trust.expires_at, now) : null;
  const id = randomUUID().replaceAll('-', '');
  // Redelegation: a trust-scoped caller creates the next link of its trust's chain.
  const parent = caller.trustId ? await trusts.lookup(deps.db, caller.trustId) : undefined;

  const max = deps.config.trust.max_redelegation_count;
  const remainingUses = (trust.remaining_uses as number | null | undefined) ?? null;
  const impersonation = trust.impersonation as boolean;
  let requestedCount = (trust.redelegation_count as number | null | undefined) ?? null;
  // undefined: the body did not name a count (a `null` it names is kept, as py-keystone's setdefault keeps it).
  let count: number | null | undefined = 'redelegation_count' in trust ? requestedCount : undefined;
  const redelegatable = Boolean(trust.allow_redelegation) && requestedCount !== 0;
  if (!redelegatable) {
    count = requestedCount = 0;
  } else {
    if (requestedCount && requestedCount > max) throw new Forbidden();
    if (remainingUses !== null) throw new ValidationError('remaining_uses must not be set if redelegation is allowed');
  }
  if (parent) {
    const remainingCount = (parent.redelegationCount ?? 0) - 1;
    if (redelegatable && requestedCount && requestedCount !== remainingCount) throw new Forbidden();
    if (count === undefined) count = remainingCount;
    for (const link of await trustPedigree(deps.db, parent.id, now)) {
      expiresAt = validateRedelegation(link, { remainingUses, expiresAt, roleIds, impersonation }, max);
    }
  }
  if (count === undefined) count = max;

  const record: NewTrust = {
    id,
    trustorUserId: trustorId,
    trusteeUserId: trusteeId,
    projectId,
    impersonation,
    expiresAt,
    remainingUses,
    redelegatedTrustId: parent?.id ?? namedParentId,
    redelegationCount: count,
    extra: extraOf(trust, roleIds),
    roleIds,
  };
  try {
    await deps.transaction((tx) => insertTrust(tx, record));
  } catch (err) {
    if (isUniqueViolation(err)) throw Conflict.duplicate('trust', duplicateDetails({ ...trust, id }));
    throw err;
  }
  deps.events.emit('created', TRUST_RESOURCE_TYPE, id, caller);
  return trustMember({ ...record, deletedAt: null }, await loadRoleRefs(deps.db, roleIds, base), base);
}

/** role_api.get_unique_role_by_name: one role of that exact name, in any domain. */
async function uniqueRoleIdByName(deps: TrustDeps, name: string): Promise<string> {
  const found = await listRoleRows(deps.db, { equals: [{ column: 'name', value: name }], ilike: [] });
  if (found.length === 0) throw new NotFound(`Role ${name} is not defined`);
  if (found.length > 1) {
    throw new ValidationError(`There are multiple role entities named '${name}'. Please use ID instead of names to resolve the ambiguity.`);
  }
  return found[0]!.id;
}

/**
 * _require_trustor_has_role_in_project: the project must exist, and the trustor must hold every role on it
 * (404 naming the first role that is missing). py-keystone takes the trustor and project from the original
 * trust of the chain the *body's* `redelegated_trust_id` names (each link looked up as get_trust does), not from
 * the caller's trust: a redelegation that does not name its parent is checked against the redelegating trustee's
 * own roles. A trust without a project can delegate no role at all.
 */
async function requireTrustorRoles(
  deps: TrustDeps,
  trusts: TrustService,
  trust: { trustorUserId: string; projectId: string | null; redelegatedTrustId: string | null },
  roleIds: readonly string[],
) {
  let held = new Set<string>();
  if (trust.projectId) {
    const project = await getProjectRow(deps.db, trust.projectId);
    if (!project) throw NotFound.of('project', trust.projectId);
    let original = trust;
    while (original.redelegatedTrustId) original = await trusts.lookup(deps.db, original.redelegatedTrustId);
    // An original trust without a project: py-keystone would list the trustor's grants everywhere; none count here.
    const originalProject = original.projectId === project.id ? project : original.projectId && (await getProjectRow(deps.db, original.projectId));
    if (originalProject) held = await trustorRoleIds(deps.db, original.trustorUserId, originalProject);
  }
  const missing = roleIds.find((id) => !held.has(id));
  if (missing !== undefined) throw NotFound.of('role', missing);
}

/** TrustModel.from_dict: the body's non-column keys in body order, `roles` (as [{id}]) in place or appended. */
function extraOf(trust: Record<string, unknown>, roleIds: readonly string[]): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(trust)) {
    if (!COLUMNS.has(key) && key !== 'allow_redelegation') extra[key] = value;
  }
  extra.roles = roleIds.map((id) => ({ id }));
  return extra;
}

/** sql.handle_conflicts: the trust's name (an extra key, if the body had one) else its new id, and a domain id. */
function duplicateDetails(trust: Record<string, unknown>): string {
  const [field, value] = 'name' in trust ? ['name', trust.name] : ['ID', trust.id];
  const domainId = trust.domain_id;
  if (value && domainId) return `Duplicate entry found with ${field} ${pyStr(value)} at domain ID ${pyStr(domainId)}`;
  if (value) return `Duplicate entry found with ${field} ${pyStr(value)}`;
  return 'Duplicate entry';
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
