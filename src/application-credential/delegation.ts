// Which tokens may manage application credentials, as Debian's patched py-keystone decides (api/users.py,
// LP#2153453 and LP#2159643): a trust-scoped token, or one from any method that is not a primary sign-in (OAuth1,
// EC2, OAuth2 credentials, an unknown method, or none at all), may not list, read, create or delete credentials or
// access rules, since a credential made from it would outlive the delegation. A token from an application
// credential is judged separately: it may read, but only an `unrestricted` credential may create or delete.
import type { AuthContext } from '../auth/context.js';
import type { Executor } from '../db/connection.js';
import { Forbidden } from '../errors.js';
import { getApplicationCredential } from './store.js';

/**
 * py-keystone's built-in primary methods (keystone/api/_shared/delegation.py). Its
 * `[auth] additional_primary_auth_methods` option is not read by keystone-ts, so this is the whole list.
 */
const PRIMARY_AUTH_METHODS: ReadonlySet<string> = new Set([
  'external',
  'kerberos',
  'mapped',
  'openid',
  'password',
  'saml2',
  'token',
  'totp',
  'x509',
]);

const APPLICATION_CREDENTIAL = 'application_credential';

export function isDelegatedMethod(methods: readonly string[]): boolean {
  return methods.length === 0 || methods.some((m) => !PRIMARY_AUTH_METHODS.has(m));
}

/** _block_delegated_token_app_creds: a plain 403 (not "...requested action: ..."). */
export function refuseDelegatedToken(caller: AuthContext): void {
  if (caller.methods.includes(APPLICATION_CREDENTIAL)) return;
  if (caller.trustId || isDelegatedMethod(caller.methods)) {
    throw new Forbidden('Cannot manage application credentials with a token issued via delegation.');
  }
}

/** _check_unrestricted_application_credential, for creating and deleting credentials. */
export async function refuseRestrictedCredential(db: Executor, caller: AuthContext): Promise<void> {
  if (!caller.methods.includes(APPLICATION_CREDENTIAL)) return;
  const credential = caller.applicationCredentialId ? await getApplicationCredential(db, caller.applicationCredentialId) : undefined;
  if (credential?.unrestricted) return;
  throw Forbidden.action(
    "Using method 'application_credential' is not allowed for managing additional application credentials.",
  );
}
