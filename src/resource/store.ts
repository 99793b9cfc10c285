// SQL for projects and domains. A domain is a `project` row with is_domain = true whose domain_id is the
// <<keystone.domain.root>> row; callers never see that root row.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { project, projectOption, projectTag, ROOT_DOMAIN_ID } from '../db/legacy/schema.js';
import { executeRows } from '../db/rows.js';

export type ProjectRow = typeof project.$inferSelect;

export async function getProjectRow(db: Executor, id: string): Promise<ProjectRow | undefined> {
  if (id === ROOT_DOMAIN_ID) return undefined;
  const rows = await db.select().from(project).where(eq(project.id, id)).limit(1);
  return rows[0];
}

export async function findProjectByName(db: Executor, name: string, domainId: string): Promise<ProjectRow | undefined> {
  const rows = await db
    .select()
    .from(project)
    .where(and(eq(project.name, name), eq(project.domainId, domainId), eq(project.isDomain, false)))
    .limit(1);
  return rows[0];
}

export async function findDomainByName(db: Executor, name: string): Promise<ProjectRow | undefined> {
  const rows = await db
    .select()
    .from(project)
    .where(and(eq(project.name, name), eq(project.domainId, ROOT_DOMAIN_ID), eq(project.isDomain, true)))
    .limit(1);
  return rows[0];
}

export async function getDomainRow(db: Executor, id: string): Promise<ProjectRow | undefined> {
  const row = await getProjectRow(db, id);
  return row?.isDomain ? row : undefined;
}

/** Ids of a project's ancestors, nearest first, stopping below the domain (domains are not in the chain). */
export async function listAncestorIds(db: Executor, projectId: string): Promise<string[]> {
  const rows = await executeRows<{ id: string }>(db, sql`
    WITH RECURSIVE chain(id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM project WHERE id = ${projectId}
      UNION ALL
      SELECT p.id, p.parent_id, c.depth + 1 FROM project p JOIN chain c ON p.id = c.parent_id
      WHERE p.is_domain = false AND c.depth < 100
    )
    SELECT id FROM chain WHERE depth > 0 ORDER BY depth`);
  return rows.map((r) => r.id);
}

/** Ids of every project below `projectId` (not itself). */
export async function listDescendantIds(db: Executor, projectId: string): Promise<string[]> {
  const rows = await executeRows<{ id: string }>(db, sql`
    WITH RECURSIVE tree(id, depth) AS (
      SELECT id, 0 FROM project WHERE parent_id = ${projectId} AND is_domain = false
      UNION ALL
      SELECT p.id, t.depth + 1 FROM project p JOIN tree t ON p.parent_id = t.id WHERE p.is_domain = false AND t.depth < 100
    )
    SELECT id FROM tree`);
  return rows.map((r) => r.id);
}

export async function listProjectIdsInDomain(db: Executor, domainId: string): Promise<string[]> {
  const rows = await db
    .select({ id: project.id })
    .from(project)
    .where(and(eq(project.domainId, domainId), eq(project.isDomain, false)));
  return rows.map((r) => r.id);
}

export async function insertProject(db: Executor, row: typeof project.$inferInsert): Promise<void> {
  await db.insert(project).values(row);
}

/** Tags and resource options (option values are JSON text) of several projects at once. */
export async function listProjectExtras(
  db: Executor,
  ids: string[],
): Promise<Map<string, { tags: string[]; options: Record<string, unknown> }>> {
  const result = new Map(ids.map((id) => [id, { tags: [] as string[], options: {} as Record<string, unknown> }]));
  if (ids.length === 0) return result;
  const [tags, options] = await Promise.all([
    db.select().from(projectTag).where(inArray(projectTag.projectId, ids)),
    db.select().from(projectOption).where(inArray(projectOption.projectId, ids)),
  ]);
  for (const t of tags) result.get(t.projectId)?.tags.push(t.name);
  for (const o of options) {
    const name = PROJECT_OPTION_NAMES[o.optionId];
    if (name) result.get(o.projectId)!.options[name] = parseJsonValue(o.optionValue);
  }
  return result;
}

/** Resource option ids py-keystone stores for projects and domains. */
const PROJECT_OPTION_NAMES: Record<string, string> = { IMMU: 'immutable' };

function parseJsonValue(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function getProjectsByIds(db: Executor, ids: string[]): Promise<ProjectRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(project).where(inArray(project.id, ids)).orderBy(project.id);
}
