// The entities grants and role assignments name (roles, users, groups, projects, domains), read as py-keystone's
// managers return them: these refs are what py-keystone puts under `target.*` for policy, and each `require*`
// answers the 404 py-keystone raises when the entity does not exist.
import type { Executor } from '../db/connection.js';
import { ROOT_DOMAIN_ID } from '../db/legacy/schema.js';
import { NotFound } from '../errors.js';
import { getUser, parseExtra } from '../identity/store.js';
import { getProjectRow, listProjectExtras, type ProjectRow } from '../resource/store.js';
import { roleRef } from './render.js';
import { getGroupRow, getRole, listRoleOptionRows, type RoleRow } from './store.js';

export type Ref = Record<string, unknown>;

export interface RoleEntity {
  readonly row: RoleRow;
  readonly ref: Ref;
}

export async function findRole(db: Executor, id: string): Promise<RoleEntity | undefined> {
  const row = await getRole(db, id);
  if (!row) return undefined;
  const options = await listRoleOptionRows(db, [id]);
  return { row, ref: roleRef(row, options.get(id) ?? []) };
}

export async function requireRole(db: Executor, id: string): Promise<RoleEntity> {
  const found = await findRole(db, id);
  if (!found) throw NotFound.of('role', id);
  return found;
}

/** The user as identity's get_user returns it (password fields never included). */
export async function findUserRef(db: Executor, id: string): Promise<Ref | undefined> {
  const user = await getUser(db, id);
  if (!user) return undefined;
  return {
    ...user.extra,
    id: user.id,
    name: user.name,
    domain_id: user.domainId,
    enabled: user.enabled,
    ...(user.defaultProjectId !== null && { default_project_id: user.defaultProjectId }),
    password_expires_at: user.passwordExpiresAt?.toISOString() ?? null,
  };
}

export async function requireUserRef(db: Executor, id: string): Promise<Ref> {
  const ref = await findUserRef(db, id);
  if (!ref) throw NotFound.of('user', id);
  return ref;
}

export async function findGroupRef(db: Executor, id: string): Promise<Ref | undefined> {
  const row = await getGroupRow(db, id);
  if (!row) return undefined;
  return { ...parseExtra(row.extra), id: row.id, name: row.name, domain_id: row.domainId, description: row.description };
}

export async function requireGroupRef(db: Executor, id: string): Promise<Ref> {
  const ref = await findGroupRef(db, id);
  if (!ref) throw NotFound.of('group', id);
  return ref;
}

/** py-keystone's get_project answers for any project row, domains included (a domain is a project). */
export async function findProject(db: Executor, id: string): Promise<{ row: ProjectRow; ref: Ref } | undefined> {
  const row = await getProjectRow(db, id);
  if (!row) return undefined;
  const extras = (await listProjectExtras(db, [id])).get(id) ?? { tags: [], options: {} };
  return {
    row,
    ref: {
      ...parseExtra(row.extra),
      id: row.id,
      name: row.name,
      domain_id: row.domainId === ROOT_DOMAIN_ID ? null : row.domainId,
      description: row.description,
      enabled: row.enabled ?? false,
      parent_id: row.parentId,
      is_domain: row.isDomain,
      tags: extras.tags,
      options: extras.options,
    },
  };
}

export async function requireProject(db: Executor, id: string): Promise<{ row: ProjectRow; ref: Ref }> {
  const found = await findProject(db, id);
  if (!found) throw NotFound.of('project', id);
  return found;
}

/** A domain is its project row without parent_id, domain_id and is_domain (py-keystone's get_domain). */
export async function findDomainRef(db: Executor, id: string): Promise<Ref | undefined> {
  const found = await findProject(db, id);
  if (!found?.row.isDomain) return undefined;
  const { parent_id: _p, domain_id: _d, is_domain: _i, ...domain } = found.ref;
  return domain;
}

export async function requireDomainRef(db: Executor, id: string): Promise<Ref> {
  const ref = await findDomainRef(db, id);
  if (!ref) throw NotFound.of('domain', id);
  return ref;
}
