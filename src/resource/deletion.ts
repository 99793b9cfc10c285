// Deleting a project or a domain the way py-keystone does, but in one transaction: a project must be a leaf; a
// domain must be disabled and takes with it its projects (leaves first), groups, users, identity providers,
// grants on it and its configuration. Every deleted project, domain and user gets the revocation event
// py-keystone's revoke callbacks write, so tokens die on both implementations. (py-keystone leaves the domain's
// domain-specific roles behind; so does this.)
import { Forbidden } from '../errors.js';
import type { Executor } from '../db/connection.js';
import { insertRevocationEvent } from '../revoke/store.js';
import {
  clearProjectReferences,
  deleteDomainGrants,
  deleteGroup,
  deleteIdentityProvidersOfDomain,
  deleteUser,
  groupHasGrants,
  listGroupIdsInDomain,
  listGroupMemberIds,
  listUserIdsInDomain,
} from './cleanup-store.js';
import { deleteConfigOptions, releaseConfigRegistrations } from './domain-config-store.js';
import { isLeaf } from './hierarchy.js';
import { immutableDeleteForbidden, isImmutable, type LoadedProject } from './project-rules.js';
import { deleteProjectRow, listProjectExtras, listRowsInDomain, type ProjectRow } from './store.js';

/** What a deletion removed, for the notifications the caller emits once the transaction has committed. */
export interface Deleted {
  readonly projectIds: string[];
  readonly userIds: string[];
  readonly groupIds: string[];
  readonly domainId?: string;
}

/** py-keystone's _delete_project for one project. */
export async function deleteProject(db: Executor, project: LoadedProject, now: Date): Promise<Deleted> {
  await removeProject(db, project, now);
  return { projectIds: [project.row.id], userIds: [], groupIds: [] };
}

async function removeProject(db: Executor, project: LoadedProject, now: Date): Promise<void> {
  const { row } = project;
  if (isImmutable(project)) throw immutableDeleteForbidden('project', row.id);
  if (!(await isLeaf(db, row.id))) {
    throw new Forbidden(
      `Cannot delete the project ${row.id} since it is not a leaf in the hierarchy. Use the cascade option if you ` +
        'want to delete a whole subtree.',
    );
  }
  await deleteProjectRow(db, row.id);
  await clearProjectReferences(db, row.id, now);
  await revoke(db, { projectId: row.id }, now);
}

/** py-keystone's _delete_domain: refuses an immutable or enabled domain, then removes everything in it. */
export async function deleteDomain(db: Executor, domain: LoadedProject, now: Date): Promise<Deleted> {
  const domainId = domain.row.id;
  if (isImmutable(domain)) throw immutableDeleteForbidden('domain', domainId);
  if (domain.row.enabled ?? false) {
    throw new Forbidden('Cannot delete a domain that is enabled, please disable it first.');
  }
  const projectIds = await removeDomainProjects(db, domainId, now);

  const groupIds = await listGroupIdsInDomain(db, domainId);
  for (const groupId of groupIds) {
    const hadGrants = await groupHasGrants(db, groupId);
    const members = await listGroupMemberIds(db, groupId);
    await deleteGroup(db, groupId);
    // py-keystone revokes the members' tokens only when the group held a role somewhere.
    if (hadGrants) for (const userId of members) await revoke(db, { userId }, now);
  }
  const userIds = await listUserIdsInDomain(db, domainId);
  for (const userId of userIds) {
    await deleteUser(db, userId, now);
    await revoke(db, { userId }, now);
  }
  await deleteIdentityProvidersOfDomain(db, domainId);

  await deleteProjectRow(db, domainId);
  await clearProjectReferences(db, domainId, now);
  await revoke(db, { projectId: domainId }, now);
  await deleteConfigOptions(db, domainId);
  await releaseConfigRegistrations(db, domainId);
  await deleteDomainGrants(db, domainId);
  return { projectIds: [...projectIds, domainId], userIds, groupIds, domainId };
}

/** The domain's projects, children before parents, each as _delete_project would (immutable ones stop it all). */
async function removeDomainProjects(db: Executor, domainId: string, now: Date): Promise<string[]> {
  const rows = await listRowsInDomain(db, domainId);
  const extras = await listProjectExtras(db, rows.map((r) => r.id));
  const children = new Map<string, ProjectRow[]>();
  for (const r of rows) if (r.parentId) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r]);
  const removed: string[] = [];
  const examined = new Set<string>();
  const visit = async (row: ProjectRow): Promise<void> => {
    if (examined.has(row.id)) return;
    examined.add(row.id);
    for (const child of children.get(row.id) ?? []) await visit(child);
    await removeProject(db, { row, extras: extras.get(row.id)! }, now);
    removed.push(row.id);
  };
  for (const root of children.get(domainId) ?? []) await visit(root);
  return removed;
}

async function revoke(db: Executor, who: { projectId: string } | { userId: string }, now: Date): Promise<void> {
  await insertRevocationEvent(db, { ...who, issuedBefore: now, revokedAt: now });
}
