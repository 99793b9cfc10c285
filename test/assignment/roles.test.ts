// /v3/roles against the py-keystone peer: listing with filters, show, create, update and delete of global and
// domain-specific roles, the immutable option, conflicts, bad input, and what a delete takes with it.
import t from 'tap';
import { call, uniqueName } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { assertSame, assertSameError, both, sameHost, sortedBy } from './parity.js';
import { createWorld } from './world.js';

const world = await createWorld();
const ours = await startKeystoneTs();
const token = world.adminToken;
const created: string[] = [];
t.teardown(async () => {
  for (const id of created) await call(PEER.url, 'DELETE', `/v3/roles/${id}`, { token });
  await ours.close();
  await world.remove();
});

/** Creates a role on each server (distinct names), returning both responses. */
async function createOnEach(role: Record<string, unknown>) {
  const theirs = await call(PEER.url, 'POST', '/v3/roles', { token, body: { role: { ...role, name: uniqueName('asg-py') } } });
  const mine = await call(ours.url, 'POST', '/v3/roles', { token, body: { role: { ...role, name: uniqueName('asg-ts') } } });
  for (const r of [theirs, mine]) if (r.body?.role?.id) created.push(r.body.role.id);
  return { theirs, mine: { ...mine, body: sameHost(mine.body, ours.url) } };
}

/** A role body without what differs between two creations (id, name, self link). */
function shape(body: any) {
  const { id: _id, name: _name, links: _links, ...rest } = body.role;
  return rest;
}

t.test('listing roles shows the global ones, as py-keystone shows them', async (t) => {
  const pair = await both(ours.url, 'GET', '/v3/roles', { token });
  t.equal(pair.mine.status, 200);
  const pick = (body: any) => sortedBy({ roles: body.roles.filter((r: any) => [world.ra, world.rb].includes(r.id) || ['admin', 'member', 'reader'].includes(r.name)) }, 'roles');
  t.same(pick(pair.mine.body), pick(pair.theirs.body));
  t.notOk(pair.mine.body.roles.some((r: any) => r.id === world.dr), 'no domain-specific role without a domain_id filter');
  t.same(pair.mine.body.links, pair.theirs.body.links);
});

t.test('list filters: exact name, domain_id, and inexact name filters', async (t) => {
  const unique = world.roleNames.ra.slice('asg-ra-'.length);
  for (const query of [
    `name=${world.roleNames.ra}`,
    `domain_id=${world.domain}`,
    `domain_id=${world.domain}&name=${world.roleNames.dr}`,
    `domain_id=${world.domain}&name=${world.roleNames.ra}`,
    `name__icontains=${unique.toUpperCase()}`,
    `name__contains=${unique}`,
    `name__startswith=${world.roleNames.rb}`,
    `name__endswith=${unique}`,
    `name__istartswith=${world.roleNames.rb.toUpperCase()}`,
    `name__iendswith=${unique.toUpperCase()}`,
    `name=${world.roleNames.ra}&name__unknown=x&color=blue`,
    `name=${'x'.repeat(300)}`,
  ]) {
    await assertSame(t, ours.url, 'GET', `/v3/roles?${query}`, { token }, (b) => sortedBy(b, 'roles'));
  }
});

t.test('showing a global and a domain-specific role; HEAD answers as GET without a body', async (t) => {
  for (const id of [world.ra, world.dr]) {
    await assertSame(t, ours.url, 'GET', `/v3/roles/${id}`, { token });
    const head = await both(ours.url, 'HEAD', `/v3/roles/${id}`, { token });
    t.equal(head.mine.status, head.theirs.status);
    t.equal(head.mine.body, undefined);
  }
  await assertSameError(t, ours.url, 'GET', '/v3/roles/no-such-role', { token });
  await assertSameError(t, ours.url, 'GET', '/v3/roles', {}, 'code');
});

t.test('creating roles: attributes as sent, extras kept, names normalised, id chosen by the server', async (t) => {
  for (const role of [
    {},
    { description: 'a role', options: { immutable: false } },
    { options: { immutable: null } },
    { 'color-code': 'blue', 'os:tag': 1, id: 'client-chosen', extra: { dropped: true } },
    { domain_id: world.domain, description: 'domain role' },
    { domain_id: null },
  ]) {
    const { theirs, mine } = await createOnEach(role);
    t.equal(mine.status, 201, JSON.stringify(role));
    t.equal(mine.status, theirs.status);
    t.same(shape(mine.body), shape(theirs.body), `shape of ${JSON.stringify(role)}`);
    t.match(mine.body.role.id, /^[0-9a-f]{32}$/);
    t.equal(mine.body.role.links.self, `${PEER.url}/v3/roles/${mine.body.role.id}`);
    const shown = await call(PEER.url, 'GET', `/v3/roles/${mine.body.role.id}`, { token });
    t.same(shown.body.role, mine.body.role, 'py-keystone reads back what keystone-ts wrote');
  }
});

