// What callers of the password module can rely on beyond passlib parity (password-passlib-parity.test.ts):
// bad stored hashes are simply no match, configured parameters end up in the hash, and bad input or settings
// fail with the right error instead of hashing something py-keystone would not.
import t from 'tap';
import { configSchema } from '../../src/config/schema.js';
import {
  checkPassword,
  hashPassword,
  maxPasswordBytes,
  verifyPassword,
  type IdentityConfig,
} from '../../src/identity/password-hash.js';

const defaults = configSchema.parse({}).identity;
const identity = (overrides: Partial<IdentityConfig>): IdentityConfig => ({ ...defaults, ...overrides });

t.test('a stored hash in an unknown or malformed format is no match, never an error', async (t) => {
  const good = await hashPassword('pw', identity({ password_hash_rounds: 4 }));
  const bad = [
    '',
    'pw',
    '$',
    '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g',
    '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/', // md5_crypt: not in py-keystone's list
    '$5$rounds=5000$salt$' + 'a'.repeat(43), // sha256_crypt: not in py-keystone's list either
    good.replace('$2b$', '$2x$'), // crypt_blowfish's buggy variant, refused by passlib
    good.slice(0, -1),
    good.replace('$04$', '$4$'),
    good.replace('$04$', '$03$'),
    good + 'é',
    '$bcrypt-sha256$v=3,t=2b,r=4$RvavQZW.lx5Dzk07hnGeaO$q/HhsqJOSlqwREDXlYAV9AMuFvctJsG',
    '$bcrypt-sha256$v=2,t=2b,r=04$RvavQZW.lx5Dzk07hnGeaO$q/HhsqJOSlqwREDXlYAV9AMuFvctJsG',
    '$scrypt$ln=0,r=8,p=1$r9UaYyzFmLOWslZKibEWgg$E6TLpiuOpfL5qfarqDuwaanKfVzw30mXbhN2wrNzToM',
    '$scrypt$ln=16,r=0,p=1$r9UaYyzFmLOWslZKibEWgg$E6TLpiuOpfL5qfarqDuwaanKfVzw30mXbhN2wrNzToM',
    '$scrypt$ln=16,r=8,p=1$r9UaYyzFmLOWslZKibEWgg$E6TLpiuOpfL5qfarqDuwaanKfVzw30mXbhN2wrNzTo',
    '$scrypt$ln=16,r=8,p=1$r9UaY!zFmLOWslZKibEWgg$E6TLpiuOpfL5qfarqDuwaanKfVzw30mXbhN2wrNzToM',
    // Needs 128 * 64 * 2^24 bytes = 128 GiB: refused before any memory is taken.
    '$scrypt$ln=24,r=64,p=1$r9UaYyzFmLOWslZKibEWgg$E6TLpiuOpfL5qfarqDuwaanKfVzw30mXbhN2wrNzToM',
    '$pbkdf2-sha512$025000$X8v5fy/FeI9RirE2xlgr5Q$kNFmOLnb5GfVkIjEWYFd.WZXBrUJJ6IDamNi9ug/C640KyDtbJkLYGDAYLJOXJPzXVaZyiJ5as7c4SPlN0Incw',
    '$pbkdf2-sha512$25000$X8v5fy/FeI9RirE2xlgr5Q$kNFmOLnb5GfVkIjEWYFd',
    '$6$rounds=999$saltstring$' + 'a'.repeat(86),
    '$6$rounds=01000$saltstring$' + 'a'.repeat(86),
    '$6$saltstringsaltstring$' + 'a'.repeat(86),
  ];
  for (const hash of bad) t.equal(await verifyPassword('pw', hash), false, hash);
  t.equal(await verifyPassword('pw', good), true, 'the untouched hash still matches');
});

t.test('no stored password at all is no match', async (t) => {
  t.equal(await checkPassword('pw', null, defaults), false);
  t.equal(await checkPassword('pw', undefined, defaults), false);
});

t.test('a password beyond passlib\'s 4096-byte limit never matches', async (t) => {
  const long = 'p'.repeat(4097);
  const hash = await hashPassword(long, identity({ password_hash_algorithm: 'pbkdf2_sha512', password_hash_rounds: 1 }));
  t.equal(await verifyPassword(long.slice(0, 4096), hash), true, 'max_password_length (4096) cut it on hashing');
  t.equal(await verifyPassword(long, hash), false);
});

