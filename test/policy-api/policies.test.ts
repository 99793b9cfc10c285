// /v3/policies against py-keystone on the same database: create (extra attributes kept, names normalised, any id
// in the body replaced), show, list with the `type` filter, update, delete, the 400s of bad bodies and the 404s of
// missing policies, and no deprecation marker on the wire (py-keystone only logs one).
import t from 'tap';
import { PEER } from '../helpers/services.js';
import { besidePeerConfig, startKeystoneTs } from '../helpers/keystone-ts.js';
import { call, uniqueName } from '../helpers/identity-api.js';
import { byId, comparable, sameError, startParity, type Server } from '../catalog/parity.js';

const parity = await startParity();
const made: string[] = [];
t.teardown(async () => {
  for (const id of made) await parity.send('keystone-ts', 'DELETE', `/v3/policies/${id}`);
  await parity.cleanup();
});

async function createBoth(body: unknown): Promise<Record<Server, any>> {
  const out = {} as Record<Server, any>;
  for (const server of ['py-keystone', 'keystone-ts'] as const) {
    const r = await parity.send(server, 'POST', '/v3/policies', body);
    if (r.status !== 201) throw new Error(`${server}: ${r.status} ${JSON.stringify(r.body)}`);
    made.push(r.body.policy.id);
    out[server] = r.body;
  }
  return out;
}
const idsOf = (pair: Record<Server, any>) => ({ [pair['py-keystone'].policy.id]: 'ID', [pair['keystone-ts'].policy.id]: 'ID' });

t.test('a policy created, read, listed, updated and deleted through either server', async (t) => {
  const type = uniqueName('application/x-test');
  const pair = await createBoth({ policy: { blob: '{"rule": "role:admin"}', type, id: 'ignored', 'x-extra': [1, { a: 'é' }] } });
  const ids = idsOf(pair);
  t.same(comparable(pair['keystone-ts'], parity.ks.url, ids), comparable(pair['py-keystone'], PEER.url, ids), 'create');
  const [py, ts] = [pair['py-keystone'].policy.id, pair['keystone-ts'].policy.id];
  t.not(ts, 'ignored', 'the body id is replaced');
  t.same(pair['keystone-ts'].policy.x_extra, [1, { a: 'é' }], 'x-extra normalised to x_extra');
  for (const id of [py, ts]) {
    const r = await parity.both('GET', `/v3/policies/${id}`);
    t.equal(r.mine.status, 200);
    t.same(comparable(r.mine.body, parity.ks.url), comparable(r.theirs.body, PEER.url), `GET ${id === py ? "the peer's" : 'our'} policy`);
    t.notOk([...r.mine.headers.keys()].some((h) => /deprecat|warning|sunset/i.test(h)), 'no deprecation header');
    t.equal((await parity.both('HEAD', `/v3/policies/${id}`)).mine.status, 200);
  }
  for (const query of [`type=${type}`, `type__startswith=${type.slice(0, 20)}`, `type__icontains=${type.toUpperCase()}`, 'type=none-such']) {
    const r = await parity.both('GET', `/v3/policies?${query}`);
    t.same(
      comparable(byId(r.mine.body.policies), parity.ks.url),
      comparable(byId(r.theirs.body.policies), PEER.url),
      `list ?${query}`,
    );
  }
  const patch = { policy: { blob: 'new', other: true, id: undefined } };
  const [p1, p2] = [await parity.send('py-keystone', 'PATCH', `/v3/policies/${py}`, patch), await parity.send('keystone-ts', 'PATCH', `/v3/policies/${ts}`, patch)];
  t.equal(p2.status, p1.status);
  t.same(comparable(p2.body, parity.ks.url, ids), comparable(p1.body, PEER.url, ids), 'update');
  const same = await parity.both('PATCH', `/v3/policies/${ts}`, { policy: { id: ts, type: 't2' } });
  t.equal(same.mine.status, same.theirs.status, 'an update may repeat the id');
  t.equal((await parity.send('keystone-ts', 'DELETE', `/v3/policies/${py}`)).status, 204);
  t.equal((await parity.send('py-keystone', 'DELETE', `/v3/policies/${ts}`)).status, 204);
  sameError(t, await parity.both('GET', `/v3/policies/${py}`), 'gone');
});

t.test('bad bodies and missing policies: the same errors', async (t) => {
  const pair = await createBoth({ policy: { blob: 'b', type: 't' } });
  const id = pair['keystone-ts'].policy.id;
  const creates: unknown[] = [
    {},
    { policy: null },
    { policy: { blob: 'b' } },
    { policy: { type: 't' } },
    { policy: { blob: { a: 1 }, type: 't' } },
    { policy: { blob: 'b', type: 5 } },
    { policy: { blob: 'b', type: 'x'.repeat(256) } },
  ];
  for (const body of creates) sameError(t, await parity.both('POST', '/v3/policies', body), `POST ${JSON.stringify(body).slice(0, 60)}`);
  const patches: unknown[] = [{ policy: {} }, { policy: { id: 'other' } }, { policy: { blob: null } }, {}];
  for (const body of patches) sameError(t, await parity.both('PATCH', `/v3/policies/${id}`, body), `PATCH ${JSON.stringify(body)}`);
  sameError(t, await parity.both('PATCH', '/v3/policies/missing', { policy: { id: 'other' } }), 'a changed id is refused before the lookup');
  for (const [method, body] of [['GET'], ['DELETE'], ['PATCH', { policy: { blob: 'x' } }]] as const) {
    sameError(t, await parity.both(method, '/v3/policies/missing', body), `${method} missing`);
  }
});

t.test('[policy] list_limit truncates the list', async (t) => {
  const limited = await startKeystoneTs(besidePeerConfig({ policy: { list_limit: '1' } }));
  t.teardown(() => limited.close());
  await createBoth({ policy: { blob: 'b', type: 't' } });
  const r = await call(limited.url, 'GET', '/v3/policies', { token: parity.token });
  t.equal(r.body.policies.length, 1);
  t.equal(r.body.truncated, true);
});
