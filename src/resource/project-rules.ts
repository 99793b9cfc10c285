// py-keystone's resource manager rules for writing a project (a domain is a project acting as a domain):
// defaults and hierarchy constraints on create, the immutable option, what an update may change, name uniqueness.
// Callers run these inside one transaction.
import { Conflict, Forbidden, NotFound, ValidationError } from '../errors.js';
import type { Executor } from '../db/connection.js';
import { ROOT_DOMAIN_ID } from '../db/legacy/schema.js';
import { parseExtra } from '../identity/store.js';
import { listParentRows, listSubtreeRows } from './hierarchy.js';
import { projectRef, type ProjectExtras } from './render.js';
import {
  getProjectRow,
  insertProject,
  listProjectExtras,
  PROJECT_OPTION_IDS,
  replaceProjectTags,
  setProjectOptions,
  updateProjectRow,
  type ProjectRow,
} from './store.js';

export interface LoadedProject {
  readonly row: ProjectRow;
  readonly extras: ProjectExtras;
}

/** Columns of a project (py-keystone's Project.attributes); every other attribute is kept in `extra`. */
const ATTRIBUTES = new Set(['id', 'name', 'domain_id', 'description', 'enabled', 'parent_id', 'is_domain', 'tags']);

/** py-keystone's [federation] federated_domain_name default; no domain may take that name. */
const FEDERATED_DOMAIN_NAME = 'Federated';

export async function findProject(db: Executor, id: string): Promise<LoadedProject | undefined> {
  const row = await getProjectRow(db, id);
  if (!row) return undefined;
  const extras = (await listProjectExtras(db, [id])).get(id)!;
  return { row, extras };
}

export async function loadProject(db: Executor, id: string): Promise<LoadedProject> {
  const found = await findProject(db, id);
  if (!found) throw NotFound.of('project', id);
  return found;
}

/** A domain, or DomainNotFound, also for the id of a project that is not a domain. */
export async function loadDomain(db: Executor, id: string): Promise<LoadedProject> {
  const found = await findProject(db, id);
  if (!found?.row.isDomain) throw NotFound.of('domain', id);
  return found;
}

export const isImmutable = (p: LoadedProject): boolean => Boolean(p.extras.options.immutable);

/**
 * py-keystone refuses domain names equal to [federation] federated_domain_name (case-insensitively). It raises an
 * AssertionError there, which its WSGI server turns into a dropped connection; keystone-ts answers 400.
 */
export function assertNotFederated(id: string, name: unknown): void {
  if (typeof name === 'string' && name.toLowerCase() === FEDERATED_DOMAIN_NAME.toLowerCase()) {
    throw new ValidationError(`Domain cannot be named ${name}`);
  }
  if (id.toLowerCase() === FEDERATED_DOMAIN_NAME.toLowerCase()) throw new ValidationError(`Domain cannot have ID ${id}`);
}

export function immutableUpdateForbidden(kind: 'project' | 'domain', id: string): Forbidden {
  return new Forbidden(`Unable to update immutable ${kind} resource: \`${id}. Set resource option "immutable" to false first.`);
}

export function immutableDeleteForbidden(kind: 'project' | 'domain', id: string): Forbidden {
  return new Forbidden(`Unable to delete immutable ${kind} resource: \`${id}. Set resource option "immutable" to false first.`);
}

function conflictDetails(isDomain: boolean, name: unknown, id: string): string {
  return isDomain
    ? `it is not permitted to have two projects acting as domains with the same name: ${String(name)}`
    : `it is not permitted to have two projects with either the same name or same id in the same domain: name is ${String(name)}, project id ${id}`;
}

/** A PostgreSQL unique violation, however the driver wraps it. */
function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/** Python's name for a JSON value's type, as py-keystone's TypeErrors print it. */
function pyType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

/**
 * The registered resource options named in `options`, by option id, read as py-keystone's Project.from_dict
 * reads them (`name in options`, then a boolean validator that Python's `1 in (True, False)` lets 0 and 1 pass).
 * Unregistered names are ignored; null means "remove".
 */
