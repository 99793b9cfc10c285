// /v3/users/{user_id}/application_credentials: the policy rule and target of each call exactly as py-keystone's
// api/users.py builds them, Debian's delegation guards, and the application credential manager's rules (roles a
// subset of the caller's token, held on the token's project; secrets generated or given and hashed like
// passwords; access rules reused by id or by content, else created for the user).
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import type { Executor } from '../db/connection.js';
import { Conflict, Forbidden, NotFound, ValidationError } from '../errors.js';
import { hashPassword } from '../identity/password-hash.js';
import { pyRepr } from '../python/values.js';
import type { RouteContext } from '../server/app.js';
import { applyHints, buildHints, type Filter } from '../server/v3/hints.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { refuseDelegatedToken, refuseRestrictedCredential } from './delegation.js';
import { parseExpirationDate } from './expiry.js';
import { failureText, firstFailure } from './json-schema.js';
import { applicationCredentialBody } from './render.js';
import { assertUserHoldsRoles, invalidCredential, renderRoleLists, requestedRoleIds } from './roles.js';
import { applicationCredentialCreate, type AccessRuleInput, type ApplicationCredentialInput } from './schemas.js';
import {
  deleteApplicationCredential,
  findAccessRuleByExternalId,
  findAccessRuleOfUser,
  getApplicationCredential,
  insertAccessRule,
  insertApplicationCredential,
  linkAccessRule,
  listApplicationCredentials,
  toAccessRuleRecord,
  type AccessRuleRecord,
  type ApplicationCredentialRecord,
} from './store.js';

export type ApplicationCredentialDeps = Pick<RouteContext, 'db' | 'transaction' | 'events' | 'tokens' | 'authorize' | 'config'>;

type Query = Record<string, unknown>;
type Ref = Record<string, unknown>;

const LIST_FILTERS = ['name'];

/**
 * Members a create body may carry: the schema's, and the other columns of py-keystone's model, which it accepts
 * and then sets itself (id, user_id, project_id, secret_hash, internal_id) or stores (system). Any other member
 * fails when py-keystone builds its model row from the body.
 */
const MODEL_MEMBERS = new Set([
  'name',
  'description',
  'secret',
  'expires_at',
  'roles',
  'unrestricted',
  'access_rules',
  'id',
  'user_id',
  'project_id',
  'secret_hash',
  'internal_id',
  'system',
]);

/** The exact filters present in the query, as py-keystone hands them to policy under `filter_attr`. */
export function filterValues(query: Query, supported: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of supported) {
    const raw = query[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string') values[name] = value;
  }
  return values;
}

export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

const newId = (): string => randomUUID().replaceAll('-', '');

/** py-keystone's _generate_secret: 64 random bytes, URL-safe base64 without padding (86 characters). */
const newSecret = (): string => randomBytes(64).toString('base64url');

export class ApplicationCredentialService {
  constructor(private readonly deps: ApplicationCredentialDeps) {}

  async list(caller: AuthContext, userId: string, query: Query, body: unknown, base: string): Promise<Ref[]> {
    await this.deps.authorize(
      caller,
      'identity:list_application_credentials',
      policyDict({ params: { user_id: userId }, filters: filterValues(query, LIST_FILTERS), body }),
    );
    refuseDelegatedToken(caller);
    const hints = buildHints(query, LIST_FILTERS);
    // The driver applies equality and the case-insensitive LIKEs in SQL (a value's own % and _ act as wildcards
    // there); case-sensitive contains/startswith/endswith are left for the API layer to match literally.
    const inSql = (f: Filter) => f.comparator === 'equals' || !f.caseSensitive;
    // A value longer than the column cannot match (py-keystone fails with a 500 here; an empty list is the answer
    // its _WontMatch meant to give).
    if (hints.some((f) => inSql(f) && [...f.value].length > 255)) return [];
    const credentials = await listApplicationCredentials(this.deps.db, userId, {
      equals: hints.filter((f) => f.comparator === 'equals').map((f) => f.value),
      ilike: hints.filter((f) => f.comparator !== 'equals' && !f.caseSensitive).map(likePattern),
    });
    const refs = await this.render(credentials, base);
    return applyHints(refs, hints.filter((f) => !inSql(f)));
  }

