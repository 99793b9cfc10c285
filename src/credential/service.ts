// /v3/credentials: py-keystone's api/credentials.py and credential manager rules. Policy runs first with the
// targets py-keystone builds (the stored credential, or the request's member on create); delegated tokens (trusts,
// application credentials, EC2 and other non-primary methods) may not touch credentials (Debian's LP#2159643);
// an ec2 credential's id is the sha256 of its access key; lists keep only what the caller may also `get`.
import { createHash, randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { isDelegatedMethod } from '../application-credential/delegation.js';
import { filterValues, isUniqueViolation } from '../application-credential/service.js';
import { Conflict, Forbidden, NotFound, ValidationError } from '../errors.js';
import type { RouteContext } from '../server/app.js';
import { applyHints, buildHints, type Filter } from '../server/v3/hints.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { EC2 } from './blob.js';
import type { CredentialCipher } from './crypto.js';
import { credentialBody, credentialDict } from './render.js';
import { validateCreate, validateUpdate } from './schemas.js';
import {
  deleteCredential,
  getCredential,
  insertCredential,
  listCredentials,
  listCredentialsForUser,
  updateCredentialBlob,
  type CredentialCondition,
  type CredentialRecord,
} from './store.js';

export type CredentialDeps = Pick<RouteContext, 'db' | 'transaction' | 'events' | 'authorize' | 'config'>;

type Ref = Record<string, unknown>;

const LIST_FILTERS = ['user_id', 'type'];
/** Column lengths: a filter value longer than its column cannot match (py-keystone's _WontMatch). */
const COLUMN_LENGTH: Record<string, number> = { user_id: 64, type: 255 };
/** The model's columns; any other member of a create body is kept in `extra` (and `extra` itself is dropped). */
const COLUMNS = new Set(['id', 'user_id', 'project_id', 'encrypted_blob', 'type', 'key_hash', 'extra', 'blob']);
/** Members of an ec2 blob that tie it to a delegation or an access key id, which an update may not change. */
const FIXED_EC2_MEMBERS = ['trust_id', 'app_cred_id', 'access_token_id', 'access_id'];

export class CredentialService {
  constructor(
    private readonly deps: CredentialDeps,
    private readonly cipher: CredentialCipher,
  ) {}

  async list(caller: AuthContext, query: Ref, body: unknown, base: string): Promise<Ref[]> {
    // Outside system scope policy sees the caller as the owner; the per-credential check below does the sorting.
    const target = caller.scope.kind === 'system' ? undefined : { credential: { user_id: caller.userId } };
    await this.deps.authorize(caller, 'identity:list_credentials', policyDict({ target, filters: filterValues(query, LIST_FILTERS), body }));
    const hints = buildHints(query, LIST_FILTERS);
    const inSql = (f: Filter) => f.comparator === 'equals' || !f.caseSensitive;
    if (hints.some((f) => inSql(f) && [...f.value].length > COLUMN_LENGTH[f.name]!)) return [];
    const conditions: CredentialCondition[] = hints.filter(inSql).map((f) => ({
      column: f.name as CredentialCondition['column'],
      value: f.comparator === 'equals' ? f.value : likePattern(f),
      like: f.comparator !== 'equals',
    }));
    const visible: Ref[] = [];
    for (const credential of await listCredentials(this.deps.db, this.cipher, conditions)) {
      try {
        await this.deps.authorize(caller, 'identity:get_credential', policyDict({ target: { credential: credentialDict(credential) } }));
        requirePrimaryAuth(caller);
      } catch (err) {
        if (err instanceof Forbidden) continue;
        throw err;
      }
      visible.push(credentialBody(credential, base));
    }
    return applyHints(visible, hints.filter((f) => !inSql(f)));
  }

  async get(caller: AuthContext, id: string, body: unknown, base: string): Promise<Ref> {
    const credential = await this.authorizeMember(caller, 'identity:get_credential', id, body);
    requirePrimaryAuth(caller);
    return credentialBody(credential, base);
  }

  async create(caller: AuthContext, body: unknown, base: string): Promise<Ref> {
    const member = bodyMember(body, 'credential');
    await this.deps.authorize(caller, 'identity:create_credential', policyDict({ target: { credential: member }, body }));
    const input = validateCreate(member);
    requirePrimaryAuth(caller);
    const ref = normalizeDict(input);
    if (ref !== input) {
      // py-keystone checks policy on the member as sent and then stores it with '-' and ':' in names read as '_',
      // so {"user_id": me, "user-id": you} passed as mine and was stored as yours. keystone-ts checks both.
      await this.deps.authorize(caller, 'identity:create_credential', policyDict({ target: { credential: ref }, body }));
    }
    const type = ref.type as string;
    const id = type.toLowerCase() === EC2 ? ec2CredentialId(ref.blob as string) : randomUUID().replaceAll('-', '');
    const userId = ref.user_id as string;
    const extra: Ref = {};
    for (const [key, value] of Object.entries(ref)) if (!COLUMNS.has(key)) extra[key] = value;
    const created = await this.deps
      .transaction(async (tx) => {
        const limit = this.deps.config.credential.user_limit;
        if (limit >= 0 && (await listCredentialsForUser(tx, this.cipher, userId)).length >= limit) throw new CredentialLimitExceeded(limit);
        return insertCredential(tx, this.cipher, {
          id,
          userId,
          projectId: typeof ref.project_id === 'string' ? ref.project_id : null,
          type,
          blob: ref.blob,
          extra,
        });
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err)) throw Conflict.duplicate('credential', duplicateDetails(ref, id));
        throw err;
      });
    this.deps.events.emit('created', 'credential', id, caller);
    return credentialBody(created, base, ref.blob);
  }

  async update(caller: AuthContext, id: string, body: unknown, base: string): Promise<Ref> {
    await this.authorizeMember(caller, 'identity:update_credential', id, body, { mustExist: false });
    const { blob } = validateUpdate(bodyMember(body, 'credential'));
    const current = await getCredential(this.deps.db, this.cipher, id);
    if (!current) throw credentialNotFound(id);
    requirePrimaryAuth(caller);
    if (current.type.toLowerCase() === EC2) assertFixedEc2Members(current.blob, blob);
    // The owner and scope cannot change through this body, but policy is asked again about the merged credential.
    await this.deps.authorize(
      caller,
      'identity:update_credential',
      policyDict({ params: { credential_id: id }, target: { credential: { ...credentialDict(current), blob } }, body }),
    );
    // py-keystone encrypts the new text as given, whatever the type; an ec2 blob then reads back as an object.
    const updated = await updateCredentialBlob(this.deps.db, this.cipher, id, blob);
    if (!updated) throw credentialNotFound(id);
    return credentialBody(updated, base, blob);
  }

  async delete(caller: AuthContext, id: string, body: unknown): Promise<void> {
    await this.authorizeMember(caller, 'identity:delete_credential', id, body);
    requirePrimaryAuth(caller);
    if ((await deleteCredential(this.deps.db, id)) === 0) throw credentialNotFound(id);
    this.deps.events.emit('deleted', 'credential', id, caller);
  }

  /**
   * _build_target_enforcement: policy sees the stored credential as target.credential, or no target when there is
   * none (so only an admin gets on to the 404). With `mustExist`, a missing credential is then that 404.
   */
  private async authorizeMember(caller: AuthContext, rule: string, id: string, body: unknown, options: { mustExist: false }): Promise<CredentialRecord | undefined>;
  private async authorizeMember(caller: AuthContext, rule: string, id: string, body: unknown): Promise<CredentialRecord>;
  private async authorizeMember(
    caller: AuthContext,
    rule: string,
    id: string,
    body: unknown,
    options: { mustExist: boolean } = { mustExist: true },
  ): Promise<CredentialRecord | undefined> {
    const credential = await getCredential(this.deps.db, this.cipher, id);
    await this.deps.authorize(
      caller,
      rule,
      policyDict({ params: { credential_id: id }, target: credential ? { credential: credentialDict(credential) } : {}, body }),
    );
    if (!credential && options.mustExist) throw credentialNotFound(id);
    return credential;
  }
}

