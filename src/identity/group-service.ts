// The /v3/groups operations, group membership, and GET /v3/users/{user_id}/groups: for each, the policy rule
// and target as py-keystone's api/groups.py and api/users.py build them, then identity/core.py's rules.
// Deleting a group that holds role assignments, and removing a user from a group, revoke the users' tokens.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { NotFound, ValidationError } from '../errors.js';
import { getDomainRow } from '../resource/store.js';
import { listLimit } from '../server/v3/collection.js';
import { applyHints, buildHints, queryBoolean } from '../server/v3/hints.js';
import { bodyMember, enforce, scopedDomainId, type IdentityDeps } from './deps.js';
import { parseExpiryFilter } from './expiry-filter.js';
import {
  addMember,
  deleteGroupRows,
  getGroupRow,
  groupHasAssignments,
  insertGroupRow,
  isPermanentMember,
  listExpiringMemberships,
  listGroupRows,
  listMemberIds,
  removeMember,
  updateGroupRow,
  type GroupRow,
} from './group-store.js';
import { filterValues, splitHints, truncate } from './list-hints.js';
import { formatMicros, renderGroup, renderUser } from './render.js';
import { validateRequest } from './request-schema.js';
import { revokeUserTokens } from './revocation.js';
import { groupCreateSchema, groupUpdateSchema } from './schemas.js';
import type { Listed } from './service.js';
import { getStoredUser, loadStoredUsers, parseExtra } from './store.js';
import { listUserIds } from './user-list-store.js';
import { orConflict } from './user-writes.js';

type Query = Record<string, unknown>;
type Ref = Record<string, unknown>;

export const GROUP_FILTERS = ['domain_id', 'name'];
export const USER_GROUP_FILTERS = ['name'];
export const GROUP_USER_FILTERS = ['domain_id', 'enabled', 'name', 'password_expires_at'];
const GROUP_ATTRIBUTES = new Set(['id', 'name', 'domain_id', 'description', 'extra']);

export class GroupService {
  constructor(private readonly deps: IdentityDeps) {}

  /** The group as policy sees it (`target.group`), without links. */
  private groupTarget(row: GroupRow, base: string): Record<string, unknown> {
    const { links: _links, ...group } = renderGroup(row, base);
    return group;
  }

  async get(caller: AuthContext, groupId: string, base: string, body?: unknown): Promise<Record<string, unknown>> {
    const row = await getGroupRow(this.deps.db, groupId);
    await enforce(this.deps, caller, 'identity:get_group', {
      params: { group_id: groupId },
      target: row ? { group: this.groupTarget(row, base) } : {},
      body,
    });
    if (!row) throw NotFound.of('group', groupId);
    return renderGroup(row, base);
  }

  async list(caller: AuthContext, query: Query, base: string, body?: unknown): Promise<Listed> {
    const domainId = scopedDomainId(caller);
    await enforce(this.deps, caller, 'identity:list_groups', {
      target: domainId ? { group: { domain_id: domainId } } : undefined,
      filters: filterValues(query, GROUP_FILTERS),
      body,
    });
    const split = splitHints(buildHints(query, GROUP_FILTERS), GROUP_FILTERS);
    const rows = await listGroupRows(this.deps.db, {
      domainIds: split.exact.get('domain_id') ?? [],
      names: split.exact.get('name') ?? [],
      likes: split.likes as { column: 'name' | 'domain_id'; pattern: string }[],
    });
    const refs = applyHints(rows.map((r) => renderGroup(r, base)), split.rendered);
    const limited = truncate(refs, listLimit(this.deps.config, 'identity'));
    // Groups of other domains are dropped after the limit, as py-keystone does for a domain-scoped caller.
    return { refs: domainId ? limited.refs.filter((r) => r.domain_id === domainId) : limited.refs, truncated: limited.truncated };
  }

  async create(caller: AuthContext, body: unknown, base: string): Promise<Record<string, unknown>> {
    const raw = bodyMember(body, 'group');
    await enforce(this.deps, caller, 'identity:create_group', { target: { group: raw }, body });
    const ref: Ref = Object.fromEntries(
      Object.entries(validateRequest(groupCreateSchema, raw)).map(([k, v]) => [k.replace(/[:-]/g, '_'), v]),
    );
    if (!ref.domain_id) ref.domain_id = scopedDomainId(caller) ?? this.deps.config.identity.default_domain_id;
    const domainId = String(ref.domain_id);
    if (!(await getDomainRow(this.deps.db, domainId))) throw NotFound.of('domain', domainId);
    const id = randomUUID().replace(/-/g, '');
    const name = String(ref.name).trim();
    const row: GroupRow = {
      id,
      domainId,
      name,
      description: 'description' in ref ? ((ref.description as string | null) ?? null) : '',
      extra: JSON.stringify(groupExtras(ref)),
    };
    await orConflict('group', { ...ref, name }, () => insertGroupRow(this.deps.db, row));
    this.deps.events.emit('created', 'group', id, caller);
    return renderGroup(row, base);
  }

