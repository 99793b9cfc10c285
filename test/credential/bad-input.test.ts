// Bad create and update bodies get the 400 py-keystone gives, with the same first line; references to users and
// projects that do not exist are stored as py-keystone stores them (it checks neither); a taken ec2 access key is
// the same 409; and a refused request leaves nothing half-written. Where py-keystone breaks instead of answering
// (a non-text access key, an empty blob on update), keystone-ts answers and the test says what it answers.
import t from 'tap';
import postgres from 'postgres';
import { startKeystoneTs } from '../helpers/keystone-ts.js';
import { besidePeerConfig } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { firstLine, SERVERS, startKit, type Server } from './kit.js';

const kit = await startKit();
const sql = postgres(PEER.databaseUrl, { max: 1, onnotice: () => {} });
t.teardown(async () => {
  await sql.end();
  await kit.close();
});
const { fixture } = kit;
const user = fixture.user.id;
const project = fixture.project.id;

const countRows = async () => Number((await sql`select count(*) as n from credential where user_id = ${user}`)[0]!.n);

const CREATE_CASES: Record<string, unknown> = {
  'no credential member': {},
  'a credential that is no object': { credential: 'text' },
  'a null credential': { credential: null },
  'a list as the credential': { credential: [] },
  'a blob of the wrong type (and later members wrong too)': { credential: { blob: 5, type: 7, user_id: user } },
  'a project_id of the wrong type': { credential: { blob: 'b', type: 'cert', user_id: user, project_id: 5 } },
  'a null project_id': { credential: { blob: 'b', type: 'cert', user_id: user, project_id: null } },
  'a type of the wrong type': { credential: { blob: 'b', type: 5, user_id: user } },
  'a user_id of the wrong type': { credential: { blob: 'b', type: 'cert', user_id: ['u'] } },
  'no type': { credential: { blob: 'b', user_id: user } },
  'no blob': { credential: { type: 'cert', user_id: user } },
  'no user_id': { credential: { type: 'cert', blob: 'b' } },
  'an ec2 credential without a project': { credential: { type: 'ec2', user_id: user, blob: '{"access": "a"}' } },
  'an ec2 blob that is no JSON': { credential: { type: 'ec2', user_id: user, project_id: project, blob: 'not json' } },
  'an ec2 blob that is a JSON list': { credential: { type: 'ec2', user_id: user, project_id: project, blob: '[1]' } },
  'an ec2 blob that is an empty object': { credential: { type: 'ec2', user_id: user, project_id: project, blob: '{}' } },
  'an ec2 blob that is a JSON string': { credential: { type: 'ec2', user_id: user, project_id: project, blob: '"s"' } },
  'an ec2 blob without access': { credential: { type: 'ec2', user_id: user, project_id: project, blob: '{"secret": "s"}' } },
  'an ec2 blob with a null access': { credential: { type: 'ec2', user_id: user, project_id: project, blob: '{"access": null}' } },
  'an ec2 blob of NaN': { credential: { type: 'ec2', user_id: user, project_id: project, blob: 'NaN' } },
  'an EC2 (upper case) blob that is no JSON': { credential: { type: 'EC2', user_id: user, blob: 'x' } },
};

t.test('bad create bodies: the same status and first line of the message from both servers, and no row', async (t) => {
  const before = await countRows();
  for (const [name, body] of Object.entries(CREATE_CASES)) {
    const answers = {} as Record<Server, any>;
    for (const s of SERVERS) answers[s] = await kit.send(s, 'POST', '/v3/credentials', { body });
    t.equal(answers['keystone-ts'].status, answers['py-keystone'].status, `${name}: status ${answers['py-keystone'].status}`);
    t.equal(firstLine(answers['keystone-ts']), firstLine(answers['py-keystone']), `${name}: message`);
  }
  t.equal(await countRows(), before, 'nothing was stored');
});

t.test('a body that is no JSON object is a 400 from both', async (t) => {
  for (const raw of ['[]', '"credential"', '{bad json']) {
    const answers = {} as Record<Server, Response>;
    for (const s of SERVERS) {
      answers[s] = await fetch(`${kit.url(s)}/v3/credentials`, { method: 'POST', headers: { 'X-Auth-Token': fixture.adminToken, 'Content-Type': 'application/json' }, body: raw });
    }
    t.equal(answers['keystone-ts'].status, answers['py-keystone'].status, raw);
  }
});

t.test('users and projects that do not exist are stored as given by both (py-keystone checks neither)', async (t) => {
  for (const s of SERVERS) {
    const res = await kit.send(s, 'POST', '/v3/credentials', { body: { credential: { type: 'cert', user_id: 'no-such-user', project_id: 'no-such-project', blob: 'b' } } });
    t.equal(res.status, 201, s);
    t.equal(res.body.credential.user_id, 'no-such-user');
    kit.forget(res.body.credential.id);
  }
});

