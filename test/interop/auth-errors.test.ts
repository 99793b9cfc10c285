// Bad and refused token requests get the same status, Keystone error body and WWW-Authenticate from keystone-ts
// as from py-keystone, and never a 500. Messages are compared too, except where py-keystone prints its JSON
// schema (keystone-ts names the offending field instead).
import t from 'tap';
import { call, issueToken, passwordAuth, uniqueName } from '../helpers/identity-api.js';
import { startKeystoneTs } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { createPeerFixture, removePeerFixture } from './fixtures.js';

const fixture = await createPeerFixture();
const ours = await startKeystoneTs();
t.teardown(async () => {
  await ours.close();
  await removePeerFixture(fixture);
});

const user = { name: fixture.user.name, domainId: fixture.domain.id };
const good = () => passwordAuth(user, fixture.user.password);

interface Case {
  name: string;
  method?: string;
  path?: string;
  body?: unknown;
  raw?: { body: string; contentType?: string };
  headers?: () => Promise<Record<string, string>>;
  /** py-keystone's message is a dump of its JSON schema: compare status and title only. */
  schemaMessage?: boolean;
}

const withoutPassword = (u: Record<string, unknown>) => ({ auth: { identity: { methods: ['password'], password: { user: u } } } });
const cases: Case[] = [
  { name: 'malformed JSON', raw: { body: '{"auth": ', contentType: 'application/json' } },
  { name: 'no Content-Type', raw: { body: JSON.stringify(good()) } },
  { name: 'an empty object', body: {}, schemaMessage: true },
  { name: 'auth without identity', body: { auth: {} }, schemaMessage: true },
  { name: 'methods that is not a list', body: { auth: { identity: { methods: 'password' } } }, schemaMessage: true },
  { name: 'a method with no data', body: { auth: { identity: { methods: ['password'] } } } },
  { name: 'a method unknown to the server', body: { auth: { identity: { methods: ['foo'], foo: {} } } } },
  { name: 'a method named but not given', body: { auth: { identity: { methods: ['foo'] } } } },
  { name: 'password without a user', body: { auth: { identity: { methods: ['password'], password: {} } } } },
  { name: 'a user with neither id nor name', body: withoutPassword({ password: 'x' }) },
  { name: 'a user name without a domain', body: withoutPassword({ name: fixture.user.name, password: 'x' }) },
  { name: 'a domain with neither id nor name', body: withoutPassword({ name: fixture.user.name, domain: {}, password: 'x' }) },
  { name: 'a wrong password', body: passwordAuth(user, 'wrong') },
  { name: 'no password at all', body: withoutPassword({ name: fixture.user.name, domain: { id: fixture.domain.id } }) },
  { name: 'an unknown user', body: passwordAuth({ name: uniqueName('nobody'), domainId: fixture.domain.id }, 'x') },
  { name: 'an unknown user id', body: passwordAuth({ id: 'f'.repeat(32) }, 'x') },
  { name: 'an unknown domain name', body: withoutPassword({ name: 'x', domain: { name: uniqueName('nodom') }, password: 'x' }) },
  { name: 'two scopes at once', body: { auth: { ...good().auth, scope: { project: { id: fixture.project.id }, domain: { id: fixture.domain.id } } } } },
  { name: 'an empty scope', body: { auth: { ...good().auth, scope: {} } } },
  { name: 'a project name without a domain', body: { auth: { ...good().auth, scope: { project: { name: fixture.project.name } } } } },
  { name: 'an unknown project', body: passwordAuth(user, fixture.user.password, { project: { id: 'e'.repeat(32) } }) },
  { name: 'a project the user has no role on', body: passwordAuth(user, fixture.user.password, { project: { name: 'admin', domain: { id: 'default' } } }) },
  { name: 'a domain the user has no role on', body: passwordAuth(user, fixture.user.password, { domain: { id: 'default' } }) },
  { name: 'a scope that is a number', body: { auth: { ...good().auth, scope: 3 } }, schemaMessage: true },
  { name: 'a token method without an id', body: { auth: { identity: { methods: ['token'], token: {} } } }, schemaMessage: true },
  { name: 'a token method with a garbage token', body: { auth: { identity: { methods: ['token'], token: { id: 'garbage' } } } } },
  { name: 'an application credential with an unknown id', body: { auth: { identity: { methods: ['application_credential'], application_credential: { id: 'a'.repeat(32), secret: 'x' } } } } },
  { name: 'an application credential without id or name', body: { auth: { identity: { methods: ['application_credential'], application_credential: { secret: 'x' } } } } },
  { name: 'a body over max_request_body_size', raw: { body: JSON.stringify({ auth: { padding: 'x'.repeat(120_000) } }), contentType: 'application/json' } },
  { name: 'validation without X-Auth-Token', method: 'GET', headers: async () => ({ 'X-Subject-Token': 'x' }) },
  { name: 'validation with a garbage X-Auth-Token', method: 'GET', headers: async () => ({ 'X-Auth-Token': 'garbage', 'X-Subject-Token': 'x' }) },
  {
    name: 'validation of a garbage X-Subject-Token',
    method: 'GET',
    headers: async () => ({ 'X-Auth-Token': (await issueToken(PEER.url, good())).id, 'X-Subject-Token': 'gAAAAAgarbage' }),
  },
  {
    name: 'validation without X-Subject-Token by an unprivileged user',
    method: 'GET',
    headers: async () => ({ 'X-Auth-Token': (await issueToken(PEER.url, good())).id }),
  },
  {
    name: 'revocation of a garbage X-Subject-Token',
    method: 'DELETE',
    headers: async () => ({ 'X-Auth-Token': (await issueToken(PEER.url, good())).id, 'X-Subject-Token': 'garbage' }),
  },
  { name: 'the catalog without a token', method: 'GET', path: '/v3/auth/catalog' },
  {
    name: 'the catalog of an unscoped token',
    method: 'GET',
    path: '/v3/auth/catalog',
    headers: async () => ({ 'X-Auth-Token': (await issueToken(PEER.url, good())).id }),
  },
];

