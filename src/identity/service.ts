// The /v3/users operations: for each, the policy rule and target exactly as py-keystone's api/users.py builds them
// (the user as target when it exists, {} when it does not, so the 404 comes after enforcement), the body checked
// after enforcement, then identity/core.py's rules, one transaction per change, a notification, and the
// revocation events py-keystone writes when a user is disabled, deleted or given a new password.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { projectIdsForUser } from '../assignment/effective-roles.js';
import { NotFound, ValidationError } from '../errors.js';
import { renderProject } from '../resource/render.js';
import { getDomainRow, getProjectRow, getProjectsByIds, listProjectExtras } from '../resource/store.js';
import { listLimit } from '../server/v3/collection.js';
import { applyHints, buildHints, queryBoolean, type Filter } from '../server/v3/hints.js';
import { bodyMember, enforce, scopedDomainId, type IdentityDeps } from './deps.js';
import { parseExpiryFilter, type ExpiryFilter } from './expiry-filter.js';
import { filterValues, splitHints, truncate } from './list-hints.js';
import { hashPassword } from './password-hash.js';
import { effectiveEnabled, renderUser } from './render.js';
import { validateRequest } from './request-schema.js';
import { revokeUserTokens } from './revocation.js';
import { userCreateSchema, userUpdateSchema, type FederatedObject } from './schemas.js';
import { checkPasswordRegex } from './security-compliance.js';
import { federationProtocolExists, getStoredUser, identityProviderExists, loadStoredUsers, type StoredUser } from './store.js';
import { listUserIds, type UserQuery } from './user-list-store.js';
import { deleteUserRows } from './user-deletion-store.js';
import { optionChanges } from './user-options.js';
import { orConflict, writeNewUser, writeUserUpdate } from './user-writes.js';

type Query = Record<string, unknown>;
type Ref = Record<string, unknown>;

export const USER_FILTERS = ['domain_id', 'enabled', 'idp_id', 'name', 'protocol_id', 'unique_id', 'password_expires_at'];
export const USER_PROJECT_FILTERS = ['domain_id', 'enabled', 'name'];
const FEDERATED_FILTERS = ['idp_id', 'protocol_id', 'unique_id'];
/** Columns of py-keystone's User model that list filters can match in SQL. */
const USER_SQL_COLUMNS = ['domain_id', 'enabled', 'name'];
/** User attributes that never land in `extra` (py-keystone's User.attributes, plus options). */
const USER_ATTRIBUTES = new Set(['id', 'name', 'domain_id', 'password', 'enabled', 'default_project_id', 'password_expires_at', 'options', 'extra']);

export interface Listed {
  refs: Record<string, unknown>[];
  truncated: boolean;
}

export class UserService {
  constructor(private readonly deps: IdentityDeps) {}

  private render(u: StoredUser, base: string, opts: Parameters<typeof renderUser>[3] = {}) {
    return renderUser(u, base, this.deps.config, opts);
  }

  /** The user as policy sees it (`target.user`), or undefined: py-keystone defers a missing user's 404. */
  private async target(userId: string, base: string): Promise<{ user?: Record<string, unknown>; stored?: StoredUser }> {
    const stored = await getStoredUser(this.deps.db, userId);
    if (!stored) return {};
    const { links: _links, ...user } = this.render(stored, base, { federated: true });
    return { user, stored };
  }

  async get(caller: AuthContext, userId: string, base: string, body?: unknown): Promise<Record<string, unknown>> {
    const { user, stored } = await this.target(userId, base);
    await enforce(this.deps, caller, 'identity:get_user', { params: { user_id: userId }, target: user ? { user } : {}, body });
    if (!stored) throw NotFound.of('user', userId);
    return this.render(stored, base, { federated: true });
  }

