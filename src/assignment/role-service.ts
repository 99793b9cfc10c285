// Keystone's rules for roles (py-keystone's api/roles.py and RoleManager): global roles and domain-specific roles
// (which use the identity:*_domain_role rules with the role as target), unique names per domain, the `immutable`
// option that forbids updates and deletes, and deleting a role taking its grants with it. A role that does not
// exist is a 404 once the caller is authenticated, before policy (py-keystone looks it up to build the target).
import { randomUUID } from 'node:crypto';
import { NULL_DOMAIN_ID } from '../db/legacy/schema.js';
import { Conflict, Forbidden, ValidationError } from '../errors.js';
import { isPlainObject } from '../python/values.js';
import type { AppServices } from '../server/app.js';
import { applyHints, buildHints, type Filter } from '../server/v3/hints.js';
import { bodyMember, pyRepr, validateBody } from './body.js';
import type { Call } from './call.js';
import { enforce } from './enforce.js';
import { requireRole, type Ref } from './entities.js';
import { ROLE_OPTION_IDS, roleRef } from './render.js';
import { firstValue, roleCreate, roleUpdate, type QueryRecord } from './schemas.js';
import {
  deleteGrantsOfRole,
  deleteRoleRow,
  insertRole,
  listRoleOptionRows,
  listRoleRows,
  setRoleOptions,
  updateRoleRow,
  type RoleColumn,
} from './store.js';

const LIST_FILTERS = ['name', 'domain_id'] as const;
/** Columns py-keystone's role table keeps; every other attribute of a body is stored in `extra`. */
const COLUMNS = new Set(['id', 'name', 'domain_id', 'description']);
const MAX_ID = 64;
const MAX_DESCRIPTION = 255;

export class RoleService {
  constructor(private readonly services: AppServices) {}

  async list(call: Call, query: QueryRecord): Promise<Ref[]> {
    const filters = Object.fromEntries(
      LIST_FILTERS.flatMap((name) => (query[name] === undefined ? [] : [[name, firstValue(query[name])]])),
    );
    const domainFilter = firstValue(query.domain_id);
    const rule = domainFilter ? 'identity:list_domain_roles' : 'identity:list_roles';
    await enforce(this.services, call.caller, rule, { params: call.params, body: call.body, filters });

    const hints = buildHints(query, LIST_FILTERS);
    const equals: { column: RoleColumn; value: string }[] = hints
      .filter((f) => f.comparator === 'equals')
      .map((f) => ({ column: f.name as RoleColumn, value: f.value }));
    // Without a domain_id filter only global roles are listed (py-keystone adds a domain_id=None filter).
    if (!domainFilter) equals.push({ column: 'domain_id', value: NULL_DOMAIN_ID });
    const ilike = hints.filter((f) => f.comparator !== 'equals' && !f.caseSensitive).map((f) => ({ column: f.name as RoleColumn, pattern: likePattern(f) }));
    // Case-sensitive inexact filters are left by py-keystone's SQL layer to the API layer, on rendered roles.
    const inexact = hints.filter((f) => f.comparator !== 'equals' && f.caseSensitive);

    const rows = await listRoleRows(this.services.db, { equals, ilike });
    const options = await listRoleOptionRows(this.services.db, rows.map((r) => r.id));
    return applyHints(rows.map((r) => roleRef(r, options.get(r.id) ?? [])), inexact);
  }

  async get(call: Call, roleId: string): Promise<Ref> {
    const role = await requireRole(this.services.db, roleId);
    await this.enforceOnRole(call, role.ref, 'get_role', 'get_domain_role');
    return role.ref;
  }

