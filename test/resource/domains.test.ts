// /v3/domains answered by keystone-ts as by py-keystone: the same bodies for create, show, list (with filters),
// update and delete, the same refusals (enabled or immutable domains, bad bodies, duplicate names, unknown ids).
import t from 'tap';
import { uniqueName } from '../helpers/identity-api.js';
import { peerSql, sameAnswer, SERVERS, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());

/** Creates a domain on each server with the same body but its own name; answers and the replacements that align them. */
async function createOnBoth(body: Record<string, unknown>) {
  const names = { 'py-keystone': uniqueName('rs-d-peer'), 'keystone-ts': uniqueName('rs-d-ours') };
  const [theirs, mine] = await Promise.all(
    SERVERS.map((s) => p.send(s, 'POST', '/v3/domains', { domain: { ...body, name: names[s] } })),
  );
  for (const r of [theirs!, mine!]) if (r.status === 201) p.track('domain', r.body.domain.id);
  const replace: Record<string, string> = { [names['py-keystone']]: '<name>', [names['keystone-ts']]: '<name>' };
  if (theirs!.status === 201) replace[theirs!.body.domain.id] = '<id>';
  if (mine!.status === 201) replace[mine!.body.domain.id] = '<id>';
  return { theirs: theirs!, mine: mine!, replace };
}

t.test('a domain created on either server has the same body, and reads the same from both', async (t) => {
  const created = await createOnBoth({ description: 'd', tags: ['x', 'y'], colour: 'blue', 'odd-key': 1 });
  sameAnswer(t, created, 'create', { replace: created.replace });
  for (const id of [created.theirs.body.domain.id, created.mine.body.domain.id]) {
    sameAnswer(t, await p.both('GET', `/v3/domains/${id}`), `show ${id}`);
    sameAnswer(t, await p.both('HEAD', `/v3/domains/${id}`), `head ${id}`);
  }
});

t.test('defaults: enabled, an empty description, no tags or options', async (t) => {
  const created = await createOnBoth({});
  sameAnswer(t, created, 'create', { replace: created.replace });
  t.same(created.mine.body.domain.description, '');
  t.equal(created.mine.body.domain.enabled, true);
});

t.test('an explicit_domain_id is used when it is a 32-digit lowercase uuid, refused otherwise', async (t) => {
  const ids = { 'py-keystone': crypto.randomUUID().replaceAll('-', ''), 'keystone-ts': crypto.randomUUID().replaceAll('-', '') };
  const names = { 'py-keystone': uniqueName('rs-x-peer'), 'keystone-ts': uniqueName('rs-x-ours') };
  const [theirs, mine] = await Promise.all(
    SERVERS.map((s) => p.send(s, 'POST', '/v3/domains', { domain: { name: names[s], explicit_domain_id: ids[s] } })),
  );
  for (const r of [theirs!, mine!]) if (r.status === 201) p.track('domain', r.body.domain.id);
  t.equal(mine!.body.domain.id, ids['keystone-ts']);
  sameAnswer(t, { theirs: theirs!, mine: mine! }, 'explicit id', {
    replace: { [ids['py-keystone']]: '<id>', [ids['keystone-ts']]: '<id>', [names['py-keystone']]: '<n>', [names['keystone-ts']]: '<n>' },
  });
  for (const bad of ['not-hex', ids['py-keystone'].toUpperCase(), crypto.randomUUID()]) {
    const pair = await createOnBoth({ explicit_domain_id: bad });
    sameAnswer(t, pair, `explicit id ${String(bad)}`);
  }
  // py-keystone fails on a non-string id with an AttributeError and drops the connection; keystone-ts says 400.
  const numeric = await p.send('keystone-ts', 'POST', '/v3/domains', { domain: { name: uniqueName('rs'), explicit_domain_id: 42 } });
  t.equal(numeric.status, 400);
});

t.test('listing filters by name and enabled, exactly and inexactly', async (t) => {
  const prefix = uniqueName('rs-list');
  const on = await p.domain({ name: `${prefix}-on` });
  await p.domain({ name: `${prefix}-off`, enabled: false });
  const queries = [
    `name=${prefix}-on`,
    `name=${prefix}-off&enabled=false`,
    `name=${prefix}-on&enabled=0`,
    `name__startswith=${prefix}`,
    `name__istartswith=${prefix.toUpperCase()}`,
    `name__contains=${prefix}&enabled=true`,
    `name__endswith=-off&name__startswith=${prefix}`,
    `name=${'n'.repeat(65)}`,
    `name__icontains=${prefix}&unknown=1`,
  ];
  for (const q of queries) sameAnswer(t, await p.both('GET', `/v3/domains?${q}`), q, { sortKey: 'domains' });
  const res = await p.send('keystone-ts', 'GET', `/v3/domains?name=${prefix}-on`);
  t.same(res.body.domains.map((d: any) => d.id), [on.id]);
});

