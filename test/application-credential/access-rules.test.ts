// /v3/users/{user_id}/access_rules in keystone-ts answers as py-keystone does: a user's rules listed alike (with
// the service, path and method filters), shown alike (HEAD too), 404s worded alike, and a rule still used by a
// credential refused deletion (403) until the credential is gone.
import t from 'tap';
import type { IdentityEvent } from '../../src/notifications/events.js';
import { comparable, SERVERS, startKit, uniqueName } from './kit.js';

const kit = await startKit();
t.teardown(() => kit.close());

const rulesPath = `/v3/users/${kit.fixture.user.id}/access_rules`;
const tag = uniqueName('Rules');
const rules = [
  { service: 'compute', path: `/v2.1/${tag}/servers`, method: 'GET' },
  { service: 'compute', path: `/v2.1/${tag}/servers/*`, method: 'DELETE' },
  { service: 'image', path: `/v2/${tag}/images_all`, method: 'GET' },
];
const holder = await kit.create('keystone-ts', { access_rules: rules.slice(0, 2) });
const other = await kit.create('py-keystone', { access_rules: rules.slice(2) });
const ruleIds = [...holder.access_rules, ...other.access_rules].map((r: any) => r.id as string);

async function readBoth(path: string, method = 'GET') {
  const [theirs, mine] = await Promise.all(SERVERS.map((s) => kit.send(s, method, path)));
  const view = (res: typeof theirs, server: (typeof SERVERS)[number]) => {
    const body = comparable(res!.body, server, kit) as any;
    body?.access_rules?.sort((a: any, b: any) => a.id.localeCompare(b.id));
    return body;
  };
  return { theirs: theirs!, mine: mine!, theirView: view(theirs, 'py-keystone'), myView: view(mine, 'keystone-ts') };
}

t.test("a user's access rules are listed alike, with every filter form", async (t) => {
  const queries = [
    '',
    '?service=compute',
    '?method=GET',
    '?service=compute&method=DELETE',
    `?path=${encodeURIComponent(rules[0]!.path)}`,
    `?path__contains=${tag}`,
    `?path__icontains=${tag.toLowerCase()}`,
    '?path__endswith=*',
    '?path__iendswith=S_ALL',
    // A LIKE wildcard only matches itself: py-keystone checks every filter again over the answer.
    '?path__icontains=_',
    '?path__icontains=%25',
    '?service__startswith=comp',
    '?service=nova',
    '?user_id=someone',
  ];
  for (const query of queries) {
    const { mine, theirs, theirView, myView } = await readBoth(`${rulesPath}${query}`);
    t.equal(mine.status, 200, query);
    t.equal(theirs.status, 200, query);
    t.same(myView, theirView, query || 'no filter');
  }
  const all = (await kit.send('keystone-ts', 'GET', rulesPath)).body.access_rules;
  t.same(all.map((r: any) => r.id).sort(), [...ruleIds].sort());
});

t.test('an access rule is shown alike, HEAD answers without a body, a missing one is a 404 worded alike', async (t) => {
  const { mine, theirView, myView } = await readBoth(`${rulesPath}/${ruleIds[0]}`);
  t.equal(mine.status, 200);
  t.same(myView, theirView);
  t.match(mine.body.access_rule.links.self, `${kit.ours.url}/v3/access_rules/${ruleIds[0]}`);
  const head = await readBoth(`${rulesPath}/${ruleIds[0]}`, 'HEAD');
  t.equal(head.mine.status, 200);
  t.equal(head.theirs.status, 200);
  t.equal(head.mine.body, undefined);
  const gone = uniqueName('gone');
  for (const method of ['GET', 'DELETE']) {
    const missing = await readBoth(`${rulesPath}/${gone}`, method);
    t.equal(missing.mine.status, 404);
    t.same(missing.mine.body, missing.theirs.body);
  }
});

t.test('a rule in use cannot be deleted; once its credential is gone it can', async (t) => {
  const events: IdentityEvent[] = [];
  const unsubscribe = kit.ours.runtime.events.subscribe((e) => events.push(e));
  t.teardown(unsubscribe);
  const inUse = await readBoth(`${rulesPath}/${ruleIds[0]}`, 'DELETE');
  t.equal(inUse.mine.status, 403);
  t.same(inUse.mine.body, inUse.theirs.body);
  t.equal((await kit.send('keystone-ts', 'GET', `${rulesPath}/${ruleIds[0]}`)).status, 200, 'still there');

  t.equal((await kit.send('keystone-ts', 'DELETE', `${kit.credentials}/${holder.id}`)).status, 204);
  t.equal((await kit.send('keystone-ts', 'GET', `${rulesPath}/${ruleIds[0]}`)).status, 200, 'rules outlive their credentials');
  const mine = await kit.send('keystone-ts', 'DELETE', `${rulesPath}/${ruleIds[0]}`);
  const theirs = await kit.send('py-keystone', 'DELETE', `${rulesPath}/${ruleIds[1]}`);
  t.equal(mine.status, 204);
  t.equal(theirs.status, 204);
  t.same(mine.body, theirs.body);
  t.ok(events.some((e) => e.eventType === 'identity.access_rule.deleted' && e.resourceId === ruleIds[0]));
  for (const server of SERVERS) {
    for (const id of ruleIds.slice(0, 2)) t.equal((await kit.send(server, 'GET', `${rulesPath}/${id}`)).status, 404, `${id} gone on ${server}`);
  }
});
