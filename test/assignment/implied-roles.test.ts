// Role inference rules against the py-keystone peer: /v3/roles/{prior}/implies[/{implied}] (list, show, HEAD,
// create, delete) and /v3/role_inferences, with the rules py-keystone refuses.
import t from 'tap';
import { call, uniqueName } from '../helpers/identity-api.js';
import { startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { assertSame, assertSameError, both } from './parity.js';
import { createWorld } from './world.js';

const world = await createWorld();
const ours = await startKeystoneTs();
const token = world.adminToken;
const names = new Map<string, string>();
const newRole = async (domainId?: string) => {
  const role = (await world.api('POST', '/v3/roles', { role: { name: uniqueName('asg-imp'), ...(domainId && { domain_id: domainId }) } })).role;
  names.set(role.id, role.name);
  return role.id as string;
};
// prior -> (x on py-keystone, y on keystone-ts): each server creates its own rule, then both read both.
const prior = await newRole();
const [x, y] = [await newRole(), await newRole()];
const extra = [prior, x, y];
const admin = (await call(PEER.url, 'GET', '/v3/roles?name=admin', { token })).body.roles[0].id as string;
t.teardown(async () => {
  for (const id of extra) await call(PEER.url, 'DELETE', `/v3/roles/${id}`, { token });
  await ours.close();
  await world.remove();
});

t.test('creating a rule answers 201 with the inference, as py-keystone does', async (t) => {
  const theirs = await call(PEER.url, 'PUT', `/v3/roles/${prior}/implies/${x}`, { token });
  const mine = await call(ours.url, 'PUT', `/v3/roles/${prior}/implies/${y}`, { token });
  t.equal(mine.status, 201);
  t.equal(theirs.status, 201);
  const swap = (body: any) =>
    JSON.parse(JSON.stringify(body).replaceAll(ours.url, PEER.url).replaceAll(y, x).replaceAll(names.get(y)!, names.get(x)!));
  t.same(swap(mine.body), theirs.body);
});

t.test('listing, showing and checking rules', async (t) => {
  await assertSame(t, ours.url, 'GET', `/v3/roles/${prior}/implies`, { token }, (b) => {
    b?.role_inference?.implies?.sort((a: any, c: any) => a.id.localeCompare(c.id));
    return b;
  });
  for (const implied of [x, y]) {
    await assertSame(t, ours.url, 'GET', `/v3/roles/${prior}/implies/${implied}`, { token });
    const head = await both(ours.url, 'HEAD', `/v3/roles/${prior}/implies/${implied}`, { token });
    t.equal(head.mine.status, 204, 'HEAD is a 204 (GET is a 200)');
    t.equal(head.theirs.status, 204);
  }
  await assertSame(t, ours.url, 'GET', `/v3/roles/${world.ra}/implies`, { token });
});

t.test('/v3/role_inferences lists every rule grouped by prior role', async (t) => {
  const pair = await both(ours.url, 'GET', '/v3/role_inferences', { token });
  t.equal(pair.mine.status, 200);
  const ofPrior = (body: any) => {
    const entry = body.role_inferences.find((i: any) => i.prior_role.id === prior);
    return { ...entry, implies: [...entry.implies].sort((a: any, b: any) => a.id.localeCompare(b.id)) };
  };
  t.same(ofPrior(pair.mine.body), ofPrior(pair.theirs.body));
  t.same(Object.keys(pair.mine.body), Object.keys(pair.theirs.body), 'no links member, as py-keystone');
  const bootstrap = (body: any) => body.role_inferences.filter((i: any) => ['admin', 'member'].includes(i.prior_role.name));
  t.same(bootstrap(pair.mine.body), bootstrap(pair.theirs.body));
});

t.test('missing roles and missing rules are 404s', async (t) => {
  for (const [method, path] of [
    ['GET', '/v3/roles/nope/implies'],
    ['GET', `/v3/roles/nope/implies/${x}`],
    ['GET', `/v3/roles/${prior}/implies/nope`],
    ['GET', `/v3/roles/${x}/implies/${prior}`],
    ['PUT', `/v3/roles/${prior}/implies/nope`],
    ['DELETE', `/v3/roles/${x}/implies/${prior}`],
    ['DELETE', `/v3/roles/nope/implies/${prior}`],
  ] as const) {
    await assertSameError(t, ours.url, method, path, { token });
  }
  const head = await both(ours.url, 'HEAD', `/v3/roles/${x}/implies/${prior}`, { token });
  t.equal(head.mine.status, head.theirs.status, 'HEAD of a missing rule');
});

t.test('refused rules: implying admin, a global role implying a domain role, a duplicate', async (t) => {
  await assertSameError(t, ours.url, 'PUT', `/v3/roles/${world.ra}/implies/${admin}`, { token });
  await assertSameError(t, ours.url, 'PUT', `/v3/roles/${world.ra}/implies/${world.dr}`, { token });
  await assertSameError(t, ours.url, 'PUT', `/v3/roles/${prior}/implies/${x}`, { token });
});

t.test('a domain role may imply a global one', async (t) => {
  const domainRole = await newRole(world.domain);
  extra.push(domainRole);
  const mine = await call(ours.url, 'PUT', `/v3/roles/${domainRole}/implies/${world.rb}`, { token });
  t.equal(mine.status, 201);
  t.equal((await call(PEER.url, 'GET', `/v3/roles/${domainRole}/implies/${world.rb}`, { token })).status, 200);
});

t.test('deleting rules: 204, then gone for both', async (t) => {
  const theirs = await call(PEER.url, 'DELETE', `/v3/roles/${prior}/implies/${y}`, { token });
  const mine = await call(ours.url, 'DELETE', `/v3/roles/${prior}/implies/${x}`, { token });
  t.equal(mine.status, 204);
  t.equal(theirs.status, 204);
  await assertSame(t, ours.url, 'GET', `/v3/roles/${prior}/implies`, { token });
  await assertSameError(t, ours.url, 'GET', `/v3/roles/${prior}/implies/${x}`, { token });
});
