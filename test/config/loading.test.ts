// keystone.conf is read with py-keystone's names and defaults; OS_<SECTION>__<OPTION> overrides it; a bad value
// stops start-up with a message naming the section and option.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { IniSyntaxError, parseIni } from '../../src/config/ini.js';

const dir = mkdtempSync(join(tmpdir(), 'kts-conf-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

t.test('defaults are py-keystone Zed defaults', async (t) => {
  const c = loadConfig({ env: {} });
  t.equal(c.token.expiration, 3600);
  t.equal(c.token.allow_expired_window, 172800);
  t.equal(c.fernet_tokens.key_repository, '/etc/keystone/fernet-keys/');
  t.equal(c.fernet_tokens.max_active_keys, 3);
  t.equal(c.identity.password_hash_algorithm, 'bcrypt');
  t.equal(c.identity.default_domain_id, 'default');
  t.same(c.auth.methods, ['external', 'password', 'token', 'oauth1', 'mapped', 'application_credential']);
  t.equal(c.oslo_policy.enforce_scope, false);
  t.equal(c.oslo_policy.enforce_new_defaults, false);
  t.equal(c.DEFAULT.max_request_body_size, 114688);
});

t.test('a py-keystone keystone.conf is read as written, unknown options ignored', async (t) => {
  const path = file(
    'a.conf',
    [
      '[DEFAULT]',
      'debug = True',
      'log_dir = /var/log/keystone   ; not a keystone-ts option',
      '[database]',
      'connection = postgresql+psycopg2://keystone:pw@db/keystone',
      '[token]',
      'expiration: 600',
      '# a comment',
      '[auth]',
      'methods = password,token,',
      '  application_credential',
      '[oslo_policy]',
      'enforce_scope = true',
    ].join('\n'),
  );
  const c = loadConfig({ file: path, env: {} });
  t.equal(c.DEFAULT.debug, true);
  t.equal(c.database.connection, 'postgresql+psycopg2://keystone:pw@db/keystone');
  t.equal(c.token.expiration, 600);
  t.same(c.auth.methods, ['password', 'token', 'application_credential'], 'continuation lines join a list');
  t.equal(c.oslo_policy.enforce_scope, true);
});

t.test('OS_<SECTION>__<OPTION> overrides the file', async (t) => {
  const path = file('b.conf', '[token]\nexpiration = 600\n');
  const c = loadConfig({ file: path, env: { OS_TOKEN__EXPIRATION: '120', OS_DEFAULT__INSECURE_DEBUG: 'yes' } });
  t.equal(c.token.expiration, 120);
  t.equal(c.DEFAULT.insecure_debug, true);
});

t.test('a bad value names its section and option', async (t) => {
  const path = file('c.conf', '[token]\nexpiration = soon\n[identity]\npassword_hash_algorithm = md5\n');
  t.throws(() => loadConfig({ file: path, env: {} }), ConfigError);
  try {
    loadConfig({ file: path, env: {} });
  } catch (err) {
    t.match((err as Error).message, /\[token\] expiration = "soon"/);
    t.match((err as Error).message, /\[identity\] password_hash_algorithm = "md5"/);
  }
  t.throws(() => loadConfig({ env: { OS_KEYSTONE_TS__BIND: 'nowhere' } }), /\[keystone_ts\] bind = "nowhere": must be HOST:PORT/);
});

t.test('a missing file and a malformed file are clear errors', async (t) => {
  t.throws(() => loadConfig({ file: join(dir, 'missing.conf'), env: {} }), /cannot read config file .*missing\.conf/);
  t.throws(() => parseIni('[token]\nthis line has no value\n', 'x.conf'), IniSyntaxError);
  t.throws(() => parseIni('expiration = 1\n', 'x.conf'), /x\.conf:1: option "expiration" appears before any \[section\]/);
});