  async list(caller: AuthContext, query: Query, base: string, body?: unknown): Promise<Listed> {
    const domainId = scopedDomainId(caller);
    const filters = buildHints(query, USER_FILTERS);
    await enforce(this.deps, caller, 'identity:list_users', {
      target: domainId ? { domain_id: domainId } : undefined,
      filters: filterValues(query, USER_FILTERS),
      body,
    });
    const expiry = filters.filter((f) => f.name === 'password_expires_at').map((f) => parseExpiryFilter(f.value));
    const others = filters.filter((f) => f.name !== 'password_expires_at');
    // A domain-scoped caller lists its own domain unless the request names a domain (py-keystone's
    // _ensure_domain_id_in_hints); users of other domains are dropped afterwards either way.
    const scoped = domainId && !others.some((f) => f.name === 'domain_id' && f.comparator === 'equals')
      ? [...others, { name: 'domain_id', value: domainId, comparator: 'equals' as const, caseSensitive: true }]
      : others;
    const ids = await this.listIds(scoped, expiry);
    const users = await loadStoredUsers(this.deps.db, ids);
    const split = splitHints(scoped.filter((f) => !FEDERATED_FILTERS.includes(f.name)), USER_SQL_COLUMNS);
    const refs = applyHints(users.map((u) => this.render(u, base)), split.rendered);
    const limited = truncate(refs, listLimit(this.deps.config, 'identity'));
    return { refs: domainId ? limited.refs.filter((r) => r.domain_id === domainId) : limited.refs, truncated: limited.truncated };
  }

  /**
   * py-keystone's _handle_shadow_and_local_users: with an idp_id, protocol_id or unique_id filter only federated
   * users are listed (the first name filter matching their display name); otherwise all users, plus federated
   * users whose display name equals the first name filter.
   */
  private async listIds(filters: readonly Filter[], expiry: readonly ExpiryFilter[]): Promise<string[]> {
    const db = this.deps.db;
    const nameFilters = filters.filter((f) => f.name === 'name');
    const fedValues = (name: string) => filters.filter((f) => f.name === name).map((f) => f.value);
    const base = (rest: readonly Filter[]): UserQuery => {
      const split = splitHints(rest, USER_SQL_COLUMNS);
      return {
        domainIds: split.exact.get('domain_id') ?? [],
        enabled: (split.exact.get('enabled') ?? []).map(queryBoolean),
        names: split.exact.get('name') ?? [],
        // ILIKE on a boolean column fails in py-keystone; here such a filter is ignored.
        likes: split.likes.filter((l): l is { column: 'name' | 'domain_id'; pattern: string } => l.column !== 'enabled'),
      };
    };
    if (filters.some((f) => FEDERATED_FILTERS.includes(f.name))) {
      const rest = filters.filter((f) => !FEDERATED_FILTERS.includes(f.name) && f !== nameFilters[0]);
      return listUserIds(db, {
        ...base(rest),
        federated: {
          idpIds: fedValues('idp_id'),
          protocolIds: fedValues('protocol_id'),
          uniqueIds: fedValues('unique_id'),
          displayNames: nameFilters[0] ? [nameFilters[0].value] : [],
        },
      });
    }
    const local = await listUserIds(db, { ...base(filters), expiry });
    if (!nameFilters[0]) return local;
    const rest = filters.filter((f) => f !== nameFilters[0]);
    const federated = await listUserIds(db, {
      ...base(rest),
      federated: { idpIds: [], protocolIds: [], uniqueIds: [], displayNames: [nameFilters[0].value] },
    });
    return [...local, ...federated];
  }

