// /v3/credentials against py-keystone on the same database and key repository: the same create, show, list,
// update and delete answers, and every blob written by one server read back by the other (and by py-keystone's
// own credential provider) with the key_hash py-keystone records for the primary key.
import { createHash } from 'node:crypto';
import t from 'tap';
import postgres from 'postgres';
import { PEER } from '../helpers/services.js';
import { comparable, pyCredentials, SERVERS, startKit, type Server } from './kit.js';

const kit = await startKit();
const sql = postgres(PEER.databaseUrl, { max: 1, onnotice: () => {} });
t.teardown(async () => {
  await sql.end();
  await kit.close();
});
const { fixture } = kit;

/** One credential per server made from the same fields; returns their bodies by server. */
async function pair(fields: (s: Server) => Record<string, unknown>): Promise<Record<Server, any>> {
  const out = {} as Record<Server, any>;
  for (const s of SERVERS) out[s] = await kit.create(s, fields(s));
  return out;
}

t.test('a created cert credential: extras kept, - and : in names read as _, id and extra ignored, links merged', async (t) => {
  const made = await pair(() => ({ type: 'cert', blob: 'same-blob', project_id: fixture.project.id, 'foo-bar': { n: [1, 'é'] }, 'a:b': 2, id: 'mine', extra: { e: 1 }, links: { own: 'x' } }));
  const ids = SERVERS.map((s) => made[s].id);
  t.match(made['keystone-ts'].id, /^[0-9a-f]{32}$/);
  t.same(comparable(made['keystone-ts'], 'keystone-ts', kit, ids), comparable(made['py-keystone'], 'py-keystone', kit, ids));
  t.same(made['keystone-ts'].foo_bar, { n: [1, 'é'] });
  const rows = await sql`select id, extra from credential where id in ${sql(ids)}`;
  t.equal(rows.length, 2);
  t.equal(rows[0]!.extra, rows[1]!.extra, 'extra is written as py-keystone writes it');
});

t.test('an ec2 credential is named by the sha256 of its access key on both servers', async (t) => {
  const made = await pair((s) => ({ type: 'ec2', project_id: fixture.project.id, blob: JSON.stringify({ access: `acc-${s}-${fixture.user.id}`, secret: 'sé' }) }));
  for (const s of SERVERS) {
    t.equal(made[s].id, createHash('sha256').update(`acc-${s}-${fixture.user.id}`).digest('hex'), s);
  }
  const ids = SERVERS.map((s) => made[s].id);
  const access = SERVERS.map((s) => `acc-${s}-${fixture.user.id}`);
  t.same(comparable(made['keystone-ts'], 'keystone-ts', kit, [...ids, ...access]), comparable(made['py-keystone'], 'py-keystone', kit, [...ids, ...access]));
});

t.test('every blob written by either server reads the same from both, and the rows are what py-keystone writes', async (t) => {
  const made = {
    cert: await pair(() => ({ type: 'cert', blob: 'ünïcode\nblob' })),
    ec2: await pair((s) => ({ type: 'ec2', project_id: fixture.project.id, blob: JSON.stringify({ access: `read-${s}-${fixture.user.id}`, secret: 'x' }) })),
    upperEc2: await pair((s) => ({ type: 'EC2', blob: JSON.stringify({ access: `upper-${s}-${fixture.user.id}` }) })),
    totp: await pair(() => ({ type: 'totp', blob: 'GEZDGNBVGY3TQOJQ' })),
  };
  for (const [kind, bodies] of Object.entries(made)) {
    for (const writer of SERVERS) {
      const reads = {} as Record<Server, any>;
      for (const reader of SERVERS) reads[reader] = (await kit.send(reader, 'GET', `/v3/credentials/${bodies[writer].id}`)).body;
      t.same(comparable(reads['keystone-ts'], 'keystone-ts', kit), comparable(reads['py-keystone'], 'py-keystone', kit), `${kind} written by ${writer}`);
      t.equal(reads['keystone-ts'].credential.blob, bodies[writer].blob, `${kind} written by ${writer}: the blob as created`);
    }
  }
  const ids = Object.values(made).flatMap((b) => SERVERS.map((s) => b[s].id));
  const rows = await sql`select id, type, key_hash, encrypted_blob from credential where id in ${sql(ids)}`;
  const py = await pyCredentials(PEER.credentialKeys, { decrypt: rows.map((r) => r.encrypted_blob) });
  t.equal(rows.length, ids.length);
  t.ok(rows.every((r) => r.key_hash === py.primary_key_hash), 'key_hash is the primary key hash py-keystone computes');
  const plain = new Map(rows.map((r, i) => [r.id, py.decrypted[i]]));
  for (const [kind, bodies] of Object.entries(made)) {
    const [theirs, ours] = SERVERS.map((s) => plain.get(bodies[s].id)!);
    // The same plaintext shape: an ec2 blob json.dumps'd (a JSON string literal), any other blob as given.
    const expected = (s: Server) => (kind === 'ec2' ? JSON.stringify(bodies[s].blob) : bodies[s].blob);
    t.equal(theirs, expected('py-keystone'), `${kind}: py-keystone's plaintext`);
    t.equal(ours, expected('keystone-ts'), `${kind}: keystone-ts's plaintext is py-keystone's`);
  }
});

