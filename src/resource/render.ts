// Project and domain bodies as py-keystone renders them: the `extra` attributes first, then the columns, tags and
// resource options (py-keystone's Project.to_dict), and a self link. A domain is its project row without
// parent_id, domain_id and is_domain.
import { parseExtra } from '../identity/store.js';
import { ROOT_DOMAIN_ID } from '../db/legacy/schema.js';
import type { ProjectRow } from './store.js';

export interface ProjectExtras {
  tags: string[];
  options: Record<string, unknown>;
}

/** The project as py-keystone's driver hands it around (and puts under `target.project` for policy). */
export function projectRef(row: ProjectRow, extras: ProjectExtras): Record<string, unknown> {
  return {
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
  };
}

/** The domain as py-keystone's get_domain returns it (and puts under `target.domain` for policy). */
export function domainRef(row: ProjectRow, extras: ProjectExtras): Record<string, unknown> {
  return {
    ...parseExtra(row.extra),
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: row.enabled ?? false,
    tags: extras.tags,
    options: extras.options,
  };
}

export function renderProject(row: ProjectRow, extras: ProjectExtras, base: string) {
  return withLink(projectRef(row, extras), base, 'projects');
}

export function renderDomain(row: ProjectRow, extras: ProjectExtras, base: string) {
  return withLink(domainRef(row, extras), base, 'domains');
}

export function withLink(ref: Record<string, unknown>, base: string, collection: 'projects' | 'domains'): Record<string, unknown> {
  return { ...ref, links: { self: `${base}/v3/${collection}/${String(ref.id)}` } };
}