  async create(caller: AuthContext, body: unknown, base: string): Promise<Record<string, unknown>> {
    const raw = bodyMember(body, 'user');
    await enforce(this.deps, caller, 'identity:create_user', { target: { user: raw }, body });
    const ref: Ref = normalizeKeys(validateRequest(userCreateSchema, raw));
    if (!ref.domain_id) ref.domain_id = scopedDomainId(caller) ?? this.deps.config.identity.default_domain_id;
    const domainId = String(ref.domain_id);
    if ('password' in ref) checkPasswordRegex(this.deps.config.security_compliance, ref.password);
    const name = String(ref.name).trim();
    const enabled = (ref.enabled as boolean | undefined) ?? true;
    if (!(await getDomainRow(this.deps.db, domainId))) throw NotFound.of('domain', domainId);
    await this.assertDefaultProjectNotDomain(ref.default_project_id);
    const federated = (ref.federated as FederatedObject[] | undefined) ?? [];
    await this.validateFederated(federated);
    const id = randomUUID().replace(/-/g, '');
    const passwordHash = await this.hashIfPresent(ref);
    const now = new Date();
    await orConflict('user', { ...ref, name }, () =>
      this.deps.transaction((tx) =>
        writeNewUser(
          tx,
          this.deps.config.security_compliance,
          {
            id,
            name,
            domainId,
            enabled,
            defaultProjectId: (ref.default_project_id as string | null | undefined) ?? null,
            extra: extrasOf(ref),
            ...(passwordHash !== undefined && { passwordHash }),
            options: optionChanges((ref.options as Ref | undefined) ?? {}),
            federated: flattenFederated(federated),
          },
          now,
        ),
      ),
    );
    this.deps.events.emit('created', 'user', id, caller);
    const stored = (await getStoredUser(this.deps.db, id))!;
    return this.render(stored, base, federated.length > 0 ? { federatedOverride: federated } : {});
  }

  async update(caller: AuthContext, userId: string, body: unknown, base: string): Promise<Record<string, unknown>> {
    const { user, stored } = await this.target(userId, base);
    await enforce(this.deps, caller, 'identity:update_user', { params: { user_id: userId }, target: user ? { user } : {}, body });
    if (!stored) throw NotFound.of('user', userId);
    const ref: Ref = { ...validateRequest(userUpdateSchema, bodyMember(body, 'user')) };
    if (ref.id !== undefined && ref.id !== null && ref.id !== userId) throw new ValidationError('Cannot change ID');
    const old = stored;
    if ('domain_id' in ref && ref.domain_id !== old.domainId) throw new ValidationError('Cannot change Domain ID');
    if ('password' in ref) checkPasswordRegex(this.deps.config.security_compliance, ref.password);
    if (typeof ref.name === 'string') ref.name = ref.name.trim();
    if ('id' in ref) {
      if (ref.id !== userId) throw new ValidationError('Cannot change user ID');
      delete ref.id;
    }
    await this.assertDefaultProjectNotDomain(ref.default_project_id);
    const federated = (ref.federated as FederatedObject[] | undefined) ?? [];
    if (federated.length > 0) await this.validateFederated(federated);
    const passwordHash = await this.hashIfPresent(ref);
    const oldEnabled = effectiveEnabled(old, this.deps.config, new Date());
    const enabled = 'enabled' in ref ? (ref.enabled as boolean) : oldEnabled;
    const changes = optionChanges((ref.options as Ref | undefined) ?? {});
    const options = new Map(old.options);
    for (const [id, value] of changes) value === null ? options.delete(id) : options.set(id, value);
    const now = new Date();
    const revoke = (ref.enabled === false && oldEnabled !== false) || (ref.password !== undefined && ref.password !== null);
    const named = { ...ref };
    delete named.federated;
    await orConflict('user', named, () =>
      this.deps.transaction(async (tx) => {
        await writeUserUpdate(
          tx,
          this.deps.config.security_compliance,
          old,
          {
            name: 'name' in ref ? (ref.name as string) : old.name,
            enabled,
            defaultProjectId: 'default_project_id' in ref ? ((ref.default_project_id as string | null) ?? null) : old.defaultProjectId,
            extra: { ...old.extra, ...extrasOf(ref) },
            optionChanges: changes,
            options,
            ...(passwordHash !== undefined && { passwordHash }),
            ...(federated.length > 0 && { federated: flattenFederated(federated) }),
          },
          now,
        );
        if (revoke) await revokeUserTokens(tx, userId, now);
      }),
    );
    this.deps.events.emit('updated', 'user', userId, caller);
    if (revoke) this.deps.tokens.invalidateCache();
    const updated = (await getStoredUser(this.deps.db, userId))!;
    return this.render(updated, base, {
      extraDict: true,
      ...(federated.length > 0 ? { federatedOverride: federated } : { federated: true }),
    });
  }

