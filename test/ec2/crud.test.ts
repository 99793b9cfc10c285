// /v3/users/{user_id}/credentials/OS-EC2 against py-keystone: credentials made by either server are listed,
// shown, used and deleted by the other with the same bodies; refusals (unknown user, project, access key;
// delegated tokens) match; and each persona gets the same decision from both.
import t from 'tap';
import { call, issueToken, passwordAuth } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { assertSameDecisions, createPersonas } from '../interop/personas.js';
import { outcome, SERVERS, startEc2Kit, type Server } from './kit.js';

const kit = await startEc2Kit();
t.teardown(() => kit.close());
const { fixture } = kit;
const path = `/v3/users/${fixture.user.id}/credentials/OS-EC2`;

/** A body with each server's base URL and the access keys and secrets it generated replaced. */
function comparable(body: unknown, server: Server, generated: string[]): unknown {
  let text = JSON.stringify(body).replaceAll(kit.url(server), '<base>');
  for (const g of generated) text = text.replaceAll(g, '<generated>');
  return JSON.parse(text);
}

async function create(server: Server, token = kit.adminToken): Promise<any> {
  const res = await kit.send(server, 'POST', path, { token, body: { tenant_id: fixture.project.id } });
  if (res.status !== 201) throw new Error(`create on ${server}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.credential;
}

t.test('a credential made by either server has the same shape and is shown alike by both', async (t) => {
  const made = { 'py-keystone': await create('py-keystone'), 'keystone-ts': await create('keystone-ts') };
  const secrets = SERVERS.flatMap((s) => [made[s].access, made[s].secret]);
  t.same(comparable(made['keystone-ts'], 'keystone-ts', secrets), comparable(made['py-keystone'], 'py-keystone', secrets), 'create bodies');
  t.match(made['keystone-ts'], { access: /^[0-9a-f]{32}$/, secret: /^[0-9a-f]{32}$/, trust_id: null, tenant_id: fixture.project.id });
  for (const owner of SERVERS) {
    const shown = [];
    for (const server of SERVERS) {
      const res = await kit.send(server, 'GET', `${path}/${made[owner].access}`);
      t.equal(res.status, 200, `${server} shows the credential ${owner} made`);
      shown.push(comparable(res.body, server, []));
    }
    t.same(shown[1], shown[0], `same show body for the credential ${owner} made`);
    t.equal((shown[1] as any).credential.secret, made[owner].secret);
  }
  const lists = [];
  for (const server of SERVERS) {
    const res = await kit.send(server, 'GET', path);
    t.equal(res.status, 200);
    lists.push(comparable({ ...res.body, credentials: [...res.body.credentials].sort((a: any, b: any) => a.access.localeCompare(b.access)) }, server, []));
  }
  t.same(lists[1], lists[0], 'same list');
  t.equal((lists[1] as any).credentials.length, 2);
});

t.test('each server deletes what the other made; a deleted key is then unknown to both', async (t) => {
  const a = await create('py-keystone');
  const b = await create('keystone-ts');
  t.equal((await kit.send('keystone-ts', 'DELETE', `${path}/${a.access}`)).status, 204);
  t.equal((await kit.send('py-keystone', 'DELETE', `${path}/${b.access}`)).status, 204);
  for (const access of [a.access, b.access]) {
    for (const method of ['GET', 'DELETE']) {
      const theirs = await kit.send('py-keystone', method, `${path}/${access}`);
      const mine = await kit.send('keystone-ts', method, `${path}/${access}`);
      t.equal(theirs.status, 404);
      t.same(outcome(mine), outcome(theirs), `${method} of a deleted key`);
    }
  }
});

t.test('refusals: missing or unknown project, unknown user, unknown key, bad bodies', async (t) => {
  const cases: { method: string; path: string; body?: unknown }[] = [
    { method: 'POST', path, body: {} },
    { method: 'POST', path },
    { method: 'POST', path, body: { tenant_id: 'no-such-project' } },
    { method: 'POST', path, body: { tenant_id: fixture.domain.id } },
    { method: 'POST', path, body: [] },
    { method: 'POST', path: '/v3/users/no-such-user/credentials/OS-EC2', body: { tenant_id: fixture.project.id } },
    { method: 'GET', path: '/v3/users/no-such-user/credentials/OS-EC2' },
    { method: 'GET', path: `${path}/no-such-key` },
    { method: 'DELETE', path: `${path}/no-such-key` },
    { method: 'PUT', path },
  ];
  for (const c of cases) {
    const opts = c.body !== undefined ? { body: c.body } : {};
    const theirs = await kit.send('py-keystone', c.method, c.path, opts);
    const mine = await kit.send('keystone-ts', c.method, c.path, opts);
    t.same(outcome(mine), outcome(theirs), `${c.method} ${c.path.replace(fixture.user.id, '<user>')} ${JSON.stringify(c.body)} -> ${theirs.status}`);
    if (theirs.status === 201) {
      for (const [s, res] of [['py-keystone', theirs], ['keystone-ts', mine]] as const) {
        await kit.send(s, 'DELETE', `/v3/users/${res.body.credential.user_id}/credentials/OS-EC2/${res.body.credential.access}`);
      }
    }
  }
  // A known key under another user's path: found by its key, judged by its owner (admin passes).
  const cred = await create('py-keystone');
  const other = `/v3/users/${(await call(PEER.url, 'GET', '/v3/users?name=admin', { token: kit.adminToken })).body.users[0].id}/credentials/OS-EC2/${cred.access}`;
  const theirs = await kit.send('py-keystone', 'GET', other);
  const mine = await kit.send('keystone-ts', 'GET', other);
  t.same(comparable(mine.body, 'keystone-ts', []), comparable(theirs.body, 'py-keystone', []), 'shown through another user path');
});

t.test('the owner manages their own credentials with a password token, not with an EC2 token', async (t) => {
  const own = await issueToken(PEER.url, passwordAuth({ id: fixture.user.id }, fixture.user.password, { project: { id: fixture.project.id } }));
  const made = { 'py-keystone': await create('py-keystone', own.id), 'keystone-ts': await create('keystone-ts', own.id) };
  t.equal(made['keystone-ts'].user_id, fixture.user.id);
  // A token from ec2tokens is a delegated one: Debian's py-keystone refuses it on these routes.
  const { signEc2, timestamps } = await import('./kit.js');
  const [signed] = signEc2([
    {
      secret: made['keystone-ts'].secret,
      credentials: {
        access: made['keystone-ts'].access,
        host: 'h',
        verb: 'GET',
        path: '/',
        params: { SignatureVersion: '2', Action: 'A', Timestamp: timestamps().iso },
      },
    },
  ]);
  const ec2 = await kit.send('keystone-ts', 'POST', '/v3/ec2tokens', { body: { credentials: signed } });
  t.equal(ec2.status, 200);
  const ec2Token = ec2.headers.get('x-subject-token')!;
  // Debian's py-keystone refuses an EC2 token as the caller of any route, not only these.
  const anyRoute = [['GET', `/v3/users/${fixture.user.id}`], ['GET', '/v3/auth/projects']] as const;
  for (const [method, p] of [['GET', path], ['GET', `${path}/${made['py-keystone'].access}`], ['DELETE', `${path}/${made['py-keystone'].access}`], ...anyRoute] as const) {
    const theirs = await call(PEER.url, method, p, { token: ec2Token });
    const mine = await call(kit.ours.url, method, p, { token: ec2Token });
    t.equal(theirs.status, 403, `py-keystone refuses ${method} with an EC2 token`);
    t.same(outcome(mine), outcome(theirs), `${method} with an EC2 token`);
  }
  for (const s of SERVERS) t.equal((await kit.send(s, 'DELETE', `${path}/${made[s === 'py-keystone' ? 'keystone-ts' : 'py-keystone'].access}`, { token: own.id })).status, 204);
});

t.test('persona decisions for list, create, show and delete', async (t) => {
  const personas = await createPersonas();
  t.teardown(() => personas.cleanup());
  const owner = personas.get('project-member');
  const ownerPath = `/v3/users/${owner.userId}/credentials/OS-EC2`;
  const make = async () => {
    const res = await call(PEER.url, 'POST', ownerPath, { token: personas.adminToken, body: { tenant_id: personas.projectId } });
    return res.body.credential.access as string;
  };
  const shared = await make();
  await assertSameDecisions(t, personas, kit.ours.url, () => ({ method: 'GET', path: ownerPath }));
  await assertSameDecisions(t, personas, kit.ours.url, (p) => ({ method: 'GET', path: `/v3/users/${p.userId}/credentials/OS-EC2` }));
  await assertSameDecisions(t, personas, kit.ours.url, () => ({ method: 'POST', path: ownerPath, body: { tenant_id: personas.projectId } }));
  await assertSameDecisions(t, personas, kit.ours.url, (p) => ({ method: 'POST', path: `/v3/users/${p.userId}/credentials/OS-EC2`, body: { tenant_id: personas.projectId } }));
  await assertSameDecisions(t, personas, kit.ours.url, () => ({ method: 'GET', path: `${ownerPath}/${shared}` }));
  await assertSameDecisions(t, personas, kit.ours.url, (p) => ({ method: 'GET', path: `/v3/users/${p.userId}/credentials/OS-EC2/${shared}` }));
  const items = new Map<string, string>();
  for (const p of personas.all) for (const s of SERVERS) items.set(`${p.name}/${s}`, await make());
  await assertSameDecisions(t, personas, kit.ours.url, (p, s) => ({ method: 'DELETE', path: `${ownerPath}/${items.get(`${p.name}/${s}`)}` }));
});
