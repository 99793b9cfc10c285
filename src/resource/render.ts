// Project and domain bodies as py-keystone renders them.
import { parseExtra } from '../identity/store.js';
import { ROOT_DOMAIN_ID } from '../db/legacy/schema.js';
import type { ProjectRow } from './store.js';

export function renderProject(row: ProjectRow, extras: { tags: string[]; options: Record<string, unknown> }, base: string) {
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
    links: { self: `${base}/v3/projects/${row.id}` },
  };
}

export function renderDomain(row: ProjectRow, extras: { tags: string[]; options: Record<string, unknown> }, base: string) {
  return {
    ...parseExtra(row.extra),
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: row.enabled ?? false,
    tags: extras.tags,
    options: extras.options,
    links: { self: `${base}/v3/domains/${row.id}` },
  };
}
