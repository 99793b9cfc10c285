// /v3/users/{user_id}/credentials/OS-EC2: py-keystone's UserOSEC2Credentials resources. Policy first, with the
// targets py-keystone builds (for create `{credential: {user_id: <path user>}}`; for show and delete the stored
// credential, looked up by the hash of the access key before policy, so an unknown key is a 404 for anyone);
// then Debian's guard against delegated tokens (LP#2159643); then the user, project and type checks.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { ROOT_DOMAIN_ID } from '../db/legacy/schema.js';
import { Forbidden, NotFound, Unauthorized, ValidationError } from '../errors.js';
import { getUser } from '../identity/store.js';
import { pyStr } from '../python/values.js';
import { getProjectRow } from '../resource/store.js';
import type { RouteContext } from '../server/app.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { isDelegatedMethod } from '../application-credential/delegation.js';
import type { CredentialCipher } from '../credential/crypto.js';
import { deleteCredential, getCredential, insertCredential, listCredentialsForUser, type CredentialRecord } from '../credential/store.js';
import { blobObject, credentialIdOf, EC2 } from './credential-store.js';
import { isObject } from './python-values.js';

export type Ec2Deps = Pick<RouteContext, 'db' | 'transaction' | 'events' | 'authorize' | 'config'> & { readonly cipher: CredentialCipher };

/** The EC2 view of a credential row (_convert_v3_to_ec2_credential) with its self link. */
export interface Ec2CredentialBody {
  user_id: string;
  tenant_id: string | null;
  access: unknown;
  secret: unknown;
  trust_id: unknown;
  links: { self: string };
}

export function ec2CredentialBody(stored: CredentialRecord, base: string): Ec2CredentialBody {
  const blob = blobObject(stored);
  return {
    user_id: stored.userId,
    tenant_id: stored.projectId,
    access: blob.access ?? null,
    secret: blob.secret ?? null,
    trust_id: blob.trust_id ?? null,
    links: { self: `${base}/v3/users/${stored.userId}/credentials/OS-EC2/${pyStr(blob.access ?? null)}` },
  };
}

/** _require_primary_auth_for_ec2: no trust-scoped token, and no token from a delegated method, may use these routes. */
function refuseDelegatedToken(caller: AuthContext): void {
  if (caller.trustId || isDelegatedMethod(caller.methods)) {
    throw Forbidden.action('Delegated tokens cannot access credentials directly');
  }
}

const newHex = (): string => randomUUID().replaceAll('-', '');

export class Ec2CredentialService {
  constructor(private readonly deps: Ec2Deps) {}

  async list(caller: AuthContext, userId: string, body: unknown, base: string): Promise<Ec2CredentialBody[]> {
    await this.deps.authorize(caller, 'identity:ec2_list_credentials', policyDict({ params: { user_id: userId }, body }));
    refuseDelegatedToken(caller);
    await this.requireUser(userId);
    const stored = await listCredentialsForUser(this.deps.db, this.deps.cipher, userId, EC2);
    return stored.map((s) => ec2CredentialBody(s, base));
  }

  async create(caller: AuthContext, userId: string, body: unknown, base: string): Promise<Ec2CredentialBody> {
    await this.deps.authorize(
      caller,
      'identity:ec2_create_credential',
      policyDict({ params: { user_id: userId }, target: { credential: { user_id: userId } }, body }),
    );
    await this.requireUser(userId);
    const tenantId = isObject(body) ? body.tenant_id : undefined;
    const projectId = await this.requireProject(tenantId);
    refuseDelegatedToken(caller);
    const access = newHex();
    const secret = newHex();
    const id = credentialIdOf(access);
    // jsonutils.dumps of py-keystone's blob dict, key order and spacing included (trust-scoped tokens are refused
    // above, so trust_id is always null).
    const blob = `{"access": "${access}", "secret": "${secret}", "trust_id": null}`;
    const limit = this.deps.config.credential.user_limit;
    const stored = await this.deps.transaction(async (tx) => {
      if (limit >= 0 && (await listCredentialsForUser(tx, this.deps.cipher, userId)).length >= limit) {
        throw new Forbidden(`Unable to create additional credentials, maximum of ${limit} already exceeded for user.`);
      }
      return insertCredential(tx, this.deps.cipher, { id, userId, projectId, type: EC2, blob });
    });
    this.deps.events.emit('created', 'credential', id, caller);
    return ec2CredentialBody(stored, base);
  }

  async get(caller: AuthContext, userId: string, access: string, body: unknown, base: string): Promise<Ec2CredentialBody> {
    const stored = await this.authorizeMember(caller, 'identity:ec2_get_credential', userId, access, body);
    refuseDelegatedToken(caller);
    return ec2CredentialBody(stored, base);
  }

  async delete(caller: AuthContext, userId: string, access: string, body: unknown): Promise<void> {
    const stored = await this.authorizeMember(caller, 'identity:ec2_delete_credential', userId, access, body);
    refuseDelegatedToken(caller);
    if ((await deleteCredential(this.deps.db, stored.id)) === 0) throw NotFound.of('credential', stored.id);
    this.deps.events.emit('deleted', 'credential', stored.id, caller);
  }

  /**
   * _build_enforcer_target_data_owner_and_user_id_match, then the user in the path must exist and the credential
   * must be an EC2 one. The path's user need not own the credential: policy judges by the stored owner.
   */
  private async authorizeMember(caller: AuthContext, rule: string, userId: string, access: string, body: unknown): Promise<CredentialRecord> {
    const id = credentialIdOf(access);
    const stored = await getCredential(this.deps.db, this.deps.cipher, id);
    if (!stored) throw NotFound.of('credential', id);
    const target = { credential: { id: stored.id, user_id: stored.userId, project_id: stored.projectId, type: stored.type } };
    await this.deps.authorize(caller, rule, policyDict({ params: { user_id: userId, credential_id: access }, target, body }));
    await this.requireUser(userId);
    if (stored.type !== EC2) throw new Unauthorized('EC2 access key not found.');
    return stored;
  }

  private async requireUser(userId: string): Promise<void> {
    if (!(await getUser(this.deps.db, userId))) throw NotFound.of('user', userId);
  }

  /** resource_api.get_project(body.get('tenant_id')): a missing tenant_id looks up project "None". */
  private async requireProject(tenantId: unknown): Promise<string> {
    if (tenantId !== undefined && tenantId !== null && typeof tenantId !== 'string') {
      throw new ValidationError(`Invalid input for field 'tenant_id': ${pyStr(tenantId)} is not a string.`);
    }
    const project = typeof tenantId === 'string' ? await getProjectRow(this.deps.db, tenantId) : undefined;
    // A domain's id finds its project row too; only the hidden root of all domains is not found.
    if (!project || project.id === ROOT_DOMAIN_ID) throw NotFound.of('project', tenantId ?? 'None');
    return project.id;
  }
}
