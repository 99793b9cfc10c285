// /v3/services against py-keystone on the same database: create (name, description and any other attribute kept
// in `extra`, enabled by default), read, list with the name and type filters, update, delete (taking the
// service's endpoints), and bad bodies.
import postgres from 'postgres';
import t from 'tap';
import type { IdentityEvent } from '../../src/notifications/events.js';
import { PEER } from '../helpers/services.js';
import { byId, comparable, sameError, sameMember, startParity, uniqueName } from './parity.js';

const parity = await startParity();
const sql = postgres(PEER.databaseUrl, { max: 1, onnotice: () => {} });
t.teardown(async () => {
  await parity.cleanup();
  await sql.end();
});
const events: IdentityEvent[] = [];
t.teardown(parity.ks.runtime.events.subscribe((e) => events.push(e)));

const createBoth = async (service: Record<string, unknown>) => {
  const r = await parity.both('POST', '/v3/services', { service });
  for (const res of [r.theirs, r.mine]) if (res.body?.service?.id) parity.track('services', res.body.service.id);
  return r;
};

t.test('POST creates an enabled service named "" unless the body says otherwise; other attributes are kept', async (t) => {
  const type = uniqueName('cat-svc');
  for (const service of [
    { type },
    { type, name: 'compute', description: 'nova', enabled: false },
    { type, 'x-extra': { deep: [1, 2] }, id: 'ignored-id', links: { docs: 'http://x' } },
  ]) {
    const r = await createBoth(service);
    t.equal(r.mine.status, 201, JSON.stringify(service));
    sameMember(t, 'service', r, parity, `POST ${JSON.stringify(service)}`);
    t.not(r.mine.body.service.id, 'ignored-id', 'the id is always generated');
  }
});

t.test('the row keystone-ts writes is the row py-keystone writes', async (t) => {
  const type = uniqueName('cat-row');
  const r = await createBoth({ type, name: 'n', description: 'd ü', extra1: null });
  const rows = await sql`select type, enabled, extra from service where id in (${r.theirs.body.service.id}, ${r.mine.body.service.id})`;
  t.equal(rows.length, 2);
  t.same(rows[0], rows[1], 'same columns, same extra text');
});

t.test('GET and HEAD a service; a missing one is a 404', async (t) => {
  const service = (await parity.must('POST', '/v3/services', { service: { type: uniqueName('cat-get'), name: 'by-py' } })).service;
  parity.track('services', service.id);
  const got = await parity.both('GET', `/v3/services/${service.id}`);
  t.equal(got.mine.status, 200);
  t.same(comparable(got.mine.body, parity.ks.url), comparable(got.theirs.body, PEER.url));
  t.equal((await parity.both('HEAD', `/v3/services/${service.id}`)).mine.status, 200);
  sameError(t, await parity.both('GET', '/v3/services/cat-missing'), 'missing service');
});

t.test('listing services filters on type and name (exactly, or by substring)', async (t) => {
  const type = uniqueName('cat-list');
  const a = await parity.service({ type, name: 'Alpha' });
  const b = await parity.service({ type, name: 'beta' });
  await parity.service({ type: `${type}-other`, name: 'Alpha' });
  const queries = [
    `type=${type}`,
    `type=${type}&name=Alpha`,
    `type=${type}&name__contains=lph`,
    `type=${type}&name__startswith=a`,
    `type=${type}&name__istartswith=a`,
    `type__startswith=${type}&name__iendswith=HA`,
    `type__icontains=${type.toUpperCase()}`,
    `type=${type}&name=nobody`,
    `type=${type}&enabled=false`,
  ];
  for (const query of queries) {
    const r = await parity.both('GET', `/v3/services?${query}`);
    t.equal(r.mine.status, 200, query);
    t.same(byId(comparable(r.mine.body.services, parity.ks.url) as any), byId(comparable(r.theirs.body.services, PEER.url) as any), query);
    t.same(comparable(r.mine.body.links, parity.ks.url), comparable(r.theirs.body.links, PEER.url), `${query}: links`);
  }
  const all = await parity.send('keystone-ts', 'GET', '/v3/services');
  const ids = all.body.services.map((s: any) => s.id);
  t.ok(ids.includes(a.id) && ids.includes(b.id), 'the unfiltered list has them');
});

