// The look-ups every auth step shares, with py-keystone's answers: a missing or disabled user, domain or
// project is a bare 401 (details only in the log), a malformed reference is a 400 naming what is missing.
import type { Executor } from '../db/connection.js';
import { Unauthorized, ValidationError } from '../errors.js';
import { findUserByName, getUser, type UserRecord } from '../identity/store.js';
import { findDomainByName, findProjectByName, getDomainRow, getProjectRow, type ProjectRow } from '../resource/store.js';
import type { NamedReference, UserReference } from './request.js';

export async function lookupDomain(db: Executor, ref: NamedReference): Promise<ProjectRow> {
  if (!ref.id && !ref.name) throw ValidationError.missing('id or name', 'domain');
  const domain = ref.name ? await findDomainByName(db, ref.name) : await getDomainRow(db, ref.id!);
  if (!domain) throw new Unauthorized(`Could not find domain: ${ref.name ?? ref.id}`);
  if (!domain.enabled) throw new Unauthorized(`Domain ${domain.id} is disabled`);
  return domain;
}

/** The user a password or application-credential request names, enabled and in an enabled domain. */
export async function lookupUser(db: Executor, ref: UserReference | undefined): Promise<UserRecord> {
  // py-keystone names the target before it knows the method, so its message really says "in None".
  if (!ref) throw ValidationError.missing('user', 'None');
  if (!ref.id && !ref.name) throw ValidationError.missing('id or name', 'user');
  let user: UserRecord | undefined;
  if (ref.name) {
    if (!ref.domain) throw ValidationError.missing('domain', 'user');
    const domain = await lookupDomain(db, ref.domain);
    user = await findUserByName(db, ref.name, domain.id);
  } else {
    user = await getUser(db, ref.id!);
    if (user) {
      const domain = await getDomainRow(db, user.domainId);
      if (!domain?.enabled) throw new Unauthorized(`Domain ${user.domainId} is disabled`);
    }
  }
  if (!user) throw new Unauthorized(`Could not find user: ${ref.name ?? ref.id}`);
  if (!user.enabled) throw new Unauthorized(`User ${user.id} is disabled`);
  return user;
}

export async function lookupProject(
  db: Executor,
  ref: { id?: string | undefined; name?: string | undefined; domain?: NamedReference | undefined },
): Promise<ProjectRow> {
  let project: ProjectRow | undefined;
  if (ref.name) {
    if (!ref.domain) throw ValidationError.missing('domain', 'project');
    const domain = await lookupDomain(db, ref.domain);
    project = await findProjectByName(db, ref.name, domain.id);
  } else if (ref.id) {
    project = await getProjectRow(db, ref.id);
    if (project) await lookupDomain(db, { id: project.domainId });
  }
  if (!project) throw new Unauthorized(`Could not find project: ${ref.name ?? ref.id}`);
  if (!project.enabled) throw new Unauthorized(`Project ${project.id} is disabled`);
  return project;
}
