// The [security_compliance] rules py-keystone applies to users' passwords and logins: the password regex, lockout
// after failed attempts, the minimum age before a self-service change, and the expiry given to a new password.
import type { KeystoneConfig } from '../config/schema.js';
import { ValidationError } from '../errors.js';
import type { StoredUser } from './store.js';
import { OPTION_IDS, optionIsTrue } from './user-options.js';

type Compliance = KeystoneConfig['security_compliance'];

const DAY_MS = 86_400_000;

/** py-keystone's PasswordValidationError family: 400s with their own wording. */
export function passwordValidationError(detail: string): ValidationError {
  return new ValidationError(`Password validation error: ${detail}.`);
}

/**
 * validators.validate_password: with password_regex set, the password must be a string matching it at its start
 * (Python's re.match); the error quotes password_regex_description.
 */
export function checkPasswordRegex(compliance: Compliance, password: unknown): void {
  const pattern = compliance.password_regex;
  if (!pattern) return;
  if (typeof password !== 'string') throw passwordValidationError('Password must be a string type');
  let regex: RegExp;
  try {
    // Python's named groups (?P<name>...) are JavaScript's (?<name>...).
    regex = new RegExp(`^(?:${pattern.replace(/\(\?P</g, '(?<')})`);
  } catch {
    throw passwordValidationError('Unable to validate password due to invalid configuration');
  }
  if (!regex.test(password)) {
    throw new ValidationError(`The password does not match the requirements: ${compliance.password_regex_description ?? 'None'}.`);
  }
}

export type LockoutState = 'locked' | 'open' | 'expired';

/**
 * Whether failed attempts lock the account: at lockout_failure_attempts failures, for lockout_duration seconds
 * after the last one (0: until an admin re-enables the user). 'expired' means the lock has run out and the
 * counter must be reset. Users with ignore_lockout_failure_attempts never lock.
 */
export function lockoutState(compliance: Compliance, user: StoredUser, now: Date): LockoutState {
  if (optionIsTrue(user.options, OPTION_IDS.ignoreLockoutFailureAttempts)) return 'open';
  const max = compliance.lockout_failure_attempts;
  const attempts = user.local?.failedAuthCount ?? 0;
  if (!max || attempts < max) return 'open';
  const duration = compliance.lockout_duration;
  if (!duration) return 'locked';
  const last = user.local?.failedAuthAt;
  if (last && last.getTime() + duration * 1000 > now.getTime()) return 'locked';
  return 'expired';
}

/** minimum_password_age: a self-service password must be kept that many days before it may be changed again. */
export function checkMinimumAge(compliance: Compliance, createdMicros: number, now: Date): void {
  const days = compliance.minimum_password_age;
  const until = createdMicros / 1000 + days * DAY_MS;
  if (now.getTime() < until) {
    const daysLeft = Math.floor((until - now.getTime()) / DAY_MS);
    throw new ValidationError(
      'You cannot change your password at this time due to the minimum password age. Once you change your ' +
        `password, it must be used for ${days} day(s) before it can be changed. Please try again in ${daysLeft} ` +
        'day(s) or contact your administrator to reset your password.',
    );
  }
}

/** password_expires_days after `now`, to the second, unless the user is exempt (ignore_password_expiry). */
export function newPasswordExpiry(compliance: Compliance, now: Date, exempt: boolean): Date | null {
  const days = compliance.password_expires_days;
  if (exempt || !days) return null;
  return new Date(Math.floor((now.getTime() + days * DAY_MS) / 1000) * 1000);
}

/** change_password_upon_first_use: a password an administrator sets expires at once, unless the user is exempt. */
export function mustChangeOnFirstUse(compliance: Compliance, options: ReadonlyMap<string, string | null>): boolean {
  return compliance.change_password_upon_first_use && !optionIsTrue(options, OPTION_IDS.ignoreChangePasswordUponFirstUse);
}

export function isExpiryExempt(options: ReadonlyMap<string, string | null>): boolean {
  return optionIsTrue(options, OPTION_IDS.ignorePasswordExpiry);
}

/** Today (UTC) as 'YYYY-MM-DD', for last_active_at. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}
