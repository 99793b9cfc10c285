// /v3/projects/{id}/tags answered by keystone-ts as by py-keystone, and project lists filtered by tags (tags,
// tags-any, not-tags, not-tags-any, with py-keystone's quirks in combining them).
import t from 'tap';
import { comparable, sameAnswer, SERVERS, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());
const domain = await p.domain();

/** One project per server; `run` does the same steps on each against its own server. */
async function onEach(tags: string[], run: (server: (typeof SERVERS)[number], projectId: string) => Promise<unknown[]>) {
  const projects = await Promise.all(SERVERS.map(() => p.project({ domain_id: domain.id, tags })));
  const [theirs, mine] = await Promise.all(SERVERS.map((s, i) => run(s, projects[i]!.id)));
  const replace = { [projects[0]!.id]: '<id>', [projects[1]!.id]: '<id>' };
  return { theirs: theirs!, mine: mine!, replace };
}

t.test('list, add, check, remove, replace and clear tags', async (t) => {
  const steps = [
    ['GET', 'tags'],
    ['PUT', 'tags/new%20tag'],
    ['PUT', 'tags/%20padded%20'],
    ['GET', 'tags?some=query'],
    ['GET', 'tags/new%20tag'],
    ['HEAD', 'tags/new%20tag'],
    ['GET', 'tags/padded'],
    ['GET', 'tags/absent'],
    ['DELETE', 'tags/absent'],
    ['DELETE', 'tags/first'],
    ['PUT', 'tags', { tags: [' x ', 'y'] }],
    ['GET', 'tags'],
    ['DELETE', 'tags'],
    ['GET', 'tags'],
  ] as const;
  const run = async (server: (typeof SERVERS)[number], id: string) => {
    const answers = [];
    for (const [method, path, body] of steps) {
      const r = await p.send(server, method, `/v3/projects/${id}/${path}`, body);
      answers.push({ status: r.status, body: r.body ?? null, location: r.headers.get('location') });
    }
    return answers;
  };
  const { theirs, mine, replace } = await onEach(['first'], run);
  for (const [i, [method, path]] of steps.entries()) {
    sameAnswer(t, { theirs: theirs[i] as any, mine: mine[i] as any }, `${method} ${path}`, { replace });
    t.same(comparable((mine[i] as any).location, replace), comparable((theirs[i] as any).location, replace), `${method} ${path}: Location`);
  }
});

t.test('bad tags, duplicates and more than 80 tags are 400', async (t) => {
  const project = await p.project({ domain_id: domain.id, tags: ['dup'] });
  const base = `/v3/projects/${project.id}/tags`;
  const cases: [string, string, unknown?][] = [
    ['PUT', `${base}/a,b`],
    ['PUT', `${base}/dup`],
    ['PUT', `${base}/${'x'.repeat(256)}`],
    ['PUT', base, { tags: ['a', 'a'] }],
    ['PUT', base, { tags: Array.from({ length: 81 }, (_, i) => `t${i}`) }],
    ['PUT', base, { tags: 'a' }],
    ['PUT', base, {}],
    ['PUT', base, { tags: [5] }],
  ];
  for (const [method, path, body] of cases) {
    sameAnswer(t, await p.both(method, path, body), `${method} ${path.slice(base.length) || '/'} ${JSON.stringify(body)}`, { schemaMessage: true });
  }
});

t.test('tags of an unknown project are 404', async (t) => {
  const base = `/v3/projects/${'a'.repeat(32)}/tags`;
  for (const [method, path, body] of [['GET', base], ['PUT', base, { tags: [] }], ['DELETE', base], ['GET', `${base}/x`], ['PUT', `${base}/x`], ['DELETE', `${base}/x`]] as const) {
    sameAnswer(t, await p.both(method, path, body), `${method} ${path}`);
  }
});

t.test('an immutable project refuses tag changes', async (t) => {
  const project = await p.project({ domain_id: domain.id, tags: ['keep'], options: { immutable: true } });
  const base = `/v3/projects/${project.id}/tags`;
  for (const [method, path, body] of [['PUT', `${base}/new`], ['PUT', base, { tags: ['z'] }], ['DELETE', `${base}/keep`], ['DELETE', base]] as const) {
    sameAnswer(t, await p.both(method, path, body), `${method} ${path}`);
  }
  await p.send('py-keystone', 'PATCH', `/v3/projects/${project.id}`, { project: { options: { immutable: false } } });
});

t.test('project lists filter by tags, tags-any, not-tags and not-tags-any', async (t) => {
  const d = await p.domain();
  await p.project({ domain_id: d.id, name: `${d.name}-ab`, tags: ['a', 'b'] });
  await p.project({ domain_id: d.id, name: `${d.name}-bc`, tags: ['b', 'c'] });
  await p.project({ domain_id: d.id, name: `${d.name}-none` });
  const queries = [
    'tags=a,b',
    'tags=b',
    'tags=a,c',
    'tags-any=a,c',
    'not-tags=b',
    'not-tags-any=a,c',
    'tags=b&not-tags=c',
    'tags-any=a&not-tags-any=c',
    'tags=b&tags-any=c',
    'tags=zzz&not-tags=b',
    'not-tags=a&not-tags-any=c',
    'tags=',
    'tags=b&name__endswith=-bc',
  ];
  for (const q of queries) sameAnswer(t, await p.both('GET', `/v3/projects?domain_id=${d.id}&${q}`), q, { sortKey: 'projects' });
});