t.test('a duplicate name in the same domain is a 409', async (t) => {
  await assertSameError(t, ours.url, 'POST', '/v3/roles', { token, body: { role: { name: world.roleNames.ra } } });
  await assertSameError(t, ours.url, 'POST', '/v3/roles', { token, body: { role: { name: world.roleNames.dr, domain_id: world.domain } } });
  // The same name in another domain (or globally) is fine.
  const { theirs, mine } = await createOnEach({ domain_id: world.otherDomain });
  t.equal(mine.status, theirs.status);
});

t.test('bad role bodies are 400s with py-keystone messages', async (t) => {
  for (const role of [
    {},
    { name: '' },
    { name: '   ' },
    { name: 42 },
    { name: 'x'.repeat(256) },
    { name: uniqueName('asg'), description: null },
    { name: uniqueName('asg'), description: 7 },
    { name: uniqueName('asg'), options: { unknown: true } },
    { name: uniqueName('asg'), options: { immutable: 'yes' } },
    { name: uniqueName('asg'), options: 'immutable' },
  ]) {
    await assertSameError(t, ours.url, 'POST', '/v3/roles', { token, body: { role } }, 'first line');
  }
  await assertSameError(t, ours.url, 'POST', '/v3/roles', { token, body: {} }, 'first line');
  for (const body of [[], 'role', null]) await assertSameError(t, ours.url, 'POST', '/v3/roles', { token, body });
  const garbled = await both(ours.url, 'POST', '/v3/roles', { token, headers: { 'Content-Type': 'application/json' }, body: undefined });
  t.equal(garbled.mine.status, garbled.theirs.status, 'no body at all');
});

t.test('a role member that is not an object: py-keystone fails with a 500, keystone-ts with a 400', async (t) => {
  const mine = await call(ours.url, 'POST', '/v3/roles', { token, body: { role: 'reader' } });
  t.equal(mine.status, 400);
  t.equal(mine.body.error.code, 400);
});

t.test('updating roles: name, description, extras; options merge', async (t) => {
  const { theirs, mine } = await createOnEach({ description: 'before', color: 'red', options: { immutable: false } });
  for (const update of [{ description: 'after' }, { color: null, size: 3 }, { options: {} }, { options: { immutable: null } }]) {
    const a = await call(PEER.url, 'PATCH', `/v3/roles/${theirs.body.role.id}`, { token, body: { role: update } });
    const b = await call(ours.url, 'PATCH', `/v3/roles/${mine.body.role.id}`, { token, body: { role: update } });
    t.equal(b.status, a.status, JSON.stringify(update));
    t.same(shape(sameHost(b.body, ours.url)), shape(a.body), `after ${JSON.stringify(update)}`);
  }
  const renamed = uniqueName('asg-renamed');
  const r = await call(ours.url, 'PATCH', `/v3/roles/${mine.body.role.id}`, { token, body: { role: { name: renamed } } });
  t.equal(r.body.role.name, renamed);
});

t.test('bad updates: another id, another domain, nothing to change, duplicate name, unknown role', async (t) => {
  const { theirs, mine } = await createOnEach({});
  for (const [role, compare] of [
    [{ id: 'other' }, 'message'],
    [{ domain_id: world.domain }, 'message'],
    [{}, 'first line'],
    [{ name: world.roleNames.ra }, 'message'],
    [{ name: 7 }, 'first line'],
  ] as const) {
    const a = await call(PEER.url, 'PATCH', `/v3/roles/${theirs.body.role.id}`, { token, body: { role } });
    const b = await call(ours.url, 'PATCH', `/v3/roles/${mine.body.role.id}`, { token, body: { role } });
    t.equal(b.status, a.status, JSON.stringify(role));
    const expected = compare === 'message' ? a.body.error.message : a.body.error.message.split('\n')[0];
    t.equal(b.body.error.message, expected, JSON.stringify(role));
  }
  await assertSameError(t, ours.url, 'PATCH', '/v3/roles/no-such-role', { token, body: { role: { name: 'x' } } });
  await assertSameError(t, ours.url, 'DELETE', '/v3/roles/no-such-role', { token });
});