  async update(caller: AuthContext, groupId: string, body: unknown, base: string): Promise<Record<string, unknown>> {
    const existing = await getGroupRow(this.deps.db, groupId);
    await enforce(this.deps, caller, 'identity:update_group', {
      params: { group_id: groupId },
      target: existing ? { group: this.groupTarget(existing, base) } : {},
      body,
    });
    const ref: Ref = { ...validateRequest(groupUpdateSchema, bodyMember(body, 'group')) };
    if (ref.id !== undefined && ref.id !== null && ref.id !== groupId) throw new ValidationError('Cannot change ID');
    const old = await getGroupRow(this.deps.db, groupId);
    if (!old) throw NotFound.of('group', groupId);
    if ('domain_id' in ref && ref.domain_id !== old.domainId) throw new ValidationError('Cannot change Domain ID');
    if (typeof ref.name === 'string') ref.name = ref.name.trim();
    const next = {
      name: 'name' in ref ? String(ref.name) : old.name,
      description: 'description' in ref ? ((ref.description as string | null) ?? null) : old.description,
      extra: { ...parseExtra(old.extra), ...groupExtras(ref) },
    };
    await orConflict('group', ref, () => updateGroupRow(this.deps.db, groupId, next));
    this.deps.events.emit('updated', 'group', groupId, caller);
    return renderGroup((await getGroupRow(this.deps.db, groupId))!, base);
  }

  async delete(caller: AuthContext, groupId: string, base: string, body?: unknown): Promise<void> {
    // No explicit target here: py-keystone's enforcer loads the group itself, and 404s before enforcing.
    const row = await getGroupRow(this.deps.db, groupId);
    if (!row) throw NotFound.of('group', groupId);
    await enforce(this.deps, caller, 'identity:delete_group', {
      params: { group_id: groupId },
      target: { group: this.groupTarget(row, base) },
      body,
    });
    const now = new Date();
    const members = await this.deps.transaction(async (tx) => {
      const memberIds = await listMemberIds(tx, groupId);
      // Members keep their tokens unless the group gave them roles.
      const revoke = await groupHasAssignments(tx, groupId);
      await deleteGroupRows(tx, groupId);
      if (revoke) for (const userId of memberIds) await revokeUserTokens(tx, userId, now);
      return revoke ? memberIds : [];
    });
    this.deps.events.emit('deleted', 'group', groupId, caller);
    if (members.length > 0) this.deps.tokens.invalidateCache();
  }

  /** GET /v3/groups/{group_id}/users. */
  async listUsers(caller: AuthContext, groupId: string, query: Query, base: string, body?: unknown): Promise<Listed> {
    const row = await getGroupRow(this.deps.db, groupId);
    await enforce(this.deps, caller, 'identity:list_users_in_group', {
      params: { group_id: groupId },
      target: row ? { group: this.groupTarget(row, base) } : undefined,
      filters: filterValues(query, GROUP_USER_FILTERS),
      body,
    });
    const filters = buildHints(query, GROUP_USER_FILTERS);
    const expiry = filters.filter((f) => f.name === 'password_expires_at').map((f) => parseExpiryFilter(f.value));
    if (!row) throw NotFound.of('group', groupId);
    const split = splitHints(
      filters.filter((f) => f.name !== 'password_expires_at'),
      ['domain_id', 'enabled', 'name'],
    );
    const ids = await listUserIds(this.deps.db, {
      groupId,
      domainIds: split.exact.get('domain_id') ?? [],
      enabled: (split.exact.get('enabled') ?? []).map(queryBoolean),
      names: split.exact.get('name') ?? [],
      likes: split.likes.filter((l): l is { column: 'name' | 'domain_id'; pattern: string } => l.column !== 'enabled'),
      expiry,
    });
    const users = await loadStoredUsers(this.deps.db, ids);
    const refs = applyHints(users.map((u) => renderUser(u, base, this.deps.config)), split.rendered);
    const limited = truncate(refs, listLimit(this.deps.config, 'identity'));
    const domainId = scopedDomainId(caller);
    return { refs: domainId ? limited.refs.filter((r) => r.domain_id === domainId) : limited.refs, truncated: limited.truncated };
  }

