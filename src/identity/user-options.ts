// User resource options as py-keystone registers them (identity/backends/resource_options.py): each has a
// four-character id, the key of its `user_option` row, whose value column holds the option's JSON text.
// Clients see and send them by name under the user's `options`.

export const USER_OPTIONS = [
  { id: '1000', name: 'ignore_change_password_upon_first_use' },
  { id: '1001', name: 'ignore_password_expiry' },
  { id: '1002', name: 'ignore_lockout_failure_attempts' },
  { id: '1003', name: 'lock_password' },
  { id: '1004', name: 'ignore_user_inactivity' },
  { id: 'MFAR', name: 'multi_factor_auth_rules' },
  { id: 'MFAE', name: 'multi_factor_auth_enabled' },
] as const;

export type UserOptionName = (typeof USER_OPTIONS)[number]['name'];

export const OPTION_IDS = {
  ignoreChangePasswordUponFirstUse: '1000',
  ignorePasswordExpiry: '1001',
  ignoreLockoutFailureAttempts: '1002',
  lockPassword: '1003',
  ignoreUserInactivity: '1004',
} as const;

const NAME_BY_ID: ReadonlyMap<string, string> = new Map(USER_OPTIONS.map((o) => [o.id, o.name]));
const ID_BY_NAME: ReadonlyMap<string, string> = new Map(USER_OPTIONS.map((o) => [o.name, o.id]));

/** Stored rows (option id -> JSON text) as the `options` object; rows of unregistered ids are not shown. */
export function optionsByName(rows: ReadonlyMap<string, string | null>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [id, text] of rows) {
    const name = NAME_BY_ID.get(id);
    if (name) options[name] = parseOptionValue(text);
  }
  return options;
}

/**
 * The row changes an `options` object asks for: a value is written as its JSON text, null removes the row
 * (py-keystone's resource_options_ref_to_mapper). Unregistered names never reach here: the schema refuses them.
 */
export function optionChanges(options: Record<string, unknown>): Map<string, string | null> {
  const changes = new Map<string, string | null>();
  for (const [name, value] of Object.entries(options)) {
    const id = ID_BY_NAME.get(name);
    if (id) changes.set(id, value === null || value === undefined ? null : JSON.stringify(value));
  }
  return changes;
}

/** True when a boolean option is stored as true (py-keystone tests `option_value is True`). */
export function optionIsTrue(rows: ReadonlyMap<string, string | null>, id: string): boolean {
  return parseOptionValue(rows.get(id) ?? null) === true;
}

function parseOptionValue(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
