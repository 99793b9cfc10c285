// A project's place in the tree as py-keystone's SQL driver walks it: the parents chain runs up through the
// domain (a domain is the root project of its tree), the subtree is read level by level from parent_id.
import type { Executor } from '../db/connection.js';
import { getProjectRow, listChildRows, type ProjectRow } from './store.js';

/** Guards against a corrupt (circular) parent chain, which py-keystone logs and stops at. */
const MAX_WALK = 1000;

/** Ancestors nearest first, the domain last (py-keystone's list_project_parents). */
export async function listParentRows(db: Executor, row: ProjectRow): Promise<ProjectRow[]> {
  const parents: ProjectRow[] = [];
  const seen = new Set([row.id]);
  let parentId = row.parentId;
  while (parentId !== null && parents.length < MAX_WALK) {
    const parent = await getProjectRow(db, parentId);
    if (!parent || seen.has(parent.id)) break;
    seen.add(parent.id);
    parents.push(parent);
    parentId = parent.parentId;
  }
  return parents;
}

/** Every project below `projectId`, level by level (py-keystone's list_projects_in_subtree). */
export async function listSubtreeRows(db: Executor, projectId: string): Promise<ProjectRow[]> {
  const subtree: ProjectRow[] = [];
  const seen = new Set([projectId]);
  let level = await listChildRows(db, [projectId]);
  while (level.length > 0 && subtree.length < MAX_WALK) {
    const fresh = level.filter((r) => !seen.has(r.id));
    for (const r of fresh) seen.add(r.id);
    subtree.push(...fresh);
    level = await listChildRows(db, fresh.map((r) => r.id));
  }
  return subtree;
}

export async function isLeaf(db: Executor, projectId: string): Promise<boolean> {
  return (await listChildRows(db, [projectId])).length === 0;
}

export type IdTree = { [id: string]: IdTree | null };

/** `{parent: {grandparent: ... {domain: null}}}`, or null for a project without parent (`?parents_as_ids`). */
export function parentsAsIds(row: ProjectRow, parents: readonly ProjectRow[]): IdTree | null {
  const byId = new Map(parents.map((p) => [p.id, p]));
  const walk = (r: ProjectRow | undefined): IdTree | null =>
    r?.parentId ? { [r.parentId]: walk(byId.get(r.parentId)) } : null;
  return walk(row);
}

/** `{child: {grandchild: null}, ...}`, or null for a leaf (`?subtree_as_ids`). */
export function subtreeAsIds(projectId: string, subtree: readonly ProjectRow[]): IdTree | null {
  const children = new Map<string, ProjectRow[]>();
  for (const r of subtree) if (r.parentId) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r]);
  const walk = (id: string): IdTree | null => {
    const below = children.get(id);
    if (!below?.length) return null;
    return Object.fromEntries(below.map((c) => [c.id, walk(c.id)]));
  };
  return walk(projectId);
}
