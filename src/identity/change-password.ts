// POST /v3/users/{user_id}/password: a user changes their own password, without a token, by proving the
// original one. Steps and answers follow py-keystone's identity change_password: authenticate (lockout,
// password, enabled; an expired password is fine), the password regex, lock_password, minimum age, history,
// then the new password (self-service), a notification and a revocation of the user's tokens.
import { Unauthorized, ValidationError } from '../errors.js';
import type { IdentityDeps } from './deps.js';
import { checkPassword, hashPassword } from './password-hash.js';
import { effectiveEnabled } from './render.js';
import { replacePassword } from './replace-password.js';
import { revokeUserTokens } from './revocation.js';
import { checkMinimumAge, checkPasswordRegex, isExpiryExempt, lockoutState, newPasswordExpiry, utcDay } from './security-compliance.js';
import { getStoredUser, listPasswords, recordFailedAuth, resetFailedAuth, setLastActiveAt, type StoredUser } from './store.js';
import { OPTION_IDS, optionIsTrue } from './user-options.js';

export async function changePassword(deps: IdentityDeps, userId: string, original: string, next: string): Promise<void> {
  const now = new Date();
  const user = await authenticate(deps, userId, original, now);
  const { config } = deps;
  const compliance = config.security_compliance;
  checkPasswordRegex(compliance, next);
  const lengthRule = { strictPasswordCheck: config.DEFAULT.strict_password_check };
  const localUserId = user.local!.id;
  if (optionIsTrue(user.options, OPTION_IDS.lockPassword)) {
    throw new ValidationError(
      'You cannot change your password at this time due to password policy disallowing password changes. ' +
        'Please contact your administrator to reset your password.',
    );
  }
  if (user.password?.selfService) checkMinimumAge(compliance, user.password.createdMicros, now);
  const count = compliance.unique_last_password_count;
  if (count > 0) {
    for (const old of (await listPasswords(deps.db, localUserId)).slice(-count)) {
      if (await checkPassword(next, old.hash, config.identity, lengthRule)) {
        throw new ValidationError(
          'The new password cannot be identical to a previous password. The total number which includes the ' +
            `new password must be unique is ${count}.`,
        );
      }
    }
  }
  const hash = await hashPassword(next, config.identity, lengthRule);
  await deps.transaction(async (tx) => {
    const expiresAt = newPasswordExpiry(compliance, now, isExpiryExempt(user.options));
    await replacePassword(tx, localUserId, compliance, { hash, now, expiresAt, selfService: true });
    await revokeUserTokens(tx, userId, now);
  });
  deps.events.emit('updated', 'user', userId);
  deps.tokens.invalidateCache();
}

/**
 * py-keystone's identity authenticate for the original password. Its failures are 401s: a wrong password or an
 * unknown user with the fixed text, a locked or disabled account naming the user. Failed attempts count towards
 * lockout, a success clears the count.
 */
async function authenticate(deps: IdentityDeps, userId: string, original: string, now: Date): Promise<StoredUser> {
  const { config, db } = deps;
  const user = await getStoredUser(db, userId);
  if (!user?.local) throw new Unauthorized(`Could not find local user ${userId}`);
  const lockout = lockoutState(config.security_compliance, user, now);
  if (lockout === 'locked') throw Unauthorized.shown(`The account is locked for user: ${userId}.`);
  if (lockout === 'expired') await resetFailedAuth(db, user.local.id);
  const ok = await checkPassword(original, user.password?.hash, config.identity, {
    strictPasswordCheck: config.DEFAULT.strict_password_check,
  });
  if (!ok) {
    await recordFailedAuth(db, user.local.id, now);
    throw new Unauthorized('Error when changing user password: Invalid user / password');
  }
  if (!effectiveEnabled(user, config, now)) throw Unauthorized.shown(`The account is disabled for user: ${userId}.`);
  if (user.local.failedAuthCount) await resetFailedAuth(db, user.local.id);
  if (config.security_compliance.disable_user_account_days_inactive) await setLastActiveAt(db, userId, utcDay(now));
  return user;
}
