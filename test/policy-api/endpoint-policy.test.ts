// OS-ENDPOINT-POLICY against py-keystone on the same database: associating a policy with an endpoint, a service, or
// a service in a region (check, create, delete, and the 404 of whichever of policy, endpoint, service or region is
// missing first), the endpoints a policy covers (down the region tree), and the policy in effect for an endpoint,
// looked up as py-keystone does: the endpoint's own, else its service's in its region or the nearest region above,
// else its service's. Associations outlive what they name, as in py-keystone, and answer the same 404s then.
import t, { type Test } from 'tap';
import postgres from 'postgres';
import { PEER } from '../helpers/services.js';
import { byId, comparable, sameError, startParity } from '../catalog/parity.js';

const parity = await startParity();
const sql = postgres(PEER.databaseUrl, { max: 1, onnotice: () => {} });
const policies: string[] = [];
t.teardown(async () => {
  // Associations are never removed by py-keystone's deletes; this file removes its own.
  if (policies.length > 0) await sql`DELETE FROM policy_association WHERE policy_id IN ${sql(policies)}`;
  for (const id of policies) await parity.send('keystone-ts', 'DELETE', `/v3/policies/${id}`);
  await sql.end();
  await parity.cleanup();
});

const newPolicy = async (name: string) => {
  const p = (await parity.must('POST', '/v3/policies', { policy: { blob: name, type: 'text/plain' } }, 'keystone-ts')).policy;
  policies.push(p.id);
  return p.id as string;
};
const top = await parity.region();
const middle = await parity.region({ parent_region_id: top.id });
const bottom = await parity.region({ parent_region_id: middle.id });
const service = await parity.service();
const other = await parity.service();
const ep = {
  bottom: await parity.endpoint(service.id, { region_id: bottom.id }),
  middle: await parity.endpoint(service.id, { region_id: middle.id, interface: 'internal' }),
  top: await parity.endpoint(service.id, { region_id: top.id, interface: 'admin' }),
  none: await parity.endpoint(service.id, {}),
  other: await parity.endpoint(other.id, { region_id: bottom.id }),
};
const P = (policy: string) => `/v3/policies/${policy}/OS-ENDPOINT-POLICY`;

/** The effective policy of every endpoint, from both servers; returns keystone-ts's policy blob per endpoint. */
async function effective(t: Test): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  for (const [name, e] of Object.entries(ep)) {
    const r = await parity.both('GET', `/v3/endpoints/${e.id}/OS-ENDPOINT-POLICY/policy`);
    if (r.theirs.status === 200) {
      t.same(comparable(r.mine.body, parity.ks.url), comparable(r.theirs.body, PEER.url), `${name}: the same policy`);
      out[name] = r.mine.body.policy.blob;
    } else {
      sameError(t, r, `${name}: no policy`);
      out[name] = r.mine.status;
    }
  }
  return out;
}

async function endpointsOf(t: Test, policy: string): Promise<string[]> {
  const r = await parity.both('GET', `${P(policy)}/endpoints`);
  t.equal(r.mine.status, r.theirs.status, 'endpoints of the policy: status');
  t.same(comparable(byId(r.mine.body.endpoints), parity.ks.url), comparable(byId(r.theirs.body.endpoints), PEER.url), 'endpoints of the policy');
  return (r.mine.body.endpoints ?? []).map((e: any) => e.id).sort();
}

