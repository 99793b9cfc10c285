// Request bodies are read as py-keystone's json_body hook reads them, on every route: an empty body is no body
// whatever the Content-Type (Tempest sends `Content-Type: application/json` on its bodiless DELETEs), and JSON that
// is not an object is a 400. Same requests to the peer and to keystone-ts, same answers.
import t from 'tap';
import { startParity, uniqueName, type Server } from '../catalog/parity.js';
import { call } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';

const parity = await startParity();
t.teardown(() => parity.cleanup());
const base = (server: Server) => (server === 'py-keystone' ? PEER.url : parity.ks.url);
const json = { 'Content-Type': 'application/json' };

t.test('a bodiless DELETE sent with Content-Type: application/json deletes', async (t) => {
  for (const server of ['py-keystone', 'keystone-ts'] as const) {
    const role = (await parity.must('POST', '/v3/roles', { role: { name: uniqueName('jb-role') } })).role;
    const res = await call(base(server), 'DELETE', `/v3/roles/${role.id}`, { token: parity.token, headers: json });
    t.equal(res.status, 204, server);
  }
});

t.test('a bodiless POST sent with Content-Type: application/json is the route\'s own refusal, not a JSON error', async (t) => {
  const post = (server: Server) => call(base(server), 'POST', '/v3/roles', { token: parity.token, headers: json });
  const [theirs, mine] = [await post('py-keystone'), await post('keystone-ts')];
  t.equal(mine.status, theirs.status);
  t.equal(mine.status, 400);
  t.notMatch(mine.body.error.message, /valid JSON/, 'not the malformed-body message');
});

t.test('JSON that is not an object is a 400 on every route', async (t) => {
  for (const [method, path] of [['POST', '/v3/roles'], ['PATCH', '/v3/domains/default'], ['POST', '/v3/credentials']] as const) {
    for (const text of ['[]', '"role"', '1', 'null']) {
      const send = (server: Server) =>
        fetch(`${base(server)}${path}`, { method, headers: { ...json, 'X-Auth-Token': parity.token }, body: text }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as any,
        }));
      const [theirs, mine] = [await send('py-keystone'), await send('keystone-ts')];
      t.equal(mine.status, 400, `${method} ${path} ${text}`);
      t.same(mine, theirs, `${method} ${path} ${text}: as py-keystone`);
    }
  }
});