t.test('an update changes attributes, merges extra attributes and replaces tags', async (t) => {
  const created = await createOnBoth({ tags: ['a'], keep: 'me' });
  const change = { description: 'changed', enabled: false, tags: ['b', 'c'], added: true, id: 'ignored' };
  const theirs = await p.send('py-keystone', 'PATCH', `/v3/domains/${created.theirs.body.domain.id}`, { domain: change });
  const mine = await p.send('keystone-ts', 'PATCH', `/v3/domains/${created.mine.body.domain.id}`, { domain: change });
  sameAnswer(t, { theirs, mine }, 'update', { replace: created.replace });
  const renamed = uniqueName('rs-renamed');
  const rename = await p.send('keystone-ts', 'PATCH', `/v3/domains/${created.mine.body.domain.id}`, { domain: { name: ` ${renamed} ` } });
  t.equal(rename.body.domain.name, renamed, 'names are stripped');
});

t.test('an enabled domain cannot be deleted; a disabled one is, and is gone from both', async (t) => {
  for (const server of SERVERS) {
    const d = await p.domain();
    const refused = await p.both('DELETE', `/v3/domains/${d.id}`);
    sameAnswer(t, refused, `${server}: enabled domain`);
    await p.send('py-keystone', 'PATCH', `/v3/domains/${d.id}`, { domain: { enabled: false } });
    const gone = await p.send(server, 'DELETE', `/v3/domains/${d.id}`);
    t.equal(gone.status, 204, `${server} deletes`);
    sameAnswer(t, await p.both('GET', `/v3/domains/${d.id}`), `${server}: deleted domain`);
  }
});

t.test('unknown domains are 404 for show, update and delete; a project id is not a domain', async (t) => {
  const project = await p.project({ domain_id: 'default' });
  for (const id of ['f'.repeat(32), project.id, '<<keystone.domain.root>>']) {
    const path = `/v3/domains/${encodeURIComponent(id)}`;
    sameAnswer(t, await p.both('GET', path), `GET ${id}`);
    sameAnswer(t, await p.both('PATCH', path, { domain: { description: 'x' } }), `PATCH ${id}`);
    sameAnswer(t, await p.both('DELETE', path), `DELETE ${id}`);
  }
});

t.test('bad bodies are 400 for create and update', async (t) => {
  const d = await p.domain();
  const creates: unknown[] = [
    {},
    { domain: 'x' },
    { domain: { name: '   ' } },
    { domain: { name: 'n'.repeat(65) } },
    { domain: { name: uniqueName('rs'), enabled: null } },
    { domain: { name: uniqueName('rs'), description: 5 } },
    { domain: { name: uniqueName('rs'), tags: ['a,b'] } },
    { domain: { name: uniqueName('rs'), tags: ['a', 'a'] } },
    { domain: { name: uniqueName('rs'), options: { immutable: 'yes' } } },
    { domain: { name: uniqueName('rs'), options: null } },
  ];
  for (const body of creates) {
    const pair = await p.both('POST', '/v3/domains', body);
    for (const r of [pair.theirs, pair.mine]) if (r.status === 201) p.track('domain', r.body.domain.id);
    sameAnswer(t, pair, `create ${JSON.stringify(body)}`, { schemaMessage: true });
  }
  for (const body of [{}, { domain: { enabled: 1 } }, { domain: { options: { immutable: 'x' } } }]) {
    sameAnswer(t, await p.both('PATCH', `/v3/domains/${d.id}`, body), `update ${JSON.stringify(body)}`, { schemaMessage: true });
  }
});

t.test('a duplicate name is a 409 from either server', async (t) => {
  const d = await p.domain();
  sameAnswer(t, await p.both('POST', '/v3/domains', { domain: { name: d.name } }), 'duplicate create');
  const other = await p.domain();
  const res = await p.send('keystone-ts', 'PATCH', `/v3/domains/${other.id}`, { domain: { name: d.name } });
  const theirs = await p.send('py-keystone', 'PATCH', `/v3/domains/${other.id}`, { domain: { name: d.name } });
  sameAnswer(t, { theirs, mine: res }, 'duplicate rename');
});

t.test('an immutable domain refuses updates (even un-setting immutable) and deletion', async (t) => {
  const d = await p.domain({ options: { immutable: true } });
  t.teardown(() => peerSql((sql) => sql`DELETE FROM project_option WHERE project_id = ${d.id}`));
  sameAnswer(t, await p.both('PATCH', `/v3/domains/${d.id}`, { domain: { description: 'x' } }), 'update');
  sameAnswer(t, await p.both('PATCH', `/v3/domains/${d.id}`, { domain: { options: { immutable: false } } }), 'release');
  await peerSql((sql) => sql`UPDATE project SET enabled = false WHERE id = ${d.id}`);
  sameAnswer(t, await p.both('DELETE', `/v3/domains/${d.id}`), 'delete');
  sameAnswer(t, await p.both('GET', `/v3/domains/${d.id}`), 'still there');
});

t.test('the federated domain name is refused (py-keystone drops the connection; keystone-ts answers 400)', async (t) => {
  const res = await p.send('keystone-ts', 'POST', '/v3/domains', { domain: { name: 'federated' } });
  t.equal(res.status, 400);
  t.equal(res.body.error.message, 'Domain cannot be named federated');
});
