// The key repository behaves as py-keystone's keystone-manage fernet_setup/fernet_rotate and load_keys do, so the
// two implementations can share one directory.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createLogger } from '../../src/logger.js';
import { KeyRepositoryError } from '../../src/token/errors.js';
import { Fernet } from '../../src/token/fernet.js';
import { KeyRepository, loadKeySet, rotateKeyRepository, setupKeyRepository } from '../../src/token/key-repository.js';

function scratch(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kts-keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'fernet-keys');
}

function recorder() {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (msg: unknown) => void lines.push({ level, msg: String(msg) });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

const names = (dir: string) => readdirSync(dir).sort((a, b) => Number(a) - Number(b));

t.test('setup creates a private directory with a staged key 0 and a primary key 1', async (t) => {
  const dir = scratch(t);
  t.equal(setupKeyRepository(dir, 3), true);
  t.same(names(dir), ['0', '1']);
  t.equal(statSync(dir).mode & 0o777, 0o700);
  for (const name of names(dir)) {
    t.equal(statSync(join(dir, name)).mode & 0o777, 0o600, `key ${name} is 0600`);
    t.match(readFileSync(join(dir, name), 'utf8'), /^[A-Za-z0-9_-]{43}=$/);
  }
  t.same(loadKeySet(dir).keyIds, [1, 0]);
});

t.test('setup on an initialized repository changes nothing', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  const before = names(dir).map((n) => readFileSync(join(dir, n), 'utf8'));
  t.equal(setupKeyRepository(dir, 3), false);
  t.same(names(dir).map((n) => readFileSync(join(dir, n), 'utf8')), before);
});

t.test('rotation promotes the staged key to primary and stages a new one', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  const staged = readFileSync(join(dir, '0'), 'utf8');
  const result = rotateKeyRepository(dir, 3);
  t.same(result, { primary: 2, purged: [] });
  t.same(names(dir), ['0', '1', '2']);
  t.equal(readFileSync(join(dir, '2'), 'utf8'), staged);
  t.not(readFileSync(join(dir, '0'), 'utf8'), staged);
  t.equal(statSync(join(dir, '0')).mode & 0o777, 0o600);
  t.notOk(readdirSync(dir).includes('0.tmp'));
});

t.test('rotation prunes the lowest keys down to max_active_keys, staged key included', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  rotateKeyRepository(dir, 3);
  t.same(rotateKeyRepository(dir, 3), { primary: 3, purged: [1] });
  t.same(names(dir), ['0', '2', '3']);
  t.same(rotateKeyRepository(dir, 2), { primary: 4, purged: [2, 3] });
  t.same(names(dir), ['0', '4']);
});

t.test('a token made with the primary key still validates after two rotations, and not after it is pruned', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  const token = loadKeySet(dir).fernet.encrypt(Buffer.from('x'));
  rotateKeyRepository(dir, 3);
  t.equal(loadKeySet(dir).fernet.decrypt(token).toString(), 'x');
  rotateKeyRepository(dir, 3);
  t.throws(() => loadKeySet(dir).fernet.decrypt(token));
});

t.test('the staged key already decrypts, so tokens from a node that rotated first validate here', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  const staged = readFileSync(join(dir, '0'), 'utf8');
  const tokenFromRotatedNode = new Fernet([staged]).encrypt(Buffer.from('y'));
  t.equal(loadKeySet(dir).fernet.decrypt(tokenFromRotatedNode).toString(), 'y');
});

t.test('loading ignores non-numeric and empty files, with a warning for the empty one', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  writeFileSync(join(dir, 'README'), 'not a key');
  writeFileSync(join(dir, '0.tmp'), 'half-written');
  writeFileSync(join(dir, '7'), '');
  const { lines, logger } = recorder();
  t.same(loadKeySet(dir, { logger }).keyIds, [1, 0]);
  t.ok(lines.some((l) => l.level === 'warn' && l.msg.includes('Ignoring empty key') && l.msg.endsWith('/7')));
});

t.test('a key file that is not a 32-byte urlsafe base64 key is refused, naming the file', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  writeFileSync(join(dir, '5'), Buffer.alloc(16).toString('base64url'), { mode: 0o600 });
  t.throws(() => loadKeySet(dir), { message: /fernet-keys\/5: Fernet key must be 32/ });
});

t.test('a key file with a trailing newline is accepted, as py-keystone accepts it', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  writeFileSync(join(dir, '1'), readFileSync(join(dir, '1'), 'utf8') + '\n');
  t.equal(loadKeySet(dir).keys[0]!.length, 44);
});

t.test('an empty or missing repository yields KeyRepositoryError', async (t) => {
  const dir = scratch(t);
  t.throws(() => loadKeySet(dir), KeyRepositoryError);
  t.throws(() => rotateKeyRepository(dir, 3), KeyRepositoryError);
});

t.test('a repository readable by others is used with py-keystone\'s warning, or refused in strict mode', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  chmodSync(dir, 0o755);
  const { lines, logger } = recorder();
  t.same(loadKeySet(dir, { logger }).keyIds, [1, 0]);
  t.same(lines.filter((l) => l.level === 'warn').map((l) => l.msg), [`key_repository is world readable: ${dir}`]);
  t.throws(() => loadKeySet(dir, { refuseOtherAccess: true }), new KeyRepositoryError(`key_repository is world readable: ${dir}`));
  chmodSync(dir, 0o701);
  t.throws(() => loadKeySet(dir, { refuseOtherAccess: true }), KeyRepositoryError, 'search permission for others counts too');
});

t.test('the server\'s pino logger receives the repository warnings', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  chmodSync(dir, 0o705);
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  loadKeySet(dir, { logger });
  t.match(JSON.parse(lines[0]!), { level: 40, msg: `key_repository is world readable: ${dir}` });
});

t.test('a running server picks up a rotation at its next check, not before', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  let now = 0;
  const repo = new KeyRepository(dir, { recheckSeconds: 5, clock: () => now });
  const first = repo.current();
  t.same(first.keyIds, [1, 0]);
  rotateKeyRepository(dir, 3);
  now = 4000;
  t.equal(repo.current(), first, 'within the recheck interval the loaded set is kept');
  now = 5000;
  t.same(repo.current().keyIds, [2, 1, 0]);
  t.ok(Object.isFrozen(repo.current()) && Object.isFrozen(repo.current().keyIds));
});

t.test('a key rewritten in place is picked up too', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  let now = 0;
  const repo = new KeyRepository(dir, { recheckSeconds: 1, clock: () => now });
  const before = repo.current().keys[1];
  const replacement = 'A'.repeat(43) + '=';
  writeFileSync(join(dir, '0'), replacement);
  now = 1000;
  t.not(repo.current().keys[1], before);
  t.equal(repo.current().keys[1], replacement);
});

t.test('a broken reload keeps the last good keys and logs an error', async (t) => {
  const dir = scratch(t);
  setupKeyRepository(dir, 3);
  let now = 0;
  const { lines, logger } = recorder();
  const repo = new KeyRepository(dir, { recheckSeconds: 1, clock: () => now, logger });
  writeFileSync(join(dir, '9'), 'garbage');
  now = 1000;
  t.same(repo.current().keyIds, [1, 0]);
  t.ok(lines.some((l) => l.level === 'error' && l.msg.includes('keeping the loaded ones')));
  rmSync(join(dir, '9'));
  now = 2000;
  t.same(repo.current().keyIds, [1, 0]);
});
