// The rows a user create or update writes, in one transaction, as py-keystone's SQL driver writes them
// (identity/backends/sql.py create_user / update_user with the User model's setters). Duplicate names become
// py-keystone's 409, whose text names what the request body named.
import type { KeystoneConfig } from '../config/schema.js';
import type { Executor } from '../db/connection.js';
import { Conflict } from '../errors.js';
import { replacePassword } from './replace-password.js';
import { isExpiryExempt, mustChangeOnFirstUse, newPasswordExpiry, utcDay } from './security-compliance.js';
import {
  deleteFederatedRows,
  insertFederatedRows,
  insertLocalUserRow,
  insertUserRows,
  renameFederatedUser,
  renameLocalUser,
  resetFailedAuth,
  updateUserRow,
  writeUserOptions,
  type FederatedRow,
  type StoredUser,
} from './store.js';
import { USER_OPTIONS } from './user-options.js';

type Compliance = KeystoneConfig['security_compliance'];

const REGISTERED_OPTION_IDS = USER_OPTIONS.map((o) => o.id);

export interface UserCreateRows {
  id: string;
  name: string;
  domainId: string;
  enabled: boolean;
  defaultProjectId: string | null;
  extra: Record<string, unknown>;
  /** Absent: no password row at all; null: a row without a hash (py-keystone writes one for `"password": null`). */
  passwordHash?: string | null;
  options: ReadonlyMap<string, string | null>;
  federated: readonly Omit<FederatedRow, 'displayName'>[];
}

export async function writeNewUser(db: Executor, compliance: Compliance, row: UserCreateRows, now: Date): Promise<void> {
  const lastActiveAt = row.enabled && compliance.disable_user_account_days_inactive ? utcDay(now) : null;
  const localUserId = await insertUserRows(
    db,
    { id: row.id, domainId: row.domainId, enabled: row.enabled, extra: row.extra, defaultProjectId: row.defaultProjectId, createdAt: now, lastActiveAt },
    // The enabled setter zeroes the failure counter of an enabled user.
    { name: row.name, failedAuthCount: row.enabled ? 0 : null },
  );
  if (row.passwordHash !== undefined) {
    // py-keystone builds the user (and its password) before it stores the options, so a new user's
    // ignore_password_expiry and ignore_change_password_upon_first_use do not apply to its first password.
    const expiresAt = compliance.change_password_upon_first_use ? now : newPasswordExpiry(compliance, now, false);
    await replacePassword(db, localUserId, compliance, { hash: row.passwordHash, now, expiresAt, selfService: false });
  }
  await writeUserOptions(db, row.id, row.options, REGISTERED_OPTION_IDS);
  await insertFederatedRows(db, row.id, row.federated, row.name);
}

export interface UserUpdateRows {
  name: string | null;
  enabled: boolean | null;
  defaultProjectId: string | null;
  extra: Record<string, unknown>;
  optionChanges: ReadonlyMap<string, string | null>;
  /** The options once the changes are applied. */
  options: ReadonlyMap<string, string | null>;
  /** Absent: password unchanged. */
  passwordHash?: string | null;
  /** Present: the user's federated objects are replaced by these. */
  federated?: readonly Omit<FederatedRow, 'displayName'>[];
}

export async function writeUserUpdate(db: Executor, compliance: Compliance, old: StoredUser, next: UserUpdateRows, now: Date): Promise<void> {
  // Every update re-applies `enabled`; for an enabled user that resets lockout and, with inactivity tracking,
  // marks the user active today.
  await updateUserRow(db, old.id, {
    enabled: next.enabled,
    extra: next.extra,
    defaultProjectId: next.defaultProjectId,
    ...(next.enabled && compliance.disable_user_account_days_inactive && { lastActiveAt: utcDay(now) }),
  });
  let localUserId = old.local?.id ?? null;
  if (next.federated) await deleteFederatedRows(db, old.id);
  if (next.name !== null && next.name !== old.name) {
    if (old.federated.length > 0 && !next.federated) await renameFederatedUser(db, old.id, next.name);
    else if (localUserId !== null) await renameLocalUser(db, localUserId, next.name);
    else localUserId = await insertLocalUserRow(db, old.id, old.domainId, next.name);
  }
  if (next.enabled && localUserId !== null) await resetFailedAuth(db, localUserId);
  await writeUserOptions(db, old.id, next.optionChanges, REGISTERED_OPTION_IDS);
  if (next.passwordHash !== undefined) {
    localUserId ??= await insertLocalUserRow(db, old.id, old.domainId, next.name ?? old.name ?? '');
    const expiresAt = mustChangeOnFirstUse(compliance, next.options)
      ? now
      : newPasswordExpiry(compliance, now, isExpiryExempt(next.options));
    await replacePassword(db, localUserId, compliance, { hash: next.passwordHash, now, expiresAt, selfService: false });
  }
  if (next.federated) await insertFederatedRows(db, old.id, next.federated, next.name ?? old.name ?? '');
}

/** Runs a write, turning a unique-constraint violation into py-keystone's Conflict for `type`. */
export async function orConflict<T>(type: 'user' | 'group', named: Record<string, unknown>, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw Conflict.duplicate(type, duplicateDetails(named));
    throw err;
  }
}

/** sql.handle_conflicts: the body's name (else id) and, when the body has one, its domain id. */
function duplicateDetails(named: Record<string, unknown>): string {
  const [field, value] = 'name' in named ? ['name', named.name] : 'id' in named ? ['ID', named.id] : [undefined, undefined];
  const domainId = named.domain_id;
  if (value && domainId) return `Duplicate entry found with ${field} ${String(value)} at domain ID ${String(domainId)}`;
  if (value) return `Duplicate entry found with ${field} ${String(value)}`;
  return 'Duplicate entry';
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