  async get(caller: AuthContext, pathUserId: string, id: string, body: unknown, base: string): Promise<Ref> {
    const credential = await this.authorizeMember(caller, 'identity:get_application_credential', pathUserId, id, body);
    refuseDelegatedToken(caller);
    if (!credential) throw credentialNotFound(id);
    return (await this.render([credential], base))[0]!;
  }

  async delete(caller: AuthContext, pathUserId: string, id: string, body: unknown): Promise<void> {
    await this.authorizeMember(caller, 'identity:delete_application_credential', pathUserId, id, body);
    refuseDelegatedToken(caller);
    await refuseRestrictedCredential(this.deps.db, caller);
    const deleted = await this.deps.transaction((tx) => deleteApplicationCredential(tx, id));
    if (deleted === 0) throw credentialNotFound(id);
    this.deps.events.emit('deleted', 'application_credential', id, caller);
    // Tokens of the credential stop validating once it is gone (the token model looks it up), here at once.
    this.deps.tokens.invalidateCache();
  }

  async create(caller: AuthContext, userId: string, body: unknown, base: string): Promise<Ref> {
    await this.deps.authorize(caller, 'identity:create_application_credential', policyDict({ params: { user_id: userId }, body }));
    const input = validateCreate(bodyMember(body, 'application_credential'));
    refuseDelegatedToken(caller);
    await refuseRestrictedCredential(this.deps.db, caller);
    if (caller.userId !== userId) throw Forbidden.action('Cannot create an application credential for another user.');
    const projectId = caller.scope.kind === 'project' ? caller.scope.projectId : null;
    const secret = input.secret || newSecret();
    const roleIds = await requestedRoleIds(this.deps.db, input.roles, caller);
    // py-keystone parses only a truthy expires_at; an empty string then breaks its insert, here it is malformed.
    const expiresAt =
      input.expires_at === undefined || input.expires_at === null ? null : parseExpirationDate(input.expires_at, new Date());
    await assertUserHoldsRoles(this.deps.db, userId, projectId, roleIds);
    const secretHash = await hashPassword(secret, this.deps.config.identity, {
      strictPasswordCheck: this.deps.config.DEFAULT.strict_password_check,
    });
    assertModelMembers(input);
    const row = {
      id: newId(),
      name: input.name,
      secretHash,
      description: input.description ?? null,
      userId,
      projectId,
      system: systemMember(input.system),
      expiresAt,
      unrestricted: input.unrestricted ?? null,
    };
    const credential = await this.deps
      .transaction(async (tx) => {
        const internalId = await insertApplicationCredential(tx, row, roleIds);
        const accessRules: AccessRuleRecord[] = [];
        for (const rule of input.access_rules ?? []) {
          const { rowId, record } = await accessRuleFor(tx, userId, rule);
          await linkAccessRule(tx, internalId, rowId);
          accessRules.push(record);
        }
        const stored = (await getApplicationCredential(tx, row.id))!;
        // The answer lists roles and rules in the order the request gave them, as py-keystone's does.
        return { ...stored, roleIds, accessRules: accessRules.length > 0 ? accessRules : null };
      })
      .catch((err: unknown) => {
        // The name is unique per user; a role or access rule named twice collides too. py-keystone reports
        // every such collision by the credential's name.
        if (isUniqueViolation(err)) throw Conflict.duplicate('application_credential', `Duplicate entry found with name ${input.name}`);
        throw err;
      });
    this.deps.events.emit('created', 'application_credential', row.id, caller);
    const [roles] = await renderRoleLists(this.deps.db, [roleIds]);
    return applicationCredentialBody(credential, roles!, base, secret);
  }