t.test('HEAD on a credential and on the list answers 200 without a body, as GET would', async (t) => {
  const made = await kit.create('keystone-ts');
  for (const s of SERVERS) {
    for (const path of [`/v3/credentials/${made.id}`, '/v3/credentials', '/v3/credentials/nosuch']) {
      const head = await kit.send(s, 'HEAD', path);
      const get = await kit.send(s, 'GET', path);
      t.equal(head.status, get.status, `${s} HEAD ${path}`);
      t.equal(head.body, undefined);
    }
  }
});

t.test('lists filtered by user_id and type (exact, __contains, __icontains, too long) name the same credentials', async (t) => {
  const mine = [await kit.create('keystone-ts', { type: 'kts-Filter' }), await kit.create('py-keystone', { type: 'kts-filter' }), await kit.create('py-keystone', { type: 'other' })];
  const queries = [
    `user_id=${fixture.user.id}`,
    `user_id=${fixture.user.id}&type=kts-filter`,
    `user_id=${fixture.user.id}&type__contains=Filter`,
    `user_id=${fixture.user.id}&type__icontains=FILTER`,
    `user_id=${fixture.user.id}&type__startswith=kts`,
    `user_id=${fixture.user.id}&type__endswith=ilter`,
    `user_id=${'u'.repeat(65)}`,
    `user_id=${fixture.user.id}&type__icontains=${'x'.repeat(256)}`,
    `user_id=${fixture.user.id}&type=ec2&unknown=1`,
  ];
  for (const query of queries) {
    const lists = {} as Record<Server, any>;
    for (const s of SERVERS) lists[s] = await kit.send(s, 'GET', `/v3/credentials?${query}`);
    t.equal(lists['keystone-ts'].status, 200, query);
    const ids = (s: Server) => lists[s].body.credentials.map((c: any) => c.id).sort();
    t.same(ids('keystone-ts'), ids('py-keystone'), query);
    t.same(comparable(lists['keystone-ts'].body.links, 'keystone-ts', kit), comparable(lists['py-keystone'].body.links, 'py-keystone', kit));
  }
  const both = await kit.send('keystone-ts', 'GET', `/v3/credentials?user_id=${fixture.user.id}&type=kts-filter`);
  t.same(both.body.credentials.map((c: any) => c.id), [mine[1].id]);
});

t.test('PATCH replaces the blob (an ec2 blob then reads back as py-keystone dumps it) and keeps the rest', async (t) => {
  const certs = await pair(() => ({ type: 'cert', blob: 'before', extra_member: 'kept' }));
  const ec2 = await pair((s) => ({ type: 'ec2', project_id: fixture.project.id, blob: JSON.stringify({ access: `patch-${s}-${fixture.user.id}`, trust_id: null }) }));
  for (const [name, made] of Object.entries({ certs, ec2 })) {
    const answers = {} as Record<Server, any>;
    for (const s of SERVERS) {
      const blob = name === 'ec2' ? `{"access":"patched-${s}","secret":"é","trust_id":null}` : 'after';
      answers[s] = await kit.send(s, 'PATCH', `/v3/credentials/${made[s].id}`, { body: { credential: { blob } } });
    }
    const generated = SERVERS.flatMap((s) => [made[s].id, `patched-${s}`, `patch-${s}-${fixture.user.id}`]);
    t.equal(answers['keystone-ts'].status, 200);
    t.same(comparable(answers['keystone-ts'].body, 'keystone-ts', kit, generated), comparable(answers['py-keystone'].body, 'py-keystone', kit, generated), name);
    for (const writer of SERVERS) {
      const reads = {} as Record<Server, any>;
      for (const reader of SERVERS) reads[reader] = (await kit.send(reader, 'GET', `/v3/credentials/${made[writer].id}`)).body;
      t.same(comparable(reads['keystone-ts'], 'keystone-ts', kit), comparable(reads['py-keystone'], 'py-keystone', kit), `${name} patched by ${writer}`);
    }
  }
  const after = (await kit.send('keystone-ts', 'GET', `/v3/credentials/${ec2['keystone-ts'].id}`)).body.credential;
  t.equal(after.blob, '{"access": "patched-keystone-ts", "secret": "\\u00e9", "trust_id": null}');
});

t.test('DELETE removes the credential for both servers; a second DELETE, GET and PATCH are 404s', async (t) => {
  const made = await pair(() => ({}));
  for (const s of SERVERS) {
    t.equal((await kit.send(s, 'DELETE', `/v3/credentials/${made[s].id}`)).status, 204);
    const answers = {} as Record<Server, any>;
    for (const method of ['DELETE', 'GET', 'PATCH']) {
      for (const r of SERVERS) answers[r] = await kit.send(r, method, `/v3/credentials/${made[s].id}`, method === 'PATCH' ? { body: { credential: { blob: 'x' } } } : {});
      t.equal(answers['keystone-ts'].status, 404);
      t.same(answers['keystone-ts'].body, answers['py-keystone'].body, `${method} after ${s} deleted`);
    }
  }
});
