// The limit enforcement models py-keystone ships (keystone/limit/models), chosen by [unified_limit]
// enforcement_model. `flat` accepts any value. `strict_two_level` sees domains as the first level and their
// projects as the second: a project's limit may not exceed its parent domain's (the domain's own limit, else the
// registered default), and a domain's limit may not be below any limit in its subtree.
import { Forbidden } from '../errors.js';
import type { LimitOwner, Registration } from './store.js';

/** A limit about to be created or updated, its owner resolved (a project that is a domain is a domain). */
export interface LimitDraft {
  readonly projectId: string | null;
  readonly domainId: string | null;
  readonly serviceId: string;
  readonly regionId: string | null;
  readonly resourceName: string;
  readonly resourceLimit: number;
}

/** What the strict model reads from the database. */
export interface HierarchyLookups {
  parentIdOf(projectId: string): Promise<string | null>;
  limitValue(key: Registration, owner: LimitOwner): Promise<number | undefined>;
  registeredDefault(key: Registration): Promise<number | undefined>;
  subtreeProjectIds(domainId: string): Promise<string[]>;
}

export interface EnforcementModel {
  readonly name: string;
  readonly description: string;
  /** Throws Keystone's 403 InvalidLimit when a limit would break the model. */
  check(limits: readonly LimitDraft[], lookups: HierarchyLookups): Promise<void>;
}

const flat: EnforcementModel = {
  name: 'flat',
  description: 'Limit enforcement and validation does not take project hierarchy into consideration.',
  check: async () => undefined,
};

const strictTwoLevel: EnforcementModel = {
  name: 'strict_two_level',
  description: 'This model requires project hierarchy never exceeds a depth of two',
  async check(limits, lookups) {
    for (const draft of limits) {
      if (!(await satisfiesHierarchy(draft, limits, lookups))) throw invalidLimit(draft);
    }
  },
};

export function enforcementModel(name: 'flat' | 'strict_two_level'): EnforcementModel {
  return name === 'flat' ? flat : strictTwoLevel;
}

async function satisfiesHierarchy(draft: LimitDraft, batch: readonly LimitDraft[], lookups: HierarchyLookups): Promise<boolean> {
  const key: Registration = { serviceId: draft.serviceId, regionId: draft.regionId, resourceName: draft.resourceName };
  if (draft.projectId) {
    const parentId = await lookups.parentIdOf(draft.projectId);
    // The parent domain's limit in the same request wins over the stored one.
    const parentInBatch = batch.find(
      (other) => other.domainId === parentId && other.serviceId === key.serviceId && other.regionId === key.regionId && other.resourceName === key.resourceName,
    );
    if (parentInBatch) return draft.resourceLimit <= parentInBatch.resourceLimit;
    if (!parentId) return true;
    const parentValue = (await lookups.limitValue(key, { domainId: parentId })) ?? (await lookups.registeredDefault(key));
    // py-keystone compares only against a truthy parent value, so a parent at 0 allows anything and one at -1
    // (unlimited) allows only -1.
    return !parentValue || draft.resourceLimit <= parentValue;
  }
  for (const projectId of await lookups.subtreeProjectIds(draft.domainId!)) {
    const childValue = await lookups.limitValue(key, { projectId });
    if (childValue && draft.resourceLimit < childValue) return false;
  }
  return true;
}

/** py-keystone's InvalidLimit, with the reason its strict model gives whatever the rule broken. */
function invalidLimit(draft: LimitDraft): Forbidden {
  const [level, id] = draft.projectId ? ['project_id', draft.projectId] : ['domain_id', draft.domainId];
  const reason =
    `The resource limit (${level}: ${id}, resource_name: ${draft.resourceName}, resource_limit: ${draft.resourceLimit}, ` +
    `service_id: ${draft.serviceId}, region_id: ${draft.regionId ?? 'None'}) doesn't satisfy current hierarchy model.`;
  return new Forbidden(`Invalid resource limit: ${reason}.`);
}