export function registeredOptions(options: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, id] of Object.entries(PROJECT_OPTION_IDS)) {
    let present: boolean;
    if (typeof options === 'string') present = options.includes(name);
    else if (Array.isArray(options)) present = options.includes(name);
    else if (options !== null && typeof options === 'object') present = Object.hasOwn(options, name);
    else throw new ValidationError(`argument of type '${pyType(options)}' is not iterable`);
    if (!present) continue;
    if (typeof options === 'string') throw new ValidationError("string indices must be integers, not 'str'");
    if (Array.isArray(options)) throw new ValidationError('list indices must be integers or slices, not str');
    const value = (options as Record<string, unknown>)[name];
    if (value !== null && ![true, false, 0, 1].includes(value as never)) {
      throw new ValidationError(`Expected boolean value, got <class '${pyType(value)}'>`);
    }
    result[id] = value;
  }
  return result;
}

function extraOf(attrs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attrs).filter(([k]) => !ATTRIBUTES.has(k) && k !== 'options' && k !== 'extra'));
}

/**
 * py-keystone's create_project: defaults (enabled, description ''), the hierarchy constraints, then the insert.
 * `attrs` is the request's project (with `id`, and for a regular project its domain_id and parent_id resolved).
 * A dangling domain or parent is a 400, as py-keystone's API turns those NotFounds into.
 */
export async function createProjectRecord(
  db: Executor,
  config: { maxProjectTreeDepth: number },
  attrs: Record<string, unknown>,
): Promise<LoadedProject> {
  const id = String(attrs.id);
  const isDomain = attrs.is_domain === true;
  const name = String(attrs.name).trim();
  const domainId = (attrs.domain_id as string | null | undefined) ?? null;
  const parentId = ((attrs.parent_id as string | null | undefined) || domainId) ?? null;
  const options = 'options' in attrs ? registeredOptions(attrs.options) : {};

  if (isDomain) {
    assertNotFederated(id, name);
    if (parentId) throw new ValidationError('only root projects are allowed to act as domains.');
  } else {
    await assertPlacement(db, config, { domainId: domainId!, parentId: parentId! });
  }

  try {
    await insertProject(db, {
      id,
      name,
      extra: JSON.stringify(extraOf(attrs)),
      description: 'description' in attrs ? ((attrs.description as string | null) ?? null) : '',
      enabled: 'enabled' in attrs ? (attrs.enabled as boolean) : true,
      domainId: domainId ?? ROOT_DOMAIN_ID,
      parentId,
      isDomain,
    });
    await replaceProjectTags(db, id, ((attrs.tags as unknown[] | undefined) ?? []).map(String));
    await setProjectOptions(db, id, options);
  } catch (err) {
    if (isUniqueViolation(err)) throw Conflict.duplicate('project', conflictDetails(isDomain, name, id));
    throw err;
  }
  return loadProject(db, id);
}

/** A regular project's domain and parent must exist and agree, the branch must be enabled and not too deep. */
async function assertPlacement(
  db: Executor,
  config: { maxProjectTreeDepth: number },
  where: { domainId: string; parentId: string },
): Promise<void> {
  const domain = await getProjectRow(db, where.domainId);
  if (!domain?.isDomain) throw new ValidationError(`Could not find domain: ${where.domainId}.`);
  const parent = await getProjectRow(db, where.parentId);
  if (!parent) throw new ValidationError(`Could not find project: ${where.parentId}.`);
  if (parent.isDomain && parent.id !== domain.id) {
    throw new ValidationError(
      `Cannot create project, the parent (${parent.id}) is acting as a domain, but this project's domain id ` +
        `(${domain.id}) does not match the parent's id.`,
    );
  }
  const parentDomainId = parent.domainId === ROOT_DOMAIN_ID ? null : parent.domainId;
  if (!parent.isDomain && parentDomainId !== domain.id) {
    throw new ValidationError(
      `Cannot create project, since it specifies its domain_id ${domain.id}, but specifies a parent in a ` +
        `different domain (${String(parentDomainId)}).`,
    );
  }
  const branch = [...(await listParentRows(db, parent)), parent];
  const disabled = branch.find((r) => !(r.enabled ?? false));
  if (disabled) {
    throw new ValidationError(`cannot create a project in a branch containing a disabled project: ${disabled.id}`);
  }
  // py-keystone adds one to the configured depth: domains became the roots of project trees after it was set.
  if (branch.length + 1 > config.maxProjectTreeDepth + 1) {
    throw new Forbidden(`Max hierarchy depth reached for ${parent.id} branch.`);
  }
}