  /**
   * py-keystone's _update_request_user_id_attribute: when the credential exists, policy sees its owner as the
   * `user_id` (whatever the path says) and `{user_id: owner}` as the target, so naming oneself in the path does
   * not pass `rule:owner` for another user's credential. A missing credential is a 404 only after policy.
   */
  private async authorizeMember(
    caller: AuthContext,
    rule: string,
    pathUserId: string,
    id: string,
    body: unknown,
  ): Promise<ApplicationCredentialRecord | undefined> {
    const credential = await getApplicationCredential(this.deps.db, id);
    const userId = credential?.userId ?? pathUserId;
    await this.deps.authorize(
      caller,
      rule,
      policyDict({
        params: { user_id: userId, application_credential_id: id },
        target: credential ? { user_id: credential.userId } : undefined,
        body,
      }),
    );
    return credential;
  }

  private async render(credentials: readonly ApplicationCredentialRecord[], base: string): Promise<Ref[]> {
    const roles = await renderRoleLists(this.deps.db, credentials.map((c) => c.roleIds));
    return credentials.map((c, i) => applicationCredentialBody(c, roles[i]!, base));
  }
}

function credentialNotFound(id: string): NotFound {
  return new NotFound(`Could not find Application Credential: ${id}.`);
}

function likePattern(f: Filter): string {
  if (f.comparator === 'contains') return `%${f.value}%`;
  if (f.comparator === 'startswith') return `${f.value}%`;
  return `%${f.value}`;
}

/** The member of a JSON body py-keystone reads with `body.get(key, {})`. */
function bodyMember(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && key in body ? (body as Ref)[key] : {};
}

function validateCreate(member: unknown): ApplicationCredentialInput {
  const failure = firstFailure(applicationCredentialCreate, member);
  if (failure) throw new ValidationError(failureText(failure));
  return member as ApplicationCredentialInput;
}

/**
 * py-keystone builds its model row from the body with ':' and '-' in member names turned into '_'; a member that
 * is no column then fails the request. (A member that only becomes a column's name that way is ignored here.)
 */
function assertModelMembers(input: ApplicationCredentialInput): void {
  for (const key of Object.keys(input)) {
    const normalized = key.replace(/[:-]/g, '_');
    if (!MODEL_MEMBERS.has(normalized)) {
      throw new ValidationError(`${pyRepr(normalized)} is an invalid keyword argument for ApplicationCredentialModel`);
    }
  }
}

/** `system` is no schema member but a column py-keystone stores as given; it holds at most 64 characters. */
function systemMember(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ValidationError(`Invalid input for field 'system': ${pyRepr(value)} is not of type 'string', 'null'`);
  if ([...value].length > 64) throw new ValidationError(`Invalid input for field 'system': ${pyRepr(value)} is too long`);
  return value;
}

/**
 * The access rule a credential links to: the rule with the given id (whoever owns it, as py-keystone looks it
 * up), else the user's rule for the same service, path and method, else a new rule of the user's (with the given
 * id, or a new one).
 */
async function accessRuleFor(tx: Executor, userId: string, rule: AccessRuleInput): Promise<{ rowId: number; record: AccessRuleRecord }> {
  const byId = rule.id === undefined ? undefined : await findAccessRuleByExternalId(tx, rule.id);
  if (byId) return { rowId: byId.id, record: toAccessRuleRecord(byId) };
  const { service, path, method } = rule;
  // py-keystone fails with a 500 when a rule it has to create lacks one of these.
  if (service === undefined || path === undefined || method === undefined) {
    if (rule.id !== undefined) throw invalidCredential(`Could not find Access Rule: ${rule.id}.`);
    throw ValidationError.missing(service === undefined ? 'service' : path === undefined ? 'path' : 'method', 'access_rule');
  }
  const same = await findAccessRuleOfUser(tx, { userId, service, path, method });
  if (same) return { rowId: same.id, record: toAccessRuleRecord(same) };
  const id = rule.id ?? newId();
  const rowId = await insertAccessRule(tx, { externalId: id, userId, service, path, method });
  return { rowId, record: { id, service, path, method } };
}
