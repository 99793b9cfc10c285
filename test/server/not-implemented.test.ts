// Families of the v3 API that keystone-ts does not serve yet answer Keystone's 501 body, whatever the method.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { validateConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import { buildApp } from '../../src/server/app.js';
import { NOT_IMPLEMENTED_PREFIXES, registerNotImplemented } from '../../src/server/not-implemented.js';

const app = await buildApp({ config: validateConfig({}), logger: createLogger({ level: 'silent' }), routes: [] });
t.teardown(() => app.close());

t.test('unimplemented families answer 501 NotImplemented', async (t) => {
  const app501 = await buildApp({
    config: validateConfig({}),
    logger: createLogger({ level: 'silent' }),
    routes: [registerNotImplemented],
    // Route registration reads no service; requests to these routes never reach one.
    services: {} as never,
  });
  t.teardown(() => app501.close());
  for (const [method, url] of [
    ['GET', '/v3/OS-FEDERATION/identity_providers'],
    ['POST', '/v3/OS-OAUTH1/consumers'],
    ['POST', '/v3/OS-OAUTH2/token'],
    ['GET', '/v3/auth/OS-FEDERATION/websso/saml2'],
    ['GET', '/v3/users/u1/OS-OAUTH1/access_tokens'],
    ['PATCH', '/v3/OS-FEDERATION/mappings/m1'],
  ] as const) {
    const res = await app501.inject({ method, url });
    t.equal(res.statusCode, 501, `${method} ${url}`);
    t.same(res.json(), {
      error: { code: 501, title: 'Not Implemented', message: 'The action you have requested has not been implemented.' },
    });
  }
});

t.test('a path outside every family is still a 404', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v3/OS-NOPE/things' });
  t.equal(res.statusCode, 404);
});

t.test('docs/status.md names every family that answers 501', async (t) => {
  const status = readFileSync(new URL('../../docs/status.md', import.meta.url), 'utf8');
  const section = status.slice(status.indexOf('## Answering 501'), status.indexOf('## Known differences'));
  for (const prefix of NOT_IMPLEMENTED_PREFIXES) t.ok(section.includes(`\`${prefix.replace(':user_id', '{id}')}\``), prefix);
});
