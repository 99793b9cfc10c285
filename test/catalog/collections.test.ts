// Collection behaviour of the catalog lists: `[catalog] list_limit` (else `[DEFAULT] list_limit`) cuts a list and
// marks it truncated after filtering, as py-keystone does; the JSON-home document lists the catalog resources as
// the peer does.
import t from 'tap';
import { call } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { startParity } from './parity.js';

const parity = await startParity();
const limited = await startKeystoneTs(besidePeerConfig({ catalog: { list_limit: '2' } }));
const fallback = await startKeystoneTs(besidePeerConfig({ DEFAULT: { list_limit: '1' } }));
t.teardown(async () => {
  await limited.close();
  await fallback.close();
  await parity.cleanup();
});

const parent = await parity.region();
for (let i = 0; i < 3; i++) await parity.region({ parent_region_id: parent.id });
const service = await parity.service();
for (const iface of ['public', 'internal', 'admin']) await parity.endpoint(service.id, { interface: iface });

const list = (base: string, path: string) => call(base, 'GET', path, { token: parity.token });

t.test('[catalog] list_limit cuts each list after filtering and says truncated', async (t) => {
  const full = await list(PEER.url, `/v3/regions?parent_region_id=${parent.id}`);
  const cut = await list(limited.url, `/v3/regions?parent_region_id=${parent.id}`);
  t.equal(full.body.regions.length, 3);
  t.equal(cut.body.regions.length, 2);
  t.equal(cut.body.truncated, true);
  const all = new Set(full.body.regions.map((r: any) => r.id));
  t.ok(cut.body.regions.every((r: any) => all.has(r.id)), 'members of the full list');

  const endpoints = await list(limited.url, `/v3/endpoints?service_id=${service.id}`);
  t.equal(endpoints.body.endpoints.length, 2);
  t.equal(endpoints.body.truncated, true);
  const one = await list(limited.url, `/v3/endpoints?service_id=${service.id}&interface=admin`);
  t.equal(one.body.endpoints.length, 1);
  t.notOk('truncated' in one.body, 'a list within the limit is not marked');
  const services = await list(limited.url, `/v3/services?type=${service.type}`);
  t.notOk('truncated' in services.body);
});

t.test('without [catalog] list_limit, [DEFAULT] list_limit applies', async (t) => {
  const cut = await list(fallback.url, `/v3/regions?parent_region_id=${parent.id}`);
  t.equal(cut.body.regions.length, 1);
  t.equal(cut.body.truncated, true);
});

t.test('JSON-home lists regions, services and endpoints as py-keystone does', async (t) => {
  const home = async (base: string) => {
    const r = await fetch(`${base}/v3`, { headers: { accept: 'application/json-home' } });
    const resources = ((await r.json()) as { resources: Record<string, unknown> }).resources;
    return Object.fromEntries(Object.entries(resources).filter(([rel]) => /\/3\/rel\/(regions?|services?|endpoints?)$/.test(rel)));
  };
  const mine = await home(parity.ks.url);
  t.equal(Object.keys(mine).length, 6);
  t.same(mine, await home(PEER.url));
});
