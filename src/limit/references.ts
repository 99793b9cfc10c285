// The unified limit manager's _assert_resource_exist: a limit's service, region, project and domain must exist,
// and a dangling one is a 400 naming the attribute ("Expecting to find service_id in limit"), not a 404. A
// project_id naming a domain makes the limit a domain limit.
import { getRegion, getService } from '../catalog/store.js';
import type { Executor } from '../db/connection.js';
import { ValidationError } from '../errors.js';
import { getDomainRow, getProjectRow } from '../resource/store.js';

export interface References {
  readonly service_id?: unknown;
  readonly region_id?: unknown;
  readonly project_id?: unknown;
  readonly domain_id?: unknown;
}

export type ReferenceTarget = 'registered_limit' | 'limit';

/** Checks in py-keystone's order (service, region, project, domain); returns the owner the limit really has. */
export async function assertReferencesExist(
  db: Executor,
  refs: References,
  target: ReferenceTarget,
): Promise<{ projectId: string | null; domainId: string | null }> {
  const missing = (attribute: string) => ValidationError.missing(attribute, target);
  if (typeof refs.service_id === 'string' && !(await getService(db, refs.service_id))) throw missing('service_id');
  if (typeof refs.region_id === 'string' && !(await getRegion(db, refs.region_id))) throw missing('region_id');
  let projectId = typeof refs.project_id === 'string' ? refs.project_id : null;
  let domainId = typeof refs.domain_id === 'string' ? refs.domain_id : null;
  if (projectId !== null) {
    const project = await getProjectRow(db, projectId);
    if (!project) throw missing('project_id');
    if (project.isDomain) [domainId, projectId] = [projectId, null];
  }
  if (domainId !== null && !(await getDomainRow(db, domainId))) throw missing('domain_id');
  return { projectId, domainId };
}
