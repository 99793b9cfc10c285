// SQL for projects and domains. A domain is a `project` row with is_domain = true whose domain_id is the
// <<keystone.domain.root>> row; callers never see that root row.
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { project, ROOT_DOMAIN_ID } from '../db/legacy/schema.js';
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

export async function insertProject(db: Executor, row: typeof project.$inferInsert): Promise<void> {
  await db.insert(project).values(row);
}
