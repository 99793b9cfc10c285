// POST /v3/ec2tokens and /v3/s3tokens after policy: py-keystone's EC2_S3_Resource.handle_authenticate. Find the
// credential by the hash of the access key, check the request's signature with its secret, check that its user
// and project (and their domains) are enabled and the request's timestamp is within [credential] auth_ttl
// minutes, work out the roles (a trust's, an application credential's, or the user's on the project), and issue
// a project-scoped token with the method "ec2credential".
import { getApplicationCredential } from '../application-credential/store.js';
import { rolesOnProject } from '../assignment/effective-roles.js';
import { getRole } from '../assignment/store.js';
import { NotFound, NotImplemented, Unauthorized, ValidationError } from '../errors.js';
import { parseIsoTimestamp } from '../identity/iso8601.js';
import { getUser } from '../identity/store.js';
import { pyTruthy } from '../python/values.js';
import { getDomainRow, getProjectRow } from '../resource/store.js';
import type { RouteContext } from '../server/app.js';
import type { IssueRequest, TokenProvider, ValidToken } from '../token/provider.js';
import { getTrust } from '../trust/lookup.js';
import { checkEc2Signature, checkS3Signature } from './check-signature.js';
import type { CredentialCipher } from '../credential/crypto.js';
import { getCredential } from '../credential/store.js';
import { blobObject, credentialIdOf, EC2 } from './credential-store.js';
import { isObject, pyContains, required, text, type Json, type JsonObject } from './python-values.js';
import { ROOT_DOMAIN_ID } from '../db/legacy/schema.js';

export type ExchangeDeps = Pick<RouteContext, 'db' | 'config'> & { readonly tokens: TokenProvider; readonly cipher: CredentialCipher };

export type SignatureKind = 'ec2' | 's3';

/** Default of py-keystone's [credential] auth_ttl (minutes) when the configuration does not say. */
const DEFAULT_AUTH_TTL_MINUTES = 15;

export async function exchangeForToken(kind: SignatureKind, body: unknown, deps: ExchangeDeps): Promise<{ tokenId: string; token: ValidToken }> {
  // Only an empty body (or none) gets here as something falsy: fastify turned away bodies that are no object.
  if (!pyTruthy(body)) throw new ValidationError('request must include a request body');
  const credentials = credentialsOf(body as JsonObject);
  if (!pyContains(credentials, 'access')) throw new Unauthorized('EC2 Signature not supplied');
  const access = text(required(credentials, 'access', 'credentials'), 'credentials.access');
  const id = credentialIdOf(access);
  const stored = await getCredential(deps.db, deps.cipher, id);
  if (!stored) throw NotFound.of('credential', id);
  if (stored.type !== EC2) throw new Unauthorized('EC2 access key not found.');
  const blob = blobObject(stored);
  const fields = credentials as JsonObject;

  if (kind === 'ec2') {
    if (typeof blob.secret !== 'string') throw new Unauthorized('the EC2 credential has no secret to check a signature with');
    checkEc2Signature(blob.secret, fields);
  } else {
    checkS3Signature(blob.secret ?? null, fields);
  }

  const project = stored.projectId ? await getProjectRow(deps.db, stored.projectId) : undefined;
  if (!project || project.id === ROOT_DOMAIN_ID) throw NotFound.of('project', stored.projectId ?? 'None');
  const user = await getUser(deps.db, stored.userId);
  if (!user) throw NotFound.of('user', stored.userId);
  // assert_user_enabled and assert_project_enabled, domains included; any failure is a bare 401.
  if (!(await domainEnabled(deps, user.domainId)) || !user.enabled) throw new Unauthorized(`User is disabled: ${user.id}`);
  if (project.domainId && !(await domainEnabled(deps, project.domainId))) throw new Unauthorized(`Domain is disabled: ${project.domainId}`);
  if (!project.enabled) throw new Unauthorized(`Project is disabled: ${project.id}`);
  checkTimestamp(fields, deps);

  const issue: IssueRequest = {
    userId: user.id,
    methods: ['ec2credential'],
    scope: { kind: 'project', projectId: project.id, projectDomainId: project.domainId },
  };
  let request: IssueRequest;
  let roleIds: readonly string[];
  const trustId = pyTruthy(blob.trust_id) ? String(blob.trust_id) : undefined;
  const appCredId = pyTruthy(blob.app_cred_id) ? String(blob.app_cred_id) : undefined;
  if (trustId) {
    const trust = await getTrust(deps.db, trustId, { now: new Date(), maxRedelegationCount: deps.config.trust.max_redelegation_count });
    roleIds = trust.roleIds;
    // With impersonation the token is the trustor's, but it must be asked for as the trustee.
    request = { ...issue, trustId, ...(trust.impersonation && { userId: trust.trusteeUserId }) };
  } else if (appCredId) {
    const appCred = await getApplicationCredential(deps.db, appCredId);
    if (!appCred) throw new NotFound(`Could not find Application Credential: ${appCredId}.`);
    if (appCred.projectId !== project.id) throw new Unauthorized('EC2 credential project does not match the application credential project.');
    roleIds = appCred.roleIds;
    request = { ...issue, applicationCredentialId: appCredId, ...(appCred.expiresAt && { notAfter: appCred.expiresAt }) };
  } else if (pyTruthy(blob.access_token_id)) {
    throw new NotImplemented('EC2 credentials of OAuth1 access tokens are not supported by keystone-ts.');
  } else {
    roleIds = (await rolesOnProject(deps.db, user.id, project)).map((r) => r.id);
    request = issue;
  }
  if (roleIds.length === 0) throw new Unauthorized('User not valid for project.');
  for (const roleId of roleIds) if (!(await getRole(deps.db, roleId))) throw NotFound.of('role', roleId);
  return deps.tokens.issue(request);
}

