// The `application_credential` method: a credential by id, or by name for a user, whose secret matches its hash
// and which has not expired. The token it yields is scoped to the credential's project (see auth/authenticate.ts).
import { findApplicationCredentialByName, getApplicationCredential } from '../../application-credential/store.js';
import { NotFound, Unauthorized, ValidationError } from '../../errors.js';
import { checkPassword } from '../../identity/password-hash.js';
import { lookupUser } from '../lookups.js';
import type { AuthMethod } from './types.js';

export const applicationCredentialMethod: AuthMethod = async (request, deps) => {
  const data = request.identity.application_credential ?? {};
  let credential;
  if (data.id) {
    credential = await getApplicationCredential(deps.db, data.id);
    // py-keystone looks the credential up before anything else and lets its 404 through.
    if (!credential) throw new NotFound(`Could not find Application Credential: ${data.id}.`);
    await lookupUser(deps.db, { id: credential.userId });
  } else if (data.name) {
    const user = await lookupUser(deps.db, data.user);
    credential = await findApplicationCredentialByName(deps.db, user.id, data.name);
    if (!credential) throw new Unauthorized(`Could not find application credential: ${data.name}`);
  } else {
    throw ValidationError.missing('name or ID', 'application credential');
  }
  // Secrets are checked like passwords, length rule included (py-keystone's check_password).
  const ok =
    data.secret !== undefined &&
    (await checkPassword(data.secret, credential.secretHash, deps.config.identity, {
      strictPasswordCheck: deps.config.DEFAULT.strict_password_check,
    }));
  if (!ok || (credential.expiresAt && credential.expiresAt <= new Date())) {
    throw new Unauthorized('Invalid application credential ID or secret');
  }
  return { userId: credential.userId, applicationCredential: credential };
};