t.test('bcrypt refuses a password with a NUL byte, as passlib does, instead of hashing part of it', async (t) => {
  await t.rejects(hashPassword('abc\0def', identity({ password_hash_rounds: 4 })), { code: 400 });
  const hash = await hashPassword('abc', identity({ password_hash_rounds: 4 }));
  t.equal(await verifyPassword('abc\0def', hash), false);
  const sha256 = await hashPassword('abc\0def', identity({ password_hash_algorithm: 'bcrypt_sha256', password_hash_rounds: 4 }));
  t.equal(await verifyPassword('abc\0def', sha256), true, 'bcrypt_sha256 pre-hashes, so NUL is fine there');
  t.equal(await verifyPassword('abc', sha256), false);
});

t.test('a password that is not valid UTF-16 is a 400 to hash and no match to verify', async (t) => {
  const lone = 'pw\uD83D';
  await t.rejects(hashPassword(lone, defaults), { code: 400, title: 'Bad Request' });
  const hash = await hashPassword('pw\uFFFD', identity({ password_hash_rounds: 4 }));
  t.equal(await verifyPassword(lone, hash), false, 'not taken as its U+FFFD replacement');
});

t.test('hashes carry the configured rounds, scrypt block size and parallelism, and salt size', async (t) => {
  t.match(await hashPassword('pw', identity({ password_hash_rounds: 5 })), /^\$2b\$05\$[./A-Za-z0-9]{53}$/);
  const scrypt = await hashPassword(
    'pw',
    identity({ password_hash_algorithm: 'scrypt', password_hash_rounds: 6, scrypt_block_size: 3, scrypt_parallelism: 2, salt_bytesize: 9 }),
  );
  t.match(scrypt, /^\$scrypt\$ln=6,r=3,p=2\$[A-Za-z0-9+/]{12}\$[A-Za-z0-9+/]{43}$/);
  const pbkdf2 = await hashPassword('pw', identity({ password_hash_algorithm: 'pbkdf2_sha512', password_hash_rounds: 1234, salt_bytesize: 96 }));
  t.match(pbkdf2, /^\$pbkdf2-sha512\$1234\$[A-Za-z0-9./]{128}\$[A-Za-z0-9./]{86}$/);
  t.ok(pbkdf2.length <= 255, 'fits py-keystone\'s password_hash column');
});

t.test('zero tuning options mean passlib\'s defaults, as py-keystone reads them', async (t) => {
  const hash = await hashPassword(
    'pw',
    identity({ password_hash_algorithm: 'pbkdf2_sha512', password_hash_rounds: 0, salt_bytesize: 0 }),
  );
  t.match(hash, /^\$pbkdf2-sha512\$25000\$[A-Za-z0-9./]{22}\$/);
});

t.test('rounds outside what the algorithm allows are refused, naming the option', async (t) => {
  const refused: Partial<IdentityConfig>[] = [
    { password_hash_algorithm: 'bcrypt', password_hash_rounds: 3 },
    { password_hash_algorithm: 'bcrypt', password_hash_rounds: 32 },
    { password_hash_algorithm: 'bcrypt_sha256', password_hash_rounds: 3 },
    { password_hash_algorithm: 'scrypt', password_hash_rounds: 32 },
    { password_hash_algorithm: 'scrypt', password_hash_rounds: -1 },
    { password_hash_algorithm: 'pbkdf2_sha512', password_hash_rounds: 2 ** 31 },
  ];
  for (const overrides of refused) {
    await t.rejects(hashPassword('pw', identity(overrides)), /\[identity\] password_hash_rounds/, JSON.stringify(overrides));
  }
});

t.test('bcrypt caps the password length at 72 bytes; the other algorithms use max_password_length', async (t) => {
  t.equal(maxPasswordBytes(defaults), 72);
  t.equal(maxPasswordBytes(identity({ max_password_length: 40 })), 40);
  t.equal(maxPasswordBytes(identity({ password_hash_algorithm: 'bcrypt_sha256' })), 4096);
  t.equal(maxPasswordBytes(identity({ password_hash_algorithm: 'scrypt', max_password_length: 100 })), 100);
  t.equal(maxPasswordBytes(identity({ password_hash_algorithm: 'scrypt', max_password_length: 10000 })), 4096, 'passlib\'s limit');
});