async function send(base: string, c: Case, headers: Record<string, string>) {
  const path = c.path ?? '/v3/auth/tokens';
  if (c.raw) {
    const res = await fetch(`${base}${path}`, {
      method: c.method ?? 'POST',
      headers: { ...headers, ...(c.raw.contentType && { 'Content-Type': c.raw.contentType }) },
      body: c.raw.body,
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* py-keystone answers some failures in HTML */
    }
    return { status: res.status, headers: res.headers, body };
  }
  return call(base, c.method ?? 'POST', path, { headers, ...(c.body !== undefined && { body: c.body }) });
}

for (const c of cases) {
  t.test(`${c.name}: same answer as py-keystone`, async (t) => {
    const headers = c.headers ? await c.headers() : {};
    const [theirs, mine] = await Promise.all([send(PEER.url, c, headers), send(ours.url, c, headers)]);
    t.equal(mine.status, theirs.status, 'status');
    t.ok(mine.status >= 400 && mine.status < 500, 'a client error, never a 5xx');
    t.same(Object.keys(mine.body.error ?? {}).sort(), [...new Set(['code', 'message', 'title', ...Object.keys(theirs.body?.error ?? {})])].sort(), 'error body shape');
    t.equal(mine.body.error.code, mine.status);
    if (typeof theirs.body === 'object') {
      t.equal(mine.body.error.title, theirs.body.error.title, 'title');
      if (!c.schemaMessage) t.equal(mine.body.error.message, theirs.body.error.message, 'message');
      t.same(mine.body.error.identity, theirs.body.error.identity, 'extra error members');
    }
    if (mine.status === 401) {
      t.equal(mine.headers.get('www-authenticate'), `Keystone uri="${ours.url}/v3"`, 'WWW-Authenticate');
      t.ok(theirs.headers.get('www-authenticate'), 'py-keystone sends one too');
    }
    t.match(mine.headers.get('x-openstack-request-id'), /^req-/);
  });
}
