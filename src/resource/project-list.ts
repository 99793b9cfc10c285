// GET /v3/projects and GET /v3/domains filtering as py-keystone does it: exact filters and case-insensitive
// inexact ones run in SQL (a value longer than its column can match nothing), the list limit is applied in SQL
// when SQL satisfied every filter, tag filters are applied to that (possibly truncated) result, and whatever SQL
// could not do (case-sensitive inexact filters) is applied to the rendered entities before the limit.
import type { Executor } from '../db/connection.js';
import { applyHints, queryBoolean, type Filter } from '../server/v3/hints.js';
import type { ProjectExtras } from './render.js';
import {
  listAllProjectIds,
  listProjectExtras,
  listProjectIdsWithAllTags,
  listProjectIdsWithAnyTag,
  listProjectRows,
  PROJECT_COLUMNS,
  type ProjectColumn,
  type ProjectListQuery,
  type ProjectRow,
} from './store.js';

export const TAG_FILTERS = ['tags', 'tags-any', 'not-tags', 'not-tags-any'] as const;
export type TagFilters = Partial<Record<(typeof TAG_FILTERS)[number], string>>;

const BOOLEAN_COLUMNS = new Set<ProjectColumn>(['enabled', 'is_domain']);
/** varchar(64) columns; `description` is text. */
const MAX_LENGTH: Partial<Record<ProjectColumn, number>> = { id: 64, name: 64, domain_id: 64, parent_id: 64 };

const isColumn = (name: string): name is ProjectColumn => Object.hasOwn(PROJECT_COLUMNS, name);

export interface ListedProjects {
  readonly refs: Record<string, unknown>[];
  readonly truncated: boolean;
}

export async function listProjects(
  db: Executor,
  options: {
    filters: readonly Filter[];
    tagFilters?: TagFilters;
    limit?: number | undefined;
    render: (row: ProjectRow, extras: ProjectExtras) => Record<string, unknown>;
    /** Applied after the tag filters and before the remaining filters (py-keystone's domain-scope narrowing). */
    keep?: (ref: Record<string, unknown>) => boolean;
  },
): Promise<ListedProjects> {
  const query = { equals: [], ilike: [] } as { equals: ProjectListQuery['equals'][number][]; ilike: ProjectListQuery['ilike'][number][] };
  const remaining: Filter[] = [];
  for (const f of options.filters) {
    if (!isColumn(f.name)) {
      remaining.push(f);
      continue;
    }
    const tooLong = f.value.length > (MAX_LENGTH[f.name] ?? Infinity);
    if (f.comparator === 'equals') {
      if (BOOLEAN_COLUMNS.has(f.name)) query.equals.push({ column: f.name, value: queryBoolean(f.value) });
      else if (tooLong) return { refs: [], truncated: false };
      else query.equals.push({ column: f.name, value: f.value });
    } else if (f.caseSensitive || BOOLEAN_COLUMNS.has(f.name)) {
      remaining.push(f);
    } else if (tooLong) {
      return { refs: [], truncated: false };
    } else {
      const pattern = f.comparator === 'contains' ? `%${f.value}%` : f.comparator === 'startswith' ? `${f.value}%` : `%${f.value}`;
      query.ilike.push({ column: f.name, pattern });
    }
  }

  const sqlLimit = remaining.length === 0 && options.limit !== undefined;
  let rows = await listProjectRows(db, { ...query, limit: sqlLimit ? options.limit! + 1 : undefined });
  let truncated = false;
  if (sqlLimit && rows.length > options.limit!) {
    rows = rows.slice(0, options.limit);
    truncated = true;
  }
  if (options.tagFilters && Object.keys(options.tagFilters).length > 0) {
    const ids = await projectIdsByTags(db, options.tagFilters);
    rows = rows.filter((r) => ids.has(r.id));
  }
  const extras = await listProjectExtras(db, rows.map((r) => r.id));
  let refs = rows.map((r) => options.render(r, extras.get(r.id)!));
  if (options.keep) refs = refs.filter(options.keep);
  refs = applyHints(refs, remaining);
  if (!truncated && options.limit !== undefined && refs.length > options.limit) {
    refs = refs.slice(0, options.limit);
    truncated = true;
  }
  return { refs, truncated };
}

/**
 * The projects a combination of tag filters selects, computed exactly as py-keystone's list_projects_by_tags does,
 * including its quirks: `not-tags` starts from every project when nothing was selected before it, and `not-tags-any`
 * after `not-tags` adds the projects it should exclude.
 */
async function projectIdsByTags(db: Executor, filters: TagFilters): Promise<Set<string>> {
  const split = (value: string) => value.split(',');
  let selected: string[] = [];
  const excluding = async (blacklist: string[]) => {
    const black = new Set(blacklist);
    const valid = (await listAllProjectIds(db)).filter((id) => !black.has(id));
    if (selected.length === 0) return valid;
    const current = new Set(selected);
    return valid.filter((id) => current.has(id));
  };
  if (filters.tags !== undefined) selected = await listProjectIdsWithAllTags(db, split(filters.tags));
  if (filters['tags-any'] !== undefined) {
    const any = await listProjectIdsWithAnyTag(db, split(filters['tags-any']));
    if (filters.tags !== undefined) {
      const all = new Set(selected);
      selected = any.filter((id) => all.has(id));
    } else {
      selected = any;
    }
  }
  if (filters['not-tags'] !== undefined) {
    selected = await excluding(await listProjectIdsWithAllTags(db, split(filters['not-tags'])));
  }
  if (filters['not-tags-any'] !== undefined) {
    const blacklist = await listProjectIdsWithAnyTag(db, split(filters['not-tags-any']));
    selected = filters['not-tags'] !== undefined ? [...selected, ...blacklist] : await excluding(blacklist);
  }
  return new Set(selected);
}
