// SQL for projects and domains. A domain is a `project` row with is_domain = true whose domain_id is the
// <<keystone.domain.root>> row; callers never see that root row.
import { and, eq, ilike, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { limit, project, projectOption, projectTag, registeredLimit, ROOT_DOMAIN_ID } from '../db/legacy/schema.js';
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
/** The same registry, by option name. */
export const PROJECT_OPTION_IDS: Record<string, string> = { immutable: 'IMMU' };

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

// ---------------------------------------------------------------------------------------------------------------
// Lists, hierarchy and writes for the /v3/projects and /v3/domains routes

/** Columns a list filter may name, by their API attribute name. */
export const PROJECT_COLUMNS = {
  id: project.id,
  name: project.name,
  domain_id: project.domainId,
  description: project.description,
  enabled: project.enabled,
  parent_id: project.parentId,
  is_domain: project.isDomain,
} as const;

export type ProjectColumn = keyof typeof PROJECT_COLUMNS;

export interface ProjectListQuery {
  readonly equals: readonly { column: ProjectColumn; value: string | boolean }[];
  /** Case-insensitive LIKE patterns (py-keystone passes the value's own % and _ through as wildcards). */
  readonly ilike: readonly { column: ProjectColumn; pattern: string }[];
  readonly limit?: number | undefined;
}

/**
 * Projects (and domains) matching every condition, in the table's natural order as py-keystone's unordered query
 * returns them; never the root row.
 */
export async function listProjectRows(db: Executor, query: ProjectListQuery): Promise<ProjectRow[]> {
  const conditions: SQL[] = [ne(project.id, ROOT_DOMAIN_ID)];
  for (const f of query.equals) conditions.push(eq(PROJECT_COLUMNS[f.column], f.value));
  for (const f of query.ilike) conditions.push(ilike(PROJECT_COLUMNS[f.column], f.pattern));
  const select = db.select().from(project).where(and(...conditions));
  return query.limit === undefined ? select : select.limit(query.limit);
}

/** Rows whose parent is one of `parentIds` (py-keystone's _get_children). */
export async function listChildRows(db: Executor, parentIds: string[]): Promise<ProjectRow[]> {
  if (parentIds.length === 0) return [];
  return db.select().from(project).where(inArray(project.parentId, parentIds));
}

/** Every project whose domain_id is `domainId` (all levels, not the domain itself). */
export async function listRowsInDomain(db: Executor, domainId: string): Promise<ProjectRow[]> {
  return db.select().from(project).where(eq(project.domainId, domainId));
}

export async function updateProjectRow(
  db: Executor,
  id: string,
  values: Partial<Omit<typeof project.$inferInsert, 'id'>>,
): Promise<void> {
  await db.update(project).set(values).where(eq(project.id, id));
}

export async function deleteProjectRow(db: Executor, id: string): Promise<void> {
  await db.delete(project).where(eq(project.id, id));
}

export async function replaceProjectTags(db: Executor, projectId: string, tags: readonly string[]): Promise<void> {
  await db.delete(projectTag).where(eq(projectTag.projectId, projectId));
  if (tags.length > 0) await db.insert(projectTag).values(tags.map((name) => ({ projectId, name })));
}

/** Sets resource options by option id; a null value removes the option. Options not named are left alone. */
export async function setProjectOptions(db: Executor, projectId: string, options: Record<string, unknown>): Promise<void> {
  for (const [optionId, value] of Object.entries(options)) {
    await db.delete(projectOption).where(and(eq(projectOption.projectId, projectId), eq(projectOption.optionId, optionId)));
    if (value !== null) await db.insert(projectOption).values({ projectId, optionId, optionValue: JSON.stringify(value) });
  }
}

/** Ids of projects carrying every one of `tags`. */
export async function listProjectIdsWithAllTags(db: Executor, tags: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(tags)];
  const rows = await db
    .select({ id: projectTag.projectId })
    .from(projectTag)
    .where(inArray(projectTag.name, wanted))
    .groupBy(projectTag.projectId)
    .having(sql`count(distinct ${projectTag.name}) = ${wanted.length}`);
  return rows.map((r) => r.id);
}

/** Ids of projects carrying at least one of `tags`. */
export async function listProjectIdsWithAnyTag(db: Executor, tags: readonly string[]): Promise<string[]> {
  const rows = await db.selectDistinct({ id: projectTag.projectId }).from(projectTag).where(inArray(projectTag.name, [...tags]));
  return rows.map((r) => r.id);
}

/** Every row id of the project table (py-keystone's not-tags filter starts from all of them). */
export async function listAllProjectIds(db: Executor): Promise<string[]> {
  const rows = await db.select({ id: project.id }).from(project);
  return rows.map((r) => r.id);
}

/**
 * The unified limits of several projects, each as py-keystone's limit driver renders it (`?include_limits`):
 * service, region and resource name come from the registered limit.
 */
export async function listLimitsOfProjects(db: Executor, projectIds: string[]): Promise<Map<string, Record<string, unknown>[]>> {
  const result = new Map<string, Record<string, unknown>[]>();
  if (projectIds.length === 0) return result;
  const rows = await db
    .select({ limit, registered: registeredLimit })
    .from(limit)
    .leftJoin(registeredLimit, eq(limit.registeredLimitId, registeredLimit.id))
    .where(inArray(limit.projectId, projectIds));
  for (const { limit: l, registered: r } of rows) {
    const rendered: Record<string, unknown> = {
      id: l.id,
      project_id: l.projectId,
      domain_id: l.domainId,
      resource_limit: l.resourceLimit,
      description: l.description,
      ...(r && { service_id: r.serviceId, region_id: r.regionId, resource_name: r.resourceName }),
    };
    result.set(l.projectId!, [...(result.get(l.projectId!) ?? []), rendered]);
  }
  return result;
}