  /** GET /v3/users/{user_id}/groups: permanent memberships, then unexpired federated ones. */
  async listForUser(caller: AuthContext, userId: string, query: Query, base: string, body?: unknown): Promise<Listed> {
    const user = await getStoredUser(this.deps.db, userId);
    await enforce(this.deps, caller, 'identity:list_groups_for_user', {
      params: { user_id: userId },
      target: user ? { user: withoutLinks(renderUser(user, base, this.deps.config, { federated: true })) } : {},
      filters: filterValues(query, USER_GROUP_FILTERS),
      body,
    });
    if (!user) throw NotFound.of('user', userId);
    const split = splitHints(buildHints(query, USER_GROUP_FILTERS), USER_GROUP_FILTERS);
    const limit = listLimit(this.deps.config, 'identity');
    const permanent = truncate(
      await listGroupRows(this.deps.db, { memberId: userId, names: split.exact.get('name') ?? [], likes: split.likes as { column: 'name'; pattern: string }[] }),
      limit,
    );
    // py-keystone's SQL filters are used up by the first query, so expiring memberships are not name-filtered.
    const expiring = truncate(await listExpiringMemberships(this.deps.db, userId, new Date()), limit);
    const refs = applyHints(
      [
        ...permanent.refs.map((g) => renderGroup(g, base, { membershipExpiresAt: null })),
        ...expiring.refs.map((m) => renderGroup(m.group, base, { membershipExpiresAt: formatMicros(m.expiresMicros) })),
      ],
      split.rendered,
    );
    const combined = truncate(refs, limit);
    const domainId = scopedDomainId(caller);
    return {
      refs: domainId ? combined.refs.filter((r) => r.domain_id === domainId) : combined.refs,
      truncated: permanent.truncated || expiring.truncated || combined.truncated,
    };
  }

  /** The target of the membership calls: the group and the user, each only if it exists. */
  private async membershipTarget(groupId: string, userId: string, base: string) {
    const [group, user] = await Promise.all([getGroupRow(this.deps.db, groupId), getStoredUser(this.deps.db, userId)]);
    const target: Record<string, unknown> = {};
    if (group) target.group = this.groupTarget(group, base);
    if (user) target.user = withoutLinks(renderUser(user, base, this.deps.config, { federated: true }));
    return { group, user, target };
  }

  private notMember(userId: string, groupId: string): NotFound {
    return new NotFound(`User '${userId}' not found in group '${groupId}'`);
  }

  async checkMember(caller: AuthContext, groupId: string, userId: string, base: string): Promise<void> {
    const { group, user, target } = await this.membershipTarget(groupId, userId, base);
    await enforce(this.deps, caller, 'identity:check_user_in_group', { params: { group_id: groupId, user_id: userId }, target });
    if (!group) throw NotFound.of('group', groupId);
    if (!user) throw NotFound.of('user', userId);
    if (await isPermanentMember(this.deps.db, userId, groupId)) return;
    const expiring = await listExpiringMemberships(this.deps.db, userId, new Date());
    if (!expiring.some((m) => m.group.id === groupId)) throw this.notMember(userId, groupId);
  }

  async addMember(caller: AuthContext, groupId: string, userId: string, base: string, body?: unknown): Promise<void> {
    const { group, user, target } = await this.membershipTarget(groupId, userId, base);
    await enforce(this.deps, caller, 'identity:add_user_to_group', { params: { group_id: groupId, user_id: userId }, target, body });
    if (!group) throw NotFound.of('group', groupId);
    if (!user) throw NotFound.of('user', userId);
    await addMember(this.deps.db, userId, groupId);
    this.deps.events.emit('updated', 'group', groupId, caller);
  }

  async removeMember(caller: AuthContext, groupId: string, userId: string, base: string, body?: unknown): Promise<void> {
    const { group, user, target } = await this.membershipTarget(groupId, userId, base);
    await enforce(this.deps, caller, 'identity:remove_user_from_group', { params: { group_id: groupId, user_id: userId }, target, body });
    const now = new Date();
    const removed = await this.deps.transaction(async (tx) => {
      if (!(await removeMember(tx, userId, groupId))) return false;
      await revokeUserTokens(tx, userId, now);
      return true;
    });
    if (!removed) {
      if (!group) throw NotFound.of('group', groupId);
      if (!user) throw NotFound.of('user', userId);
      throw this.notMember(userId, groupId);
    }
    this.deps.events.emit('updated', 'group', groupId, caller);
    this.deps.tokens.invalidateCache();
  }
}

/** What py-keystone's Group.from_dict puts in `extra`: every attribute that is not a column. */
function groupExtras(ref: Ref): Ref {
  return Object.fromEntries(Object.entries(ref).filter(([k]) => !GROUP_ATTRIBUTES.has(k)));
}

function withoutLinks(ref: Record<string, unknown>): Record<string, unknown> {
  const { links: _links, ...rest } = ref;
  return rest;
}
