// The domain configuration API answered by keystone-ts as by py-keystone: create/replace, show (whole, group,
// option; sensitive options hidden), update and delete of groups and options, the refusals, the defaults, and the
// read-only security_compliance view.
import t, { type Test } from 'tap';
import { sameAnswer, SERVERS, startParity } from './parity.js';

const p = await startParity();
t.teardown(() => p.cleanup());

type Step = readonly [method: string, path: string, body?: unknown];

/** Runs the same steps against a fresh domain on each server and compares every answer. */
async function compareSteps(t: Test, steps: readonly Step[]) {
  const domains = await Promise.all(SERVERS.map(() => p.domain()));
  const run = async (server: (typeof SERVERS)[number], id: string) => {
    const answers = [];
    for (const [method, path, body] of steps) answers.push(await p.send(server, method, `/v3/domains/${id}/config${path}`, body));
    return answers;
  };
  const [theirs, mine] = await Promise.all(SERVERS.map((s, i) => run(s, domains[i]!.id)));
  const replace = { [domains[0]!.id]: '<domain>', [domains[1]!.id]: '<domain>' };
  for (const [i, [method, path, body]] of steps.entries()) {
    sameAnswer(t, { theirs: theirs![i]!, mine: mine![i]! }, `${method} config${path} ${body ? JSON.stringify(body) : ''}`, { replace });
  }
}

const full = {
  config: {
    identity: { driver: 'ldap' },
    ldap: { url: 'ldap://example', user_tree_dn: 'ou=Users', page_size: 10, password: 's3cret' },
  },
};

t.test('create, replace and show a configuration; sensitive options never show', async (t) => {
  await compareSteps(t, [
    ['GET', ''],
    ['PUT', '', full],
    ['GET', ''],
    ['HEAD', ''],
    ['GET', '/ldap'],
    ['GET', '/ldap/url'],
    ['GET', '/ldap/password'],
    ['GET', '/identity/list_limit'],
    ['PUT', '', { config: { ldap: { url: 'ldap://other' } } }],
    ['GET', ''],
    ['GET', '/identity'],
  ]);
});

t.test('update a group, an option or the whole configuration', async (t) => {
  await compareSteps(t, [
    ['PUT', '', full],
    ['PATCH', '', { config: { ldap: { url: 'ldap://patched', suffix: 'dc=x' } } }],
    ['PATCH', '/ldap', { config: { ldap: { user_tree_dn: 'ou=People' } } }],
    ['PATCH', '/ldap/page_size', { config: { page_size: 20 } }],
    ['PATCH', '/ldap/password', { config: { password: 'new' } }],
    ['PATCH', '/ldap/use_tls', { config: { use_tls: true } }],
    ['PATCH', '/ldap', { config: { identity: { driver: 'sql' } } }],
    ['PATCH', '/ldap', { config: { ldap: { url: 'x' }, identity: { driver: 'sql' } } }],
    ['PATCH', '/ldap/url', { config: { suffix: 'x' } }],
    ['PATCH', '/ldap/url', { config: { url: 'x', suffix: 'y' } }],
    ['PATCH', '/identity', { config: { identity: { list_limit: 5 } } }],
    ['GET', ''],
  ]);
});

t.test('delete an option, a group, everything; what is not there is 404', async (t) => {
  await compareSteps(t, [
    ['PUT', '', full],
    ['DELETE', '/ldap/url'],
    ['DELETE', '/ldap/url'],
    ['DELETE', '/ldap/password'],
    ['DELETE', '/ldap/tls_cacertdir'],
    ['GET', '/ldap'],
    ['DELETE', '/identity'],
    ['DELETE', '/identity'],
    ['DELETE', ''],
    ['GET', ''],
    ['DELETE', ''],
  ]);
});

t.test('unsupported groups and options, and malformed configurations, are refused', async (t) => {
  await compareSteps(t, [
    ['PUT', '', { config: { foo: { a: 1 } } }],
    ['PUT', '', { config: { ldap: { nope: 1 } } }],
    ['PUT', '', { config: { ldap: {} } }],
    ['PUT', '', { config: { ldap: 'x' } }],
    ['PUT', '', { config: {} }],
    ['PUT', '', { config: null }],
    ['PUT', '', {}],
    ['PUT', '', { config: 'abc' }],
    ['PUT', '', { config: 5 }],
    ['GET', '/foo'],
    ['GET', '/ldap/nope'],
    ['PATCH', '/foo', { config: { foo: { a: 1 } } }],
    ['DELETE', '/ldap/nope'],
  ]);
});

t.test('the configuration of an unknown domain is 404', async (t) => {
  const base = `/v3/domains/${'b'.repeat(32)}/config`;
  for (const [method, path, body] of [['GET', base], ['GET', `${base}/ldap`], ['PUT', base, full], ['PATCH', base, full], ['DELETE', base]] as const) {
    sameAnswer(t, await p.both(method, path, body), `${method} ${path}`);
  }
});

t.test('defaults of the whitelisted options', async (t) => {
  for (const path of ['default', 'ldap/default', 'identity/default', 'ldap/url/default', 'ldap/password/default', 'foo/default', 'identity/nope/default']) {
    sameAnswer(t, await p.both('GET', `/v3/domains/config/${path}`), path);
  }
});

t.test('security_compliance: password rules of the default domain only', async (t) => {
  const other = await p.domain();
  for (const path of [
    'default/config/security_compliance',
    'default/config/security_compliance/password_regex',
    'default/config/security_compliance/lockout_duration',
    `${other.id}/config/security_compliance`,
  ]) {
    sameAnswer(t, await p.both('GET', `/v3/domains/${path}`), path, { replace: { [other.id]: '<other>' } });
  }
});
