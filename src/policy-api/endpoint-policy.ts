// OS-ENDPOINT-POLICY: associating a policy with an endpoint, a service, or a service in a region, the endpoints a
// policy covers, and the policy in effect for an endpoint. Each call enforces its rule first (no target), then
// looks up the policy, endpoint, service and region in py-keystone's order (which decides the 404), then follows
// keystone/endpoint_policy/core.py. Associations are never removed when what they name is deleted, as in
// py-keystone: a dangling one answers the 404 of the missing policy or endpoint, as there.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/context.js';
import { endpointToRef } from '../catalog/models.js';
import { withSelfLink as withCatalogLink } from '../catalog/render.js';
import { getEndpoint, getRegion, getService, listAllEndpoints, listRegions, type EndpointRow } from '../catalog/store.js';
import type { Executor } from '../db/connection.js';
import { NotFound } from '../errors.js';
import { pyRepr } from '../python/values.js';
import type { RouteContext } from '../server/app.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { policyRef, withSelfLink, type Ref } from './render.js';
import { loadPolicy } from './service.js';
import {
  deleteAssociation,
  getPolicy,
  hasAssociation,
  listAssociationsOfPolicy,
  listPolicyIdsFor,
  upsertAssociation,
  type AssociationTarget,
} from './store.js';

export type EndpointPolicyDeps = Pick<RouteContext, 'db' | 'transaction' | 'authorize'>;

/** The association a route names: `kind` picks the rule names and which lookups are made. */
export type AssociationPath =
  | { kind: 'endpoint'; endpointId: string }
  | { kind: 'service'; serviceId: string }
  | { kind: 'region_and_service'; serviceId: string; regionId: string };

type Verb = 'create' | 'check' | 'delete';

const noTarget = policyDict({});

export class EndpointPolicyService {
  constructor(private readonly deps: EndpointPolicyDeps) {}

  async associate(caller: AuthContext, verb: Verb, policyId: string, path: AssociationPath): Promise<void> {
    await this.deps.authorize(caller, `identity:${verb}_policy_association_for_${path.kind}`, noTarget);
    const target = await this.resolve(policyId, path);
    if (verb === 'create') {
      await this.deps.transaction((tx) => upsertAssociation(tx, newId(), policyId, target));
    } else if (verb === 'check') {
      if (!(await hasAssociation(this.deps.db, policyId, target))) throw new NotFound('Could not find policy association.');
    } else {
      await deleteAssociation(this.deps.db, policyId, target);
    }
  }

  /**
   * list_endpoints_for_policy: per association, its endpoint (a 404 when it is gone), the service's endpoints, or
   * the service's endpoints in the region and every region below it. An endpoint reached twice is listed twice.
   */
  async listEndpoints(caller: AuthContext, policyId: string, base: string): Promise<Ref[]> {
    await this.deps.authorize(caller, 'identity:list_endpoints_for_policy', noTarget);
    await loadPolicy(this.deps.db, policyId);
    const [associations, endpoints, regions] = await Promise.all([
      listAssociationsOfPolicy(this.deps.db, policyId),
      listAllEndpoints(this.deps.db),
      listRegions(this.deps.db, []),
    ]);
    const found: EndpointRow[] = [];
    for (const a of associations) {
      if (a.endpointId !== null) {
        const ep = endpoints.find((e) => e.id === a.endpointId);
        if (!ep) throw NotFound.of('endpoint', a.endpointId);
        found.push(ep);
      } else if (a.serviceId !== null && a.regionId === null) {
        found.push(...endpoints.filter((e) => e.serviceId === a.serviceId));
      } else if (a.serviceId !== null && a.regionId !== null) {
        const serviceId = a.serviceId;
        const examined = new Set<string>();
        const walk = (regionId: string): void => {
          if (examined.has(regionId)) return;
          examined.add(regionId);
          found.push(...endpoints.filter((e) => e.serviceId === serviceId && e.regionId === regionId));
          for (const r of regions) if (r.parentRegionId === regionId) walk(r.id);
        };
        walk(a.regionId);
      }
    }
    return found.map((ep) => {
      const { legacy_endpoint_id: _hidden, ...shown } = endpointToRef(ep);
      return withCatalogLink(shown, base, 'endpoints');
    });
  }

  /**
   * get_policy_for_endpoint: the policy associated with the endpoint itself, else with its service in its region
   * or the nearest region above it, else with its service alone. The member's self link is under /v3/endpoints,
   * as py-keystone writes it.
   */
  async effectivePolicy(caller: AuthContext, endpointId: string, base: string): Promise<Ref> {
    await this.deps.authorize(caller, 'identity:get_policy_for_endpoint', noTarget);
    const endpoint = await getEndpoint(this.deps.db, endpointId);
    if (!endpoint) throw NotFound.of('endpoint', endpointId);
    const policyId = await this.findPolicyId(this.deps.db, endpoint);
    if (policyId === undefined) throw new NotFound(`No policy is associated with endpoint ${endpointId}.`);
    const row = await getPolicy(this.deps.db, policyId);
    // py-keystone looks the policy up by the one-column row it read, and names that tuple in its 404.
    if (!row) throw NotFound.of('policy', `(${pyRepr(policyId)},)`);
    return withSelfLink(policyRef(row), base, 'endpoints');
  }

  private async findPolicyId(db: Executor, endpoint: EndpointRow): Promise<string | undefined> {
    const none = { endpointId: null, serviceId: null, regionId: null };
    const direct = await listPolicyIdsFor(db, { ...none, endpointId: endpoint.id });
    if (direct[0] !== undefined) return direct[0];
    const examined = new Set<string>();
    for (let regionId = endpoint.regionId; regionId !== null && !examined.has(regionId); ) {
      const inRegion = await listPolicyIdsFor(db, { ...none, serviceId: endpoint.serviceId, regionId });
      if (inRegion[0] !== undefined) return inRegion[0];
      examined.add(regionId);
      const region = await getRegion(db, regionId);
      if (!region) throw NotFound.of('region', regionId);
      regionId = region.parentRegionId;
    }
    return (await listPolicyIdsFor(db, { ...none, serviceId: endpoint.serviceId }))[0];
  }

  /** The lookups each association route makes, in order: policy, then endpoint, or service then region. */
  private async resolve(policyId: string, path: AssociationPath): Promise<AssociationTarget> {
    const db = this.deps.db;
    await loadPolicy(db, policyId);
    if (path.kind === 'endpoint') {
      if (!(await getEndpoint(db, path.endpointId))) throw NotFound.of('endpoint', path.endpointId);
      return { endpointId: path.endpointId, serviceId: null, regionId: null };
    }
    if (!(await getService(db, path.serviceId))) throw NotFound.of('service', path.serviceId);
    if (path.kind === 'service') return { endpointId: null, serviceId: path.serviceId, regionId: null };
    if (!(await getRegion(db, path.regionId))) throw NotFound.of('region', path.regionId);
    return { endpointId: null, serviceId: path.serviceId, regionId: path.regionId };
  }
}

function newId(): string {
  return randomUUID().replaceAll('-', '');
}
