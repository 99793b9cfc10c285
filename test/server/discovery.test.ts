import t from 'tap';
import { validateConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import { buildApp } from '../../src/server/app.js';

const app = await buildApp({ config: validateConfig({}), logger: createLogger({ level: 'silent' }), routes: [] });
t.teardown(() => app.close());

t.test('GET / answers 300 with the v3 version and a Location to /v3/', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/', headers: { host: 'keystone.example:5000' } });
  t.equal(res.statusCode, 300);
  t.equal(res.headers.location, 'http://keystone.example:5000/v3/');
  const body = res.json();
  t.equal(body.versions.values[0].id, 'v3.14');
  t.same(body.versions.values[0].links, [{ rel: 'self', href: 'http://keystone.example:5000/v3/' }]);
});

t.test('GET /v3 is the version document and every response carries a request id', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v3', headers: { host: 'h' } });
  t.equal(res.statusCode, 200);
  t.equal(res.json().version.status, 'stable');
  t.match(res.headers['x-openstack-request-id'], /^req-[0-9a-f-]{36}$/);
  t.equal(res.headers.vary, 'X-Auth-Token');
});

t.test('HEAD /v3 answers like GET without a body', async (t) => {
  const res = await app.inject({ method: 'HEAD', url: '/v3' });
  t.equal(res.statusCode, 200);
  t.equal(res.body, '');
});

t.test('Accept: application/json-home gives a JSON-home document', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v3', headers: { accept: 'application/json-home' } });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/json-home/);
  t.type(res.json().resources, 'object');
});

t.test('GET /healthcheck is an empty 200 text/plain', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/healthcheck' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain/);
  t.equal(res.body, '');
});

t.test('an unknown path is a Keystone 404 body', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v3/nope' });
  t.equal(res.statusCode, 404);
  t.same(Object.keys(res.json().error).sort(), ['code', 'message', 'title']);
  t.equal(res.json().error.title, 'Not Found');
});
