// The `password` method: the user by id or by name in a domain, enabled, not locked out, and the password
// matching the current hash. Failed attempts are counted on local_user as py-keystone counts them, so lockout
// works the same whichever implementation saw the attempts.
import { eq, sql } from 'drizzle-orm';
import { localUser } from '../../db/legacy/schema.js';
import { Unauthorized } from '../../errors.js';
import { checkPassword } from '../../identity/password-hash.js';
import type { UserRecord } from '../../identity/store.js';
import { lookupUser } from '../lookups.js';
import type { AuthMethod, MethodDeps } from './types.js';

// py-keystone's user resource option ids (identity/backends/resource_options.py).
const IGNORE_PASSWORD_EXPIRY_OPTION = '1001';
const IGNORE_LOCKOUT_OPTION = '1002';

export const passwordMethod: AuthMethod = async (request, deps) => {
  const data = request.identity.password;
  const user = await lookupUser(deps.db, data?.user);
  const { config } = deps;
  if (isLockedOut(user, deps)) throw Unauthorized.shown(`The account is locked for user: ${user.id}.`);
  const ok = await checkPassword(data?.user?.password ?? '', user.passwordHash, config.identity, {
    strictPasswordCheck: config.DEFAULT.strict_password_check,
  });
  if (!ok) {
    await recordFailure(user, deps);
    throw new Unauthorized('Invalid username or password');
  }
  if (user.passwordExpiresAt && user.passwordExpiresAt <= new Date() && user.options[IGNORE_PASSWORD_EXPIRY_OPTION] !== 'true') {
    throw Unauthorized.shown(`The password is expired and needs to be changed for user: ${user.id}.`);
  }
  if (user.failedAuthCount && user.localUserId !== null) {
    await deps.db.update(localUser).set({ failedAuthCount: 0, failedAuthAt: null }).where(eq(localUser.id, user.localUserId));
  }
  return { userId: user.id };
};

function isLockedOut(user: UserRecord, deps: MethodDeps): boolean {
  const { lockout_failure_attempts: max, lockout_duration: duration } = deps.config.security_compliance;
  if (!max || (user.failedAuthCount ?? 0) < max) return false;
  if (user.options[IGNORE_LOCKOUT_OPTION] === 'true') return false;
  if (!duration || !user.failedAuthAt) return true;
  return user.failedAuthAt.getTime() + duration * 1000 > Date.now();
}

async function recordFailure(user: UserRecord, deps: MethodDeps): Promise<void> {
  if (user.localUserId === null) return;
  await deps.db
    .update(localUser)
    .set({ failedAuthCount: sql`coalesce(${localUser.failedAuthCount}, 0) + 1`, failedAuthAt: new Date() })
    .where(eq(localUser.id, user.localUserId));
}