/** py-keystone reads `credentials`, else `credential`, else `ec2Credentials`: the first that is truthy. */
function credentialsOf(body: JsonObject): Json {
  for (const key of ['credentials', 'credential', 'ec2Credentials']) {
    if (pyTruthy(body[key])) return body[key]!;
  }
  return {};
}

async function domainEnabled(deps: ExchangeDeps, domainId: string): Promise<boolean> {
  const domain = await getDomainRow(deps.db, domainId);
  if (!domain) throw NotFound.of('domain', domainId);
  return domain.enabled === true;
}

/**
 * _check_timestamp: the signed Timestamp (signature v1/v2) or X-Amz-Date (v4, header or parameter) must be
 * ISO 8601 and no more than auth_ttl minutes old; a request that signs no timestamp is not checked.
 */
function checkTimestamp(credentials: JsonObject, deps: ExchangeDeps): void {
  const params = member(credentials, 'params');
  const headers = member(credentials, 'headers');
  const candidates = [member(params, 'Timestamp'), member(headers, 'X-Amz-Date'), member(params, 'X-Amz-Date')];
  const timestamp = candidates.find(pyTruthy);
  if (timestamp === undefined) return;
  const micros = typeof timestamp === 'string' ? parseIsoTimestamp(timestamp) : undefined;
  if (micros === undefined) throw new Unauthorized('Credential timestamp is invalid');
  const ttl = (deps.config.credential as { auth_ttl?: number }).auth_ttl ?? DEFAULT_AUTH_TTL_MINUTES;
  if (Date.now() > micros / 1000 + ttl * 60_000) throw new Unauthorized('Credential is expired');
}

/** `container.get(key, {})`, where a container that is no dict has no `get`. */
function member(container: Json | undefined, key: string): Json | undefined {
  if (container === undefined) return undefined;
  if (!isObject(container)) throw new ValidationError(`Invalid EC2 credentials: ${key} is read from something that is not an object.`);
  return container[key];
}
