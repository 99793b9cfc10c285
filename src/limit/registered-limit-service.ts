// /v3/registered_limits operations as py-keystone's api/registered_limits.py, limit/core.py and
// limit/backends/sql.py perform them. Policy comes first and has no target (the API loads no member before
// enforcing, so a caller without the role gets 403 even for an unknown id); the body is validated after it. A
// registration is unique per service, region and resource name, and cannot be changed or removed while a limit
// refers to it. py-keystone sends no notifications for unified limits, and neither do we.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { Conflict, Forbidden, NotFound } from '../errors.js';
import type { Executor } from '../db/connection.js';
import { bodyMember } from '../resource/body.js';
import type { RouteContext } from '../server/app.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { validate } from './json-schema.js';
import { fetchRows, filterAttributes, finishList, planList, type Listed } from './listing.js';
import { assertReferencesExist } from './references.js';
import { registeredLimitRef, type Ref } from './render.js';
import { registeredLimitCreate, registeredLimitUpdate } from './schemas.js';
import {
  deleteRegisteredLimit as deleteRow,
  findRegisteredLimit,
  getRegisteredLimit as getRow,
  insertRegisteredLimit,
  isRegisteredLimitReferenced,
  listRegisteredLimits as listRows,
  REGISTERED_LIMIT_FILTER_COLUMNS,
  updateRegisteredLimit as updateRow,
  type Registration,
  type RegisteredLimitRow,
} from './store.js';

export type LimitDeps = Pick<RouteContext, 'db' | 'transaction' | 'authorize' | 'config'>;

const FILTERS = ['service_id', 'region_id', 'resource_name'];

export function registeredLimitNotFound(id: string): NotFound {
  return new NotFound(`Could not find registered limit for ${id}.`);
}

function duplicate(): Conflict {
  return Conflict.duplicate('registered_limit', 'Duplicate entry');
}

function inUse(id: string): Forbidden {
  return new Forbidden(`Unable to update or delete registered limit ${id} because there are project limits associated with it.`);
}

export async function listRegisteredLimits(deps: LimitDeps, caller: AuthContext, query: Record<string, unknown>): Promise<Listed<Ref>> {
  await deps.authorize(caller, 'identity:list_registered_limits', policyDict({ filters: filterAttributes(query, FILTERS) }));
  const plan = planList(query, FILTERS, deps.config);
  const listed = await fetchRows(plan, (max) => listRows(deps.db, plan.inSql, max));
  return finishList(plan, { rows: listed.rows.map(registeredLimitRef), truncated: listed.truncated });
}

export async function getRegisteredLimit(deps: LimitDeps, caller: AuthContext, id: string): Promise<Ref> {
  await deps.authorize(caller, 'identity:get_registered_limit', policyDict({ params: { registered_limit_id: id } }));
  const row = await getRow(deps.db, id);
  if (!row) throw registeredLimitNotFound(id);
  return registeredLimitRef(row);
}

interface RegisteredLimitInput {
  service_id: string;
  region_id?: string | null;
  resource_name: string;
  default_limit: number;
  description?: string | null;
}

/** Every registration is checked before any is written; all are written in one transaction, or none. */
export async function createRegisteredLimits(deps: LimitDeps, caller: AuthContext, body: unknown): Promise<Ref[]> {
  await deps.authorize(caller, 'identity:create_registered_limits', policyDict({ body }));
  const inputs = validate(registeredLimitCreate, bodyMember(body, 'registered_limits')) as RegisteredLimitInput[];
  return deps.transaction(async (tx) => {
    for (const input of inputs) await assertReferencesExist(tx, input, 'registered_limit');
    const created: Ref[] = [];
    for (const input of inputs) {
      const key = { serviceId: input.service_id, regionId: input.region_id ?? null, resourceName: input.resource_name };
      await assertUnique(tx, key);
      const row = await insertRegisteredLimit(tx, {
        id: randomUUID().replaceAll('-', ''),
        ...key,
        defaultLimit: input.default_limit,
        description: input.description ?? null,
      });
      created.push(registeredLimitRef(row));
    }
    return created;
  });
}

async function assertUnique(db: Executor, key: Registration): Promise<void> {
  if (await findRegisteredLimit(db, key)) throw duplicate();
}

export async function updateRegisteredLimit(deps: LimitDeps, caller: AuthContext, id: string, body: unknown): Promise<Ref> {
  await deps.authorize(caller, 'identity:update_registered_limit', policyDict({ params: { registered_limit_id: id }, body }));
  const input = validate(registeredLimitUpdate, bodyMember(body, 'registered_limit')) as Partial<RegisteredLimitInput>;
  return deps.transaction(async (tx) => {
    // The references are checked before the registration is even looked up, as py-keystone's manager does.
    await assertReferencesExist(tx, input, 'registered_limit');
    const current = await getRow(tx, id);
    if (!current) throw registeredLimitNotFound(id);
    if (await isRegisteredLimitReferenced(tx, id)) throw inUse(id);
    const changes = columnChanges(input);
    // py-keystone re-checks uniqueness whenever the body names the service, region or resource name, and does not
    // leave the registration itself out: restating its current values is a 409 too.
    if ('service_id' in input || 'region_id' in input || 'resource_name' in input) {
      const merged = { ...current, ...changes };
      await assertUnique(tx, { serviceId: merged.serviceId!, regionId: merged.regionId, resourceName: merged.resourceName! });
    }
    return registeredLimitRef(await updateRow(tx, id, changes));
  });
}

function columnChanges(input: Partial<RegisteredLimitInput>): Partial<RegisteredLimitRow> {
  return {
    ...(input.service_id !== undefined && { serviceId: input.service_id }),
    ...('region_id' in input && { regionId: input.region_id ?? null }),
    ...(input.resource_name !== undefined && { resourceName: input.resource_name }),
    ...(input.default_limit !== undefined && { defaultLimit: input.default_limit }),
    ...('description' in input && { description: input.description ?? null }),
  };
}

export async function deleteRegisteredLimit(deps: LimitDeps, caller: AuthContext, id: string): Promise<void> {
  await deps.authorize(caller, 'identity:delete_registered_limit', policyDict({ params: { registered_limit_id: id } }));
  await deps.transaction(async (tx) => {
    if (!(await getRow(tx, id))) throw registeredLimitNotFound(id);
    if (await isRegisteredLimitReferenced(tx, id)) throw inUse(id);
    await deleteRow(tx, id);
  });
}