/** py-keystone's CredentialLimitExceeded, a 403 whose text is shown. */
class CredentialLimitExceeded extends Forbidden {
  constructor(limit: number) {
    super(`Unable to create additional credentials, maximum of ${limit} already exceeded for user.`);
  }
}

/**
 * _require_primary_auth: a trust-scoped token, or one from any non-primary method (an application credential,
 * EC2, OAuth1 or OAuth2 credential, or no method at all), may not use /v3/credentials. py-keystone's
 * allow_insecure_admin_trust_cross_project_credentials_access escape for ec2 is not offered.
 */
function requirePrimaryAuth(caller: AuthContext): void {
  if (caller.trustId || isDelegatedMethod(caller.methods)) throw Forbidden.action('Delegated tokens cannot access credentials directly');
}

function credentialNotFound(id: string): NotFound {
  return NotFound.of('credential', id);
}

function bodyMember(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && key in body ? (body as Ref)[key] : {};
}

/** ResourceBase._normalize_dict: ':' and '-' in member names become '_' (a later member wins a clash). */
function normalizeDict(input: Ref): Ref {
  if (!Object.keys(input).some((k) => /[:-]/.test(k))) return input;
  const out: Ref = {};
  for (const [key, value] of Object.entries(input)) out[key.replace(/[:-]/g, '_')] = value;
  return out;
}