/**
 * py-keystone's check_immutable_update: an immutable resource accepts only an update that consists of nothing but
 * `options.immutable` set to false or null.
 */
function assertMutable(original: LoadedProject, changes: Record<string, unknown>): void {
  if (!isImmutable(original)) return;
  const options = changes.options;
  const value = options && typeof options === 'object' ? (options as Record<string, unknown>).immutable : undefined;
  const onlyReleasing =
    Object.keys(changes).length === 1 &&
    options !== null && typeof options === 'object' && Object.hasOwn(options, 'immutable') &&
    (value === false || value === null || value === 0);
  if (!onlyReleasing) throw immutableUpdateForbidden(original.row.isDomain ? 'domain' : 'project', original.row.id);
}

export interface UpdateOutcome {
  readonly updated: LoadedProject;
  /** The stored `extra` after the update (py-keystone's PATCH /v3/projects answer repeats it under "extra"). */
  readonly extra: Record<string, unknown>;
  readonly disabled: boolean;
}

/**
 * py-keystone's _update_project: `changes` is the request's (validated) attributes; what may not change is refused,
 * enabling needs enabled parents (an update that omits `enabled` counts as enabling, as in py-keystone), disabling a
 * regular project needs a disabled subtree, extra attributes merge, options merge, tags are replaced.
 */
export async function updateProjectRecord(
  db: Executor,
  original: LoadedProject,
  changes: Record<string, unknown>,
): Promise<UpdateOutcome> {
  const { row } = original;
  const ref = projectRef(row, original.extras);
  if ('domain_id' in changes && changes.domain_id !== ref.domain_id) throw new ValidationError('Cannot change Domain ID');
  assertMutable(original, changes);
  const nameChanged = 'name' in changes && changes.name !== row.name;
  const name = nameChanged ? String(changes.name).trim() : row.name;
  if ('parent_id' in changes && changes.parent_id !== row.parentId) {
    throw new Forbidden('Update of `parent_id` is not allowed.');
  }
  if ('is_domain' in changes && changes.is_domain !== row.isDomain) {
    throw new ValidationError('Update of `is_domain` is not allowed.');
  }
  const wasEnabled = row.enabled ?? false;
  const enabled = 'enabled' in changes ? changes.enabled === true : true;
  if (!wasEnabled && enabled) {
    const parents = await listParentRows(db, row);
    if (parents.some((p) => !(p.enabled ?? false))) {
      throw new Forbidden(`Cannot enable project ${row.id} since it has disabled parents`);
    }
  }
  if (wasEnabled && !enabled && !row.isDomain) {
    const subtree = await listSubtreeRows(db, row.id);
    if (subtree.some((p) => p.enabled ?? false)) {
      throw new Forbidden(`Cannot disable project ${row.id} since its subtree contains enabled projects.`);
    }
  }
  const options = 'options' in changes ? registeredOptions(changes.options) : {};
  const extra = { ...parseExtra(row.extra), ...extraOf(changes) };

  try {
    await updateProjectRow(db, row.id, {
      name,
      extra: JSON.stringify(extra),
      ...('description' in changes && { description: (changes.description as string | null) ?? null }),
      ...('enabled' in changes && { enabled: changes.enabled as boolean }),
    });
    if ('tags' in changes) await replaceProjectTags(db, row.id, (changes.tags as unknown[]).map(String));
    await setProjectOptions(db, row.id, options);
  } catch (err) {
    if (isUniqueViolation(err)) throw Conflict.duplicate('project', conflictDetails(row.isDomain, name, row.id));
    throw err;
  }
  return { updated: await loadProject(db, row.id), extra, disabled: wasEnabled && !enabled };
}
