// User and group bodies as py-keystone renders them: free attributes from `extra` at the top level, then the
// model's columns, `options`, and `links.self`. Timestamps are naive UTC with microseconds, as jsonutils
// prints Python datetimes ("2030-01-02T03:04:05.000000").
import type { KeystoneConfig } from '../config/schema.js';
import { parseExtra, type FederatedRow, type StoredUser } from './store.js';
import type { GroupRow } from './group-store.js';
import { OPTION_IDS, optionIsTrue, optionsByName } from './user-options.js';

export function formatMicros(micros: number | null | undefined): string | null {
  if (micros === null || micros === undefined) return null;
  const ms = Math.floor(micros / 1000);
  const fraction = String(((micros % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${fraction}`;
}

export interface UserRenderOptions {
  /** PATCH answers also carry the raw `extra` object (py-keystone's to_dict(include_extra_dict=True)). */
  readonly extraDict?: boolean;
  /** GET, POST and PATCH of one user list its federated objects; lists do not. */
  readonly federated?: boolean;
  /** Federated objects to show instead of the stored ones (a create or update answers with what was sent). */
  readonly federatedOverride?: readonly unknown[];
}

/**
 * py-keystone's filter_user drops these from a rendered user: `password`, `tenants`, `groups` and `domains` at the
 * top level, `password` and `tenants` from the `extra` object.
 */
const HIDDEN_TOP = new Set(['password', 'tenants', 'groups', 'domains']);
const HIDDEN_EXTRA = new Set(['password', 'tenants']);

function without(extra: Record<string, unknown>, hidden: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(extra).filter(([k]) => !hidden.has(k)));
}

export function renderUser(
  u: StoredUser,
  base: string,
  config: Pick<KeystoneConfig, 'security_compliance'>,
  opts: UserRenderOptions = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...without(u.extra, HIDDEN_TOP),
    id: u.id,
    name: u.name,
    domain_id: u.domainId,
    enabled: effectiveEnabled(u, config, new Date()),
  };
  if (u.defaultProjectId !== null) body.default_project_id = u.defaultProjectId;
  body.password_expires_at = formatMicros(u.password?.expiresMicros);
  if (opts.extraDict) body.extra = without(u.extra, HIDDEN_EXTRA);
  body.options = optionsByName(u.options);
  if (opts.federatedOverride) body.federated = opts.federatedOverride;
  else if (opts.federated && u.federated.length > 0) body.federated = federatedObjects(u.federated);
  body.links = withSelf(u.extra.links, `${base}/v3/users/${u.id}`);
  return body;
}

/** A free attribute called `links` keeps its members; `self` is always ours (py-keystone's setdefault). */
function withSelf(existing: unknown, self: string): Record<string, unknown> {
  const links = existing && typeof existing === 'object' && !Array.isArray(existing) ? (existing as Record<string, unknown>) : {};
  return { ...links, self };
}

/**
 * py-keystone's User.enabled: an enabled user counts as disabled once inactive for
 * [security_compliance] disable_user_account_days_inactive days (since last_active_at, else since creation),
 * unless the ignore_user_inactivity option is set.
 */
export function effectiveEnabled(u: StoredUser, config: Pick<KeystoneConfig, 'security_compliance'>, now: Date): boolean | null {
  const maxDays = config.security_compliance.disable_user_account_days_inactive;
  if (!u.enabled || !maxDays) return u.enabled;
  const lastActive = u.lastActiveAt ?? u.createdAt?.toISOString().slice(0, 10);
  if (!lastActive) return u.enabled;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const daysInactive = Math.floor((today - Date.parse(`${lastActive}T00:00:00Z`)) / 86_400_000);
  if (daysInactive >= maxDays && !optionIsTrue(u.options, OPTION_IDS.ignoreUserInactivity)) return false;
  return u.enabled;
}

/** Federated rows grouped by identity provider, as py-keystone's federated_objects_to_list builds them. */
export function federatedObjects(rows: readonly FederatedRow[]): unknown[] {
  const byIdp = new Map<string, { idp_id: string; protocols: { protocol_id: string; unique_id: string }[] }>();
  for (const r of rows) {
    let entry = byIdp.get(r.idpId);
    if (!entry) {
      entry = { idp_id: r.idpId, protocols: [] };
      byIdp.set(r.idpId, entry);
    }
    entry.protocols.push({ protocol_id: r.protocolId, unique_id: r.uniqueId });
  }
  return [...byIdp.values()];
}

export function renderGroup(g: GroupRow, base: string, extra: { membershipExpiresAt?: string | null } = {}): Record<string, unknown> {
  const attributes = parseExtra(g.extra);
  return {
    ...attributes,
    id: g.id,
    name: g.name,
    domain_id: g.domainId,
    description: g.description,
    ...('membershipExpiresAt' in extra && { membership_expires_at: extra.membershipExpiresAt }),
    links: withSelf(attributes.links, `${base}/v3/groups/${g.id}`),
  };
}
