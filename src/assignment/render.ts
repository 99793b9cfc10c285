// Role bodies as py-keystone renders them: the `extra` attributes first, then id, name, domain_id (null for a global
// role), description and the resource options (RoleTable.to_dict), plus a self link. The same ref, without the
// link, is what py-keystone puts under `target.role` for policy.
import { NULL_DOMAIN_ID } from '../db/legacy/schema.js';
import { parseExtra } from '../identity/store.js';
import type { RoleRow } from './store.js';

/** Role resource options py-keystone registers (ROLE_OPTIONS_REGISTRY), by option id. */
export const ROLE_OPTION_NAMES: Readonly<Record<string, string>> = { IMMU: 'immutable' };
/** The same registry, by option name. */
export const ROLE_OPTION_IDS: Readonly<Record<string, string>> = { immutable: 'IMMU' };

export type OptionRows = readonly { optionId: string; optionValue: string | null }[];

export function roleRef(row: RoleRow, options: OptionRows): Record<string, unknown> {
  return {
    ...parseExtra(row.extra),
    id: row.id,
    name: row.name,
    domain_id: row.domainId === NULL_DOMAIN_ID ? null : row.domainId,
    description: row.description,
    options: roleOptions(options),
  };
}

/** Only registered options are shown; an option row py-keystone does not know is skipped, as it skips it. */
function roleOptions(rows: OptionRows): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const r of rows) {
    const name = ROLE_OPTION_NAMES[r.optionId];
    if (name) options[name] = parseJsonText(r.optionValue);
  }
  return options;
}

function parseJsonText(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function roleLink(base: string, roleId: string): string {
  return `${base}/v3/roles/${roleId}`;
}

export function withRoleLink(ref: Record<string, unknown>, base: string): Record<string, unknown> {
  return { ...ref, links: { self: roleLink(base, String(ref.id)) } };
}

/** `prior_role` / `implies` members of an implied-role response (py-keystone's build_*_role_response_data). */
export function inferenceMember(base: string, role: { id: string; name: string }) {
  return { id: role.id, links: { self: roleLink(base, role.id) }, name: role.name };
}