  async delete(caller: AuthContext, userId: string, base: string, body?: unknown): Promise<void> {
    const { user, stored } = await this.target(userId, base);
    await enforce(this.deps, caller, 'identity:delete_user', { params: { user_id: userId }, target: user ? { user } : {}, body });
    if (!stored) throw NotFound.of('user', userId);
    const now = new Date();
    await this.deps.transaction(async (tx) => {
      await deleteUserRows(tx, userId);
      await revokeUserTokens(tx, userId, now);
    });
    this.deps.events.emit('deleted', 'user', userId, caller);
    this.deps.tokens.invalidateCache();
  }

  /** GET /v3/users/{user_id}/projects: projects where the user has a role, directly, by group or inherited. */
  async listProjects(caller: AuthContext, userId: string, query: Query, base: string, body?: unknown): Promise<Listed> {
    const { user, stored } = await this.target(userId, base);
    await enforce(this.deps, caller, 'identity:list_user_projects', {
      params: { user_id: userId },
      target: user ? { user } : {},
      filters: filterValues(query, USER_PROJECT_FILTERS),
      body,
    });
    if (!stored) throw NotFound.of('user', userId);
    const rows = await getProjectsByIds(this.deps.db, await projectIdsForUser(this.deps.db, userId));
    const extras = await listProjectExtras(this.deps.db, rows.map((r) => r.id));
    const refs = rows.map((r) => renderProject(r, extras.get(r.id)!, base));
    return { refs: applyHints(refs, buildHints(query, USER_PROJECT_FILTERS)), truncated: false };
  }

  /** py-keystone's _assert_default_project_id_is_not_domain (a missing project is accepted). */
  private async assertDefaultProjectNotDomain(projectId: unknown): Promise<void> {
    if (typeof projectId !== 'string' || !projectId) return;
    const project = await getProjectRow(this.deps.db, projectId);
    if (project?.isDomain) throw new ValidationError(`User's default project ID cannot be a domain ID: ${projectId}`);
  }

  private async validateFederated(objects: readonly FederatedObject[]): Promise<void> {
    for (const o of objects) {
      if (!(await identityProviderExists(this.deps.db, o.idp_id))) {
        throw new ValidationError(`Could not find Identity Provider: ${o.idp_id}`);
      }
      for (const p of o.protocols) {
        if (!(await federationProtocolExists(this.deps.db, o.idp_id, p.protocol_id))) {
          throw new ValidationError(`Could not find federated protocol ${p.protocol_id} for Identity Provider: ${o.idp_id}.`);
        }
      }
    }
  }

  /** Undefined when the body sets no password; null for `"password": null`. */
  private async hashIfPresent(ref: Ref): Promise<string | null | undefined> {
    if (!('password' in ref)) return undefined;
    if (ref.password === null || ref.password === undefined) return null;
    return hashPassword(String(ref.password), this.deps.config.identity, { strictPasswordCheck: this.deps.config.DEFAULT.strict_password_check });
  }
}

/** py-keystone's _normalize_dict: ':' and '-' in attribute names become '_'. */
function normalizeKeys(ref: Ref): Ref {
  return Object.fromEntries(Object.entries(ref).map(([k, v]) => [k.replace(/[:-]/g, '_'), v]));
}

/** What py-keystone's User.from_dict puts in `extra`: every attribute that is not a column. */
function extrasOf(ref: Ref): Ref {
  return Object.fromEntries(Object.entries(ref).filter(([k]) => !USER_ATTRIBUTES.has(k) && k !== 'federated'));
}

function flattenFederated(objects: readonly FederatedObject[]) {
  return objects.flatMap((o) => o.protocols.map((p) => ({ idpId: o.idp_id, protocolId: p.protocol_id, uniqueId: p.unique_id })));
}