/** The ec2 blob as _validate_blob_json reads it: a JSON object with an `access` member. */
function ec2Blob(text: string): Ref {
  let blob: unknown;
  try {
    blob = pyJsonLoads(text);
  } catch {
    throw new ValidationError('Invalid blob in credential');
  }
  if (blob === null || typeof blob !== 'object' || Array.isArray(blob) || Object.keys(blob).length === 0) {
    throw ValidationError.missing('blob', 'credential');
  }
  if ((blob as Ref).access === undefined || (blob as Ref).access === null) throw ValidationError.missing('access', 'credential');
  return blob as Ref;
}

/** hashlib.sha256(access).hexdigest(). A non-text access key breaks py-keystone (a 500); here it is a 400. */
function ec2CredentialId(blobText: string): string {
  const access = ec2Blob(blobText).access;
  if (typeof access !== 'string') throw new ValidationError('Invalid blob in credential');
  return createHash('sha256').update(access, 'utf8').digest('hex');
}

/** _validate_blob_update_keys: the new ec2 blob must be valid and keep the members tied to its origin. */
function assertFixedEc2Members(current: unknown, newText: string): void {
  const next = ec2Blob(newText);
  const old = (typeof current === 'string' ? pyJsonLoads(current) : current) as Ref;
  for (const key of FIXED_EC2_MEMBERS) {
    if (!sameJson(old?.[key] ?? null, next[key] ?? null)) throw new ValidationError(`${key} can not be updated for credential`);
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** json.loads also reads the bare constants NaN, Infinity and -Infinity. */
function pyJsonLoads(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (/^\s*-?(NaN|Infinity)\s*$/.test(text)) return Number.NaN;
    throw err;
  }
}

/** handle_conflicts' detail: the member `name` if there is one, else the id; with a `domain_id`, that too. */
function duplicateDetails(ref: Ref, id: string): string {
  const [field, value] = 'name' in ref ? ['name', ref.name] : ['ID', id];
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return 'domain_id' in ref && ref.domain_id ? `Duplicate entry found with ${field} ${shown} at domain ID ${ref.domain_id}` : `Duplicate entry found with ${field} ${shown}`;
}

function likePattern(f: Filter): string {
  if (f.comparator === 'contains') return `%${f.value}%`;
  if (f.comparator === 'startswith') return `${f.value}%`;
  return `%${f.value}`;
}