  async create(call: Call): Promise<Ref> {
    const requested = bodyMember(call.body, 'role');
    const domainRole = isPlainObject(requested) && Boolean(requested.domain_id);
    await enforce(this.services, call.caller, domainRole ? 'identity:create_domain_role' : 'identity:create_role', {
      params: call.params,
      body: call.body,
    });
    const body = normalizeKeys(validateBody(roleCreate, requested));
    const id = randomUUID().replaceAll('-', '');
    const domainId = body.domain_id === undefined || body.domain_id === null ? NULL_DOMAIN_ID : columnText('domain_id', body.domain_id, MAX_ID);
    const description = body.description === undefined ? null : columnText('description', body.description, MAX_DESCRIPTION);
    const extra = extraOf(body);
    const options = optionRows(body.options);
    await this.services
      .transaction((tx) =>
        insertRole(tx, { id, name: body.name, domainId, description, extra: JSON.stringify(extra) }, nonNull(options)),
      )
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? duplicate(body.name, body.domain_id) : err;
      });
    this.services.events.emit('created', 'role', id, call.caller);
    // The created role as py-keystone echoes it: the attributes as sent (domain_id too, even if not a string).
    return {
      ...extra,
      id,
      name: body.name,
      domain_id: body.domain_id ?? null,
      description,
      options: Object.fromEntries(Object.entries(body.options ?? {}).filter(([, v]) => v !== null && v !== undefined)),
    };
  }

  async update(call: Call, roleId: string): Promise<Ref> {
    const role = await requireRole(this.services.db, roleId);
    await this.enforceOnRole(call, role.ref, 'update_role', 'update_domain_role');
    const body = validateBody(roleUpdate, bodyMember(call.body, 'role'));
    if (body.id !== undefined && body.id !== null && body.id !== roleId) throw new ValidationError('Cannot change ID');
    assertMutable(role.ref, body, roleId);
    if ('domain_id' in body && body.domain_id !== role.ref.domain_id) {
      throw new ValidationError('Update of `domain_id` is not allowed.');
    }
    const merged: Ref = { ...role.ref, ...body, options: { ...(role.ref.options as Ref), ...body.options } };
    const description = merged.description === null ? null : columnText('description', merged.description, MAX_DESCRIPTION);
    await this.services
      .transaction(async (tx) => {
        await updateRoleRow(tx, roleId, { name: String(merged.name), description, extra: JSON.stringify(extraOf(merged)) });
        await setRoleOptions(tx, roleId, optionRows(body.options));
      })
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? duplicate(body.name, body.domain_id) : err;
      });
    this.services.events.emit('updated', 'role', roleId, call.caller);
    // Role names are part of token bodies: cached validations must not show the old one.
    this.services.tokens.invalidateCache();
    const updated = await requireRole(this.services.db, roleId);
    return updated.ref;
  }

  async delete(call: Call, roleId: string): Promise<void> {
    const role = await requireRole(this.services.db, roleId);
    await this.enforceOnRole(call, role.ref, 'delete_role', 'delete_domain_role');
    if ((role.ref.options as Ref).immutable === true) {
      throw new Forbidden(`Unable to delete immutable role resource: \`${roleId}. Set resource option "immutable" to false first.`);
    }
    // py-keystone writes no revocation event here: tokens stay valid and their roles are recomputed on validation.
    await this.services.transaction(async (tx) => {
      await deleteGrantsOfRole(tx, roleId);
      await deleteRoleRow(tx, roleId);
    });
    this.services.events.emit('deleted', 'role', roleId, call.caller);
    this.services.tokens.invalidateCache();
  }

  /** Global roles are guarded by identity:<action>, domain-specific ones by identity:<domainAction>. */
  private async enforceOnRole(call: Call, ref: Ref, action: string, domainAction: string): Promise<void> {
    const rule = ref.domain_id ? `identity:${domainAction}` : `identity:${action}`;
    await enforce(this.services, call.caller, rule, { params: call.params, target: { role: ref }, body: call.body });
  }
}

/** An immutable role may only be changed by an update that sets `immutable` to false or null, and nothing else. */
function assertMutable(original: Ref, update: Record<string, unknown>, roleId: string): void {
  if ((original.options as Ref).immutable !== true) return;
  const options = isPlainObject(update.options) ? update.options : {};
  const onlyUnsetting = Object.keys(update).length <= 1 && 'immutable' in options && (options.immutable === false || options.immutable === null);
  if (!onlyUnsetting) {
    throw new Forbidden(`Unable to update immutable role resource: \`${roleId}. Set resource option "immutable" to false first.`);
  }
}

/** py-keystone's _normalize_dict: ':' and '-' in attribute names become '_' on create. */
function normalizeKeys<T extends Record<string, unknown>>(body: T): T & Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k.replace(/[:-]/g, '_'), v])) as T & Record<string, unknown>;
}

function extraOf(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !COLUMNS.has(k) && k !== 'options' && k !== 'extra' && k !== 'links'));
}

/** Option rows to write, by option id, as JSON text; null removes an option. */
function optionRows(options: Record<string, unknown> | undefined): Record<string, string | null> {
  const rows: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    const optionId = ROLE_OPTION_IDS[name];
    if (optionId && value !== undefined) rows[optionId] = value === null ? null : JSON.stringify(value);
  }
  return rows;
}

function nonNull(rows: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(rows).filter((e): e is [string, string] => e[1] !== null));
}

/**
 * A column value from an attribute the schema leaves open. py-keystone stores numbers as their text and fails with a
 * 500 on anything else or on an overlong value; keystone-ts answers those with a 400.
 */
function columnText(attribute: string, value: unknown, max: number): string {
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? pyText(value) : undefined;
  if (text === undefined) throw new ValidationError(`Invalid input for field '${attribute}': ${pyRepr(value)} is not of type 'string'`);
  if (text.length > max) throw new ValidationError(`Invalid input for field '${attribute}': ${pyRepr(value)} is too long`);
  return text;
}

function pyText(value: number | boolean): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** py-keystone's handle_conflicts names the duplicate by name, and by domain when the body gave one. */
function duplicate(name: unknown, domainId: unknown): Conflict {
  const details = name && domainId ? `Duplicate entry found with name ${String(name)} at domain ID ${String(domainId)}` : name ? `Duplicate entry found with name ${String(name)}` : 'Duplicate entry';
  return Conflict.duplicate('role', details);
}

export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

function likePattern(f: Filter): string {
  if (f.comparator === 'contains') return `%${f.value}%`;
  if (f.comparator === 'startswith') return `${f.value}%`;
  return `%${f.value}`;
}