t.test('the policy in effect: endpoint, then service in the nearest region up, then service', async (t) => {
  const [byService, byMiddle, byEndpoint] = [await newPolicy('service'), await newPolicy('middle'), await newPolicy('endpoint')];
  t.same(await effective(t), { bottom: 404, middle: 404, top: 404, none: 404, other: 404 }, 'nothing associated');
  t.equal((await parity.send('py-keystone', 'PUT', `${P(byService)}/services/${service.id}`)).status, 204);
  t.same(await effective(t), { bottom: 'service', middle: 'service', top: 'service', none: 'service', other: 404 });
  t.equal((await parity.send('keystone-ts', 'PUT', `${P(byMiddle)}/services/${service.id}/regions/${middle.id}`)).status, 204);
  t.same(await effective(t), { bottom: 'middle', middle: 'middle', top: 'service', none: 'service', other: 404 }, 'the region walk goes up');
  t.equal((await parity.send('keystone-ts', 'PUT', `${P(byEndpoint)}/endpoints/${ep.bottom.id}`)).status, 204);
  t.same(await effective(t), { bottom: 'endpoint', middle: 'middle', top: 'service', none: 'service', other: 404 });

  t.same(await endpointsOf(t, byService), [ep.bottom.id, ep.middle.id, ep.top.id, ep.none.id].sort(), 'a service covers all its endpoints');
  t.same(await endpointsOf(t, byMiddle), [ep.bottom.id, ep.middle.id].sort(), 'a region covers the regions below it');
  t.same(await endpointsOf(t, byEndpoint), [ep.bottom.id]);

  for (const [path, ok] of [
    [`${P(byService)}/services/${service.id}`, 204],
    [`${P(byMiddle)}/services/${service.id}/regions/${middle.id}`, 204],
    [`${P(byEndpoint)}/endpoints/${ep.bottom.id}`, 204],
    [`${P(byService)}/services/${service.id}/regions/${middle.id}`, 404],
    [`${P(byEndpoint)}/endpoints/${ep.top.id}`, 404],
  ] as const) {
    for (const method of ['GET', 'HEAD']) {
      const r = await parity.both(method, path);
      t.equal(r.mine.status, ok, `${method} ${path}`);
      if (method === 'GET' && ok === 404) sameError(t, r, `${path}: not associated`);
      else t.equal(r.theirs.status, ok);
    }
  }

  // A second policy for the same service takes the association over.
  const takeover = await newPolicy('takeover');
  t.equal((await parity.send('keystone-ts', 'PUT', `${P(takeover)}/services/${service.id}`)).status, 204);
  sameError(t, await parity.both('GET', `${P(byService)}/services/${service.id}`), 'the old policy lost it');
  t.same((await effective(t)).none, 'takeover');
  t.equal((await parity.send('keystone-ts', 'DELETE', `${P(takeover)}/services/${service.id}`)).status, 204);
  const again = await parity.both('DELETE', `${P(takeover)}/services/${service.id}`);
  t.same([again.mine.status, again.theirs.status], [204, 204], 'deleting an absent association is not an error');
  t.same((await effective(t)).none, 404);
});

t.test('missing policies, endpoints, services and regions: the same 404s in the same order', async (t) => {
  const policy = await newPolicy('lookups');
  const paths = [
    `/v3/policies/missing/OS-ENDPOINT-POLICY/endpoints/missing`,
    `${P(policy)}/endpoints/missing`,
    `/v3/policies/missing/OS-ENDPOINT-POLICY/services/missing/regions/missing`,
    `${P(policy)}/services/missing/regions/missing`,
    `${P(policy)}/services/${service.id}/regions/missing`,
    `${P(policy)}/services/missing`,
  ];
  for (const path of paths) {
    for (const method of ['GET', 'PUT', 'DELETE']) sameError(t, await parity.both(method, path), `${method} ${path}`);
  }
  sameError(t, await parity.both('GET', '/v3/policies/missing/OS-ENDPOINT-POLICY/endpoints'), 'endpoints of a missing policy');
  sameError(t, await parity.both('GET', '/v3/endpoints/missing/OS-ENDPOINT-POLICY/policy'), 'policy of a missing endpoint');
});

t.test('associations outlive a deleted policy or endpoint, with py-keystone\'s 404s', async (t) => {
  const [fallback, doomed] = [await newPolicy('fallback'), await newPolicy('doomed')];
  const endpoint = await parity.endpoint(other.id, { interface: 'internal' });
  await parity.must('PUT', `${P(fallback)}/services/${other.id}`, undefined, 'keystone-ts');
  await parity.must('PUT', `${P(doomed)}/endpoints/${endpoint.id}`, undefined, 'keystone-ts');
  t.equal((await parity.send('keystone-ts', 'DELETE', `/v3/policies/${doomed}`)).status, 204);
  const [row] = await sql`SELECT count(*)::int AS n FROM policy_association WHERE policy_id = ${doomed}`;
  t.equal(row!.n, 1, 'the association row stays');
  sameError(t, await parity.both('GET', `/v3/endpoints/${endpoint.id}/OS-ENDPOINT-POLICY/policy`), 'the deleted policy is a 404, not the fallback');
  t.equal((await parity.send('keystone-ts', 'DELETE', `/v3/endpoints/${endpoint.id}`)).status, 204);
  t.same(await endpointsOf(t, fallback), [ep.other.id], 'the service association lists what is left');
  const direct = await newPolicy('direct');
  const gone = await parity.endpoint(other.id, { interface: 'admin' });
  await parity.must('PUT', `${P(direct)}/endpoints/${gone.id}`, undefined, 'keystone-ts');
  await parity.send('keystone-ts', 'DELETE', `/v3/endpoints/${gone.id}`);
  sameError(t, await parity.both('GET', `${P(direct)}/endpoints`), 'a policy whose endpoint is gone: 404');
});