t.test('a second ec2 credential with a taken access key is the same 409 (by name when the body has one)', async (t) => {
  const blob = JSON.stringify({ access: `dup-${user}` });
  const first = await kit.create('py-keystone', { type: 'ec2', project_id: project, blob });
  for (const extra of [{}, { name: 'named' }]) {
    const answers = {} as Record<Server, any>;
    for (const s of SERVERS) answers[s] = await kit.send(s, 'POST', '/v3/credentials', { body: { credential: { type: 'ec2', user_id: user, project_id: project, blob, ...extra } } });
    t.equal(answers['keystone-ts'].status, 409);
    t.same(answers['keystone-ts'].body, answers['py-keystone'].body, JSON.stringify(extra));
  }
  t.equal((await kit.send('keystone-ts', 'GET', `/v3/credentials/${first.id}`)).body.credential.blob, blob, 'the first one is untouched');
});

t.test('bad update bodies: the same answers, and the stored blob is untouched', async (t) => {
  const cert = await kit.create('py-keystone', { type: 'cert', blob: 'kept' });
  const ec2 = await kit.create('py-keystone', { type: 'ec2', project_id: project, blob: JSON.stringify({ access: `upd-${user}`, trust_id: null }) });
  const stored = async () => (await sql`select id, encrypted_blob, key_hash from credential where id in ${sql([cert.id, ec2.id])} order by id`).map((r) => ({ ...r }));
  const before = await stored();
  const cases: [string, string, unknown][] = [
    ['no credential member', cert.id, {}],
    ['no blob', cert.id, { credential: {} }],
    ['a blob of the wrong type', cert.id, { credential: { blob: 5 } }],
    ['another member (type)', cert.id, { credential: { blob: 'x', type: 'ec2' } }],
    ['other members (user_id, project_id)', cert.id, { credential: { blob: 'x', user_id: 'u', project_id: 'p' } }],
    ['a credential that is no object', cert.id, { credential: 'x' }],
    ['an ec2 blob that is no JSON', ec2.id, { credential: { blob: 'no json' } }],
    ['an ec2 blob without access', ec2.id, { credential: { blob: '{"secret": "s"}' } }],
    ['an ec2 blob that sets a trust_id', ec2.id, { credential: { blob: JSON.stringify({ access: 'a', trust_id: 'x' }) } }],
    ['an ec2 blob that sets an app_cred_id', ec2.id, { credential: { blob: JSON.stringify({ access: 'a', app_cred_id: 'x' }) } }],
    ['an ec2 blob that sets an access_id', ec2.id, { credential: { blob: JSON.stringify({ access: 'a', access_id: 'x' }) } }],
    ['a bad body for a credential that does not exist', 'nosuch', { credential: { blobx: 'x' } }],
  ];
  for (const [name, id, body] of cases) {
    const answers = {} as Record<Server, any>;
    for (const s of SERVERS) answers[s] = await kit.send(s, 'PATCH', `/v3/credentials/${id}`, { body });
    t.equal(answers['keystone-ts'].status, answers['py-keystone'].status, `${name}: status ${answers['py-keystone'].status}`);
    t.equal(firstLine(answers['keystone-ts']), firstLine(answers['py-keystone']), `${name}: message`);
  }
  t.same(await stored(), before, 'neither blob changed');
});

t.test('where py-keystone breaks, keystone-ts answers', async (t) => {
  const access = await kit.send('keystone-ts', 'POST', '/v3/credentials', { body: { credential: { type: 'ec2', user_id: user, project_id: project, blob: '{"access": 5}' } } });
  t.equal(access.status, 400, 'a non-text access key is a 400 (py-keystone drops the connection)');
  t.equal(access.body.error.message, 'Invalid blob in credential');
  const cert = await kit.create('keystone-ts', { blob: 'full' });
  const empty = await kit.send('keystone-ts', 'PATCH', `/v3/credentials/${cert.id}`, { body: { credential: { blob: '' } } });
  t.equal(empty.status, 200, 'an empty blob is stored and shown (py-keystone stores it, then fails to answer)');
  t.equal(empty.body.credential.blob, '');
  t.equal((await kit.send('py-keystone', 'GET', `/v3/credentials/${cert.id}`)).body.credential.blob, '', 'py-keystone reads it');
});

t.test('[credential] user_limit: a user at the limit gets py-keystone\'s 403 and nothing is stored', async (t) => {
  const count = await countRows();
  const limited = await startKeystoneTs(besidePeerConfig({ credential: { user_limit: String(count) } }));
  t.teardown(() => limited.close());
  const res = await fetch(`${limited.url}/v3/credentials`, {
    method: 'POST',
    headers: { 'X-Auth-Token': fixture.adminToken, 'Content-Type': 'application/json' },
    body: JSON.stringify({ credential: { type: 'cert', user_id: user, blob: 'over' } }),
  });
  t.equal(res.status, 403);
  t.same(await res.json(), {
    error: { code: 403, title: 'Forbidden', message: `Unable to create additional credentials, maximum of ${count} already exceeded for user.` },
  });
  t.equal(await countRows(), count);
});
