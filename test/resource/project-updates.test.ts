// PATCH and DELETE /v3/projects answered by keystone-ts as by py-keystone: what an update may change, the
// enabled/disabled rules of the hierarchy, which projects may be deleted, and projects acting as domains.
import t from 'tap';
import { uniqueName } from '../helpers/identity-api.js';
import { sameAnswer, SERVERS, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());
const domain = await p.domain();

/** Creates a project on each server with the same body but its own name. */
async function createOnBoth(body: Record<string, unknown>) {
  const names = { 'py-keystone': uniqueName('rs-p-peer'), 'keystone-ts': uniqueName('rs-p-ours') };
  const theirs = await p.send('py-keystone', 'POST', '/v3/projects', { project: { domain_id: domain.id, ...body, name: names['py-keystone'] } });
  const mine = await p.send('keystone-ts', 'POST', '/v3/projects', { project: { domain_id: domain.id, ...body, name: names['keystone-ts'] } });
  const replace: Record<string, string> = { [names['py-keystone']]: '<name>', [names['keystone-ts']]: '<name>' };
  for (const r of [theirs, mine]) {
    if (r.status !== 201) continue;
    replace[r.body.project.id] = '<id>';
    if (r.body.project.domain_id !== domain.id) p.track(r.body.project.is_domain ? 'domain' : 'project', r.body.project.id);
  }
  return { theirs, mine, replace };
}

t.test('an update changes attributes, answers with the stored extra, and refuses what may not change', async (t) => {
  const created = await createOnBoth({ tags: ['a'], kept: 'yes' });
  const change = { description: 'd2', tags: ['b'], added: { n: 1 } };
  const renamed = [uniqueName('rs-ren'), uniqueName('rs-ren')] as const;
  const theirs = await p.send('py-keystone', 'PATCH', `/v3/projects/${created.theirs.body.project.id}`, { project: { ...change, name: `  ${renamed[0]} ` } });
  const mine = await p.send('keystone-ts', 'PATCH', `/v3/projects/${created.mine.body.project.id}`, { project: { ...change, name: `  ${renamed[1]} ` } });
  sameAnswer(t, { theirs, mine }, 'update', { replace: { ...created.replace, [renamed[0]]: '<new name>', [renamed[1]]: '<new name>' } });
  const id = created.mine.body.project.id;
  const refusals = [
    { domain_id: 'default' },
    { parent_id: 'default' },
    { is_domain: true },
    { id: 'f'.repeat(32) },
    { id, description: 'same id is fine' },
  ];
  for (const body of refusals) sameAnswer(t, await p.both('PATCH', `/v3/projects/${id}`, { project: body }), JSON.stringify(body));
});

t.test('enabling needs enabled parents, disabling needs a disabled subtree', async (t) => {
  const parent = await p.project({ domain_id: domain.id });
  const child = await p.project({ domain_id: domain.id, parent_id: parent.id });
  sameAnswer(t, await p.both('PATCH', `/v3/projects/${parent.id}`, { project: { enabled: false } }), 'disable parent of enabled child');
  await p.send('py-keystone', 'PATCH', `/v3/projects/${child.id}`, { project: { enabled: false } });
  await p.send('py-keystone', 'PATCH', `/v3/projects/${parent.id}`, { project: { enabled: false } });
  sameAnswer(t, await p.both('PATCH', `/v3/projects/${child.id}`, { project: { enabled: true } }), 'enable under disabled parent');
  // py-keystone treats an update without `enabled` of a disabled project as enabling it.
  sameAnswer(t, await p.both('PATCH', `/v3/projects/${child.id}`, { project: { description: 'x' } }), 'touch under disabled parent');
  sameAnswer(t, await p.both('PATCH', `/v3/projects/${child.id}`, { project: { description: 'x', enabled: false } }), 'stay disabled');
});

t.test('delete: a parent is refused, a leaf goes, unknown is 404, immutable is refused', async (t) => {
  const parent = await p.project({ domain_id: domain.id });
  await p.project({ domain_id: domain.id, parent_id: parent.id });
  sameAnswer(t, await p.both('DELETE', `/v3/projects/${parent.id}`), 'not a leaf');
  sameAnswer(t, await p.both('DELETE', `/v3/projects/${'c'.repeat(32)}`), 'unknown');
  const immutable = await p.project({ domain_id: domain.id, options: { immutable: true } });
  sameAnswer(t, await p.both('DELETE', `/v3/projects/${immutable.id}`), 'immutable');
  sameAnswer(t, await p.both('PATCH', `/v3/projects/${immutable.id}`, { project: { description: 'x' } }), 'immutable update');
  sameAnswer(t, await p.both('PATCH', `/v3/projects/${immutable.id}`, { project: { options: { immutable: false }, name: 'x' } }), 'release and rename');
  const release = await p.send('keystone-ts', 'PATCH', `/v3/projects/${immutable.id}`, { project: { options: { immutable: null } } });
  t.same(release.body.project.options, {}, 'immutable released');
  for (const server of SERVERS) {
    const leaf = await p.project({ domain_id: domain.id });
    t.equal((await p.send(server, 'DELETE', `/v3/projects/${leaf.id}`)).status, 204, `${server} deletes a leaf`);
    sameAnswer(t, await p.both('GET', `/v3/projects/${leaf.id}`), `${server}: gone`);
  }
});

t.test('a project acting as a domain: created, listed as a domain, deleted only when disabled', async (t) => {
  const created = await createOnBoth({ is_domain: true, domain_id: undefined });
  sameAnswer(t, created, 'create', { replace: created.replace });
  const id = created.mine.body.project.id;
  const asDomain = await p.both('GET', `/v3/domains/${id}`);
  sameAnswer(t, asDomain, 'shown as a domain');
  sameAnswer(t, await p.both('DELETE', `/v3/projects/${id}`), 'enabled: refused');
  t.equal((await p.send('keystone-ts', 'PATCH', `/v3/projects/${id}`, { project: { enabled: false } })).status, 200);
  t.equal((await p.send('keystone-ts', 'DELETE', `/v3/projects/${id}`)).status, 204);
  sameAnswer(t, await p.both('GET', `/v3/domains/${id}`), 'gone');
});