t.test('a failed update changes nothing (the rename and the option change are one transaction)', async (t) => {
  const { mine } = await createOnEach({ description: 'kept' });
  const id = mine.body.role.id;
  const r = await call(ours.url, 'PATCH', `/v3/roles/${id}`, { token, body: { role: { name: world.roleNames.ra, options: { immutable: true }, description: 'lost' } } });
  t.equal(r.status, 409);
  const shown = await call(PEER.url, 'GET', `/v3/roles/${id}`, { token });
  t.same(shown.body.role.options, {});
  t.equal(shown.body.role.description, 'kept');
});

t.test('an immutable role refuses updates and deletes until immutable is unset', async (t) => {
  const { theirs, mine } = await createOnEach({ options: { immutable: true } });
  const ids = [theirs.body.role.id, mine.body.role.id];
  const each = async (method: string, body?: unknown) => {
    const a = await call(PEER.url, method, `/v3/roles/${ids[0]}`, { token, ...(body !== undefined && { body }) });
    const b = await call(ours.url, method, `/v3/roles/${ids[1]}`, { token, ...(body !== undefined && { body }) });
    t.equal(b.status, a.status, `${method} ${JSON.stringify(body)}`);
    if (a.status >= 400) t.equal(b.body.error.message, a.body.error.message.replace(ids[0], ids[1]));
    return b;
  };
  await each('PATCH', { role: { description: 'no' } });
  await each('PATCH', { role: { options: { immutable: false }, description: 'no' } });
  await each('DELETE');
  const unset = await each('PATCH', { role: { options: { immutable: false } } });
  t.same(unset.body.role.options, { immutable: false });
  await each('DELETE');
});

t.test('deleting a role removes its grants, system grants and inference rules (and no revocation event)', async (t) => {
  const { mine } = await createOnEach({});
  const id = mine.body.role.id;
  await world.api('PUT', `/v3/projects/${world.p1}/users/${world.u1}/roles/${id}`);
  await world.api('PUT', `/v3/OS-INHERIT/domains/${world.domain}/groups/${world.group}/roles/${id}/inherited_to_projects`);
  await world.api('PUT', `/v3/system/users/${world.u1}/roles/${id}`);
  await world.api('PUT', `/v3/roles/${id}/implies/${world.rb}`);
  const events = await call(PEER.url, 'GET', '/v3/OS-REVOKE/events', { token });
  const deleted = await call(ours.url, 'DELETE', `/v3/roles/${id}`, { token });
  t.equal(deleted.status, 204);
  const left = await call(PEER.url, 'GET', `/v3/role_assignments?role.id=${id}`, { token });
  t.same(left.body.role_assignments, []);
  const rules = await call(PEER.url, 'GET', '/v3/role_inferences', { token });
  t.notOk(rules.body.role_inferences.some((r: any) => r.prior_role.id === id));
  const after = await call(PEER.url, 'GET', '/v3/OS-REVOKE/events', { token });
  t.equal(after.body.events.length, events.body.events.length, 'py-keystone writes no revocation event for a role delete');
  t.equal((await call(PEER.url, 'GET', `/v3/roles/${id}`, { token })).status, 404);
});

t.test('create, update and delete each emit one event', async (t) => {
  const seen: string[] = [];
  const stop = ours.runtime.events.subscribe((e) => seen.push(`${e.eventType} ${e.resourceId}`));
  t.teardown(stop);
  const r = await call(ours.url, 'POST', '/v3/roles', { token, body: { role: { name: uniqueName('asg-ev') } } });
  const id = r.body.role.id;
  await call(ours.url, 'PATCH', `/v3/roles/${id}`, { token, body: { role: { description: 'd' } } });
  await call(ours.url, 'DELETE', `/v3/roles/${id}`, { token });
  t.same(seen, [`identity.role.created ${id}`, `identity.role.updated ${id}`, `identity.role.deleted ${id}`]);
});

t.test('[DEFAULT] list_limit truncates the role list', async (t) => {
  const limited = await startKeystoneTs(besidePeerConfig({ DEFAULT: { list_limit: '2' } }));
  t.teardown(() => limited.close());
  const r = await call(limited.url, 'GET', '/v3/roles', { token });
  t.equal(r.status, 200);
  t.equal(r.body.roles.length, 2);
  t.equal(r.body.truncated, true);
  const one = await call(limited.url, 'GET', `/v3/roles?name=${world.roleNames.ra}`, { token });
  t.equal(one.body.roles.length, 1);
  t.notOk('truncated' in one.body);
});