t.test('PATCH changes attributes and keeps the rest; the id cannot change', async (t) => {
  const type = uniqueName('cat-patch');
  const services = { theirs: await parity.service({ type, name: 'n', extra1: 'e' }), mine: await parity.service({ type, name: 'n', extra1: 'e' }) };
  for (const patch of [{ name: 'renamed', enabled: false }, { extra1: null, description: 'd' }, { type: `${type}-2`, enabled: true }]) {
    const r = {
      theirs: await parity.send('py-keystone', 'PATCH', `/v3/services/${services.theirs.id}`, { service: patch }),
      mine: await parity.send('keystone-ts', 'PATCH', `/v3/services/${services.mine.id}`, { service: patch }),
    };
    t.equal(r.mine.status, 200);
    sameMember(t, 'service', r, parity, `PATCH ${JSON.stringify(patch)}`);
  }
  const same = {
    theirs: await parity.send('py-keystone', 'PATCH', `/v3/services/${services.theirs.id}`, { service: { id: services.theirs.id } }),
    mine: await parity.send('keystone-ts', 'PATCH', `/v3/services/${services.mine.id}`, { service: { id: services.mine.id } }),
  };
  sameMember(t, 'service', same, parity, 'PATCH with its own id');
  sameError(t, await parity.both('PATCH', `/v3/services/${services.mine.id}`, { service: { id: 'other' } }), 'another id');
  sameError(t, await parity.both('PATCH', '/v3/services/cat-missing', { service: { name: 'x' } }), 'missing service');
  sameError(t, await parity.both('PATCH', '/v3/services/cat-missing', { service: {} }), 'missing service, empty body');
});

t.test('DELETE removes the service and its endpoints', async (t) => {
  for (const server of ['py-keystone', 'keystone-ts'] as const) {
    const service = await parity.service();
    const endpoint = await parity.endpoint(service.id);
    t.equal((await parity.send(server, 'DELETE', `/v3/services/${service.id}`)).status, 204, server);
    t.equal((await parity.send('keystone-ts', 'GET', `/v3/endpoints/${endpoint.id}`)).status, 404, `${server}: endpoint gone`);
    t.equal((await parity.send('keystone-ts', 'GET', `/v3/services/${service.id}`)).status, 404, `${server}: service gone`);
  }
  sameError(t, await parity.both('DELETE', '/v3/services/cat-missing'), 'missing service');
});

t.test('bad service bodies are 400s with py-keystone\'s message, and write nothing', async (t) => {
  const long = 'y'.repeat(256);
  const type = uniqueName('cat-bad');
  const bodies: unknown[] = [
    { service: { name: 'no type' } },
    { service: { type: '' } },
    { service: { type: 5 } },
    { service: { type, enabled: 'yes' } },
    { service: { type, enabled: null } },
    { service: { type, name: '' } },
    { service: { type, name: ' \t' } },
    { service: { type, name: 5, enabled: 'x' } },
    { service: { name: '', type: 5 } },
    { service: { type: long } },
    { service: { type, name: long } },
    { service: null },
    { service: [] },
    {},
  ];
  for (const body of bodies) sameError(t, await parity.both('POST', '/v3/services', body), `POST ${JSON.stringify(body).slice(0, 60)}`);
  const rows = await sql`select id from service where type = ${type}`;
  t.equal(rows.length, 0, 'no service written');
  const service = await parity.service();
  for (const patch of [{}, { type: null }, { enabled: 1 }, { name: '  ' }]) {
    sameError(t, await parity.both('PATCH', `/v3/services/${service.id}`, { service: patch }), `PATCH ${JSON.stringify(patch)}`);
  }
});

t.test('a links attribute that is not an object is refused before anything is written', async (t) => {
  const type = uniqueName('cat-links');
  const mine = await parity.send('keystone-ts', 'POST', '/v3/services', { service: { type, links: 'x' } });
  t.equal(mine.status, 400);
  t.equal(mine.body.error.message, "'str' object does not support item assignment", "Python's TypeError text");
  t.equal((await sql`select id from service where type = ${type}`).length, 0, 'nothing written (py-keystone writes the row)');
});

t.test('each change emits one notification', async (t) => {
  events.length = 0;
  const created = await parity.send('keystone-ts', 'POST', '/v3/services', { service: { type: uniqueName('cat-ev') } });
  const id = created.body.service.id;
  await parity.send('keystone-ts', 'PATCH', `/v3/services/${id}`, { service: { name: 'x' } });
  await parity.send('keystone-ts', 'DELETE', `/v3/services/${id}`);
  t.same(
    events.map((e) => [e.eventType, e.resourceId]),
    [
      ['identity.service.created', id],
      ['identity.service.updated', id],
      ['identity.service.deleted', id],
    ],
  );
});
