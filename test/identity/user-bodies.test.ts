// Bad user bodies get py-keystone's 400s, naming the same field and problem (py-keystone's first paragraph:
// it goes on with a dump of its JSON schema), checked in the same order: type, properties in schema order,
// required, then additional properties. Unknown top-level attributes are kept, unknown options refused.
import t from 'tap';
import { call } from '../helpers/identity-api.js';
import { sameAnswer, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());

const createBodies: unknown[] = [
  { user: { name: 1 } },
  { user: {} },
  { user: { name: '' } },
  { user: { name: '   ' } },
  { user: { name: 'n'.repeat(256) } },
  { user: { name: 'x', enabled: 'yes' } },
  { user: { name: 'x', enabled: null } },
  { user: { name: 'x', domain_id: 'a b' } },
  { user: { name: 'x', domain_id: '' } },
  { user: { name: 'x', domain_id: 'd'.repeat(65) } },
  { user: { name: 'x', default_project_id: 5 } },
  { user: { name: 'x', default_project_id: 'not valid!' } },
  { user: { name: 'x', description: ['d'] } },
  { user: { name: 'x', password: 12345 } },
  { user: { name: 'x', options: { bogus: true } } },
  { user: { name: 'x', options: { bogus: true, other: 1 } } },
  { user: { name: 'x', options: { lock_password: 'yes' } } },
  { user: { name: 'x', options: { multi_factor_auth_rules: [[]] } } },
  { user: { name: 'x', options: { multi_factor_auth_rules: [['password'], ['password']] } } },
  { user: { name: 'x', options: { multi_factor_auth_rules: [['password', 'password']] } } },
  { user: { name: 'x', options: { multi_factor_auth_rules: 'password' } } },
  { user: { name: 'x', options: { multi_factor_auth_rules: [[1]] } } },
  { user: { name: 'x', options: [] } },
  { user: { name: 'x', federated: {} } },
  { user: { name: 'x', federated: [{ idp_id: 'i' }] } },
  { user: { name: 'x', federated: [{ idp_id: 'i', protocols: [] }] } },
  { user: { name: 'x', federated: [{ idp_id: 'i', protocols: [{ protocol_id: 'p' }] }] } },
  { user: { enabled: 'no' } },
  { user: { password: 1, description: 2 } },
  { user: { options: { bogus: 1 } } },
  { user: 'x' },
  { user: null },
  { user: [] },
  {},
  { users: { name: 'x' } },
];

t.test('create: each bad body is refused as py-keystone refuses it', async (t) => {
  for (const body of createBodies) sameAnswer(t, await p.both('POST', '/v3/users', body), JSON.stringify(body));
});

t.test('update: each bad body is refused as py-keystone refuses it', async (t) => {
  const user = await p.user();
  const bodies: unknown[] = [{ user: {} }, { user: { name: 5 } }, { user: { enabled: 1 } }, { user: { options: { nope: null } } }, { user: null }, {}];
  for (const body of bodies) sameAnswer(t, await p.both('PATCH', `/v3/users/${user.id}`, body), JSON.stringify(body));
});

t.test('a body that is not a JSON object, or not JSON, is a 400 before anything else', async (t) => {
  for (const raw of ['[1, 2]', '"text"', '{"user": ', 'not json']) {
    const send = (base: string) =>
      fetch(`${base}/v3/users`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Auth-Token': p.token }, body: raw }).then(
        async (r) => ({ status: r.status, headers: r.headers, body: await r.json() }),
      );
    sameAnswer(t, { theirs: await send('http://127.0.0.1:5001'), mine: await send(p.ks.url) }, raw);
  }
  const noToken = await call(p.ks.url, 'POST', '/v3/users', { body: { user: { name: 1 } } });
  t.equal(noToken.status, 401, 'without a token, a bad body is a 401 first');
});
