// bcrypt ($2$, $2a$, $2y$, $2b$) and passlib's bcrypt_sha256 ($bcrypt-sha256$ v1 and v2), verified the way
// passlib 1.7.4 does. The Blowfish work is the `bcrypt` package's async API, which runs on libuv's threadpool.
// Every variant is computed as $2b$ on at most 72 bytes: $2a$/$2y$/$2b$ differ only for keys of 255+ bytes, which
// passlib never hands over (bcrypt reads 72), and $2$ is passlib's emulation (key repeated to 72 bytes, no NUL).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcrypt';
import { ValidationError } from '../errors.js';
import { bcrypt64Decode, bcrypt64Encode } from './password-encoding.js';

export const BCRYPT_DEFAULT_ROUNDS = 12;
const MIN_ROUNDS = 4;
const MAX_ROUNDS = 31;
const KEY_BYTES = 72;

const BCRYPT_RE = /^\$(2|2a|2y|2b)\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;
// v2 is `$bcrypt-sha256$v=2,t=2b,r=12$salt$digest` (passlib >= 1.7.3); v1 is `$bcrypt-sha256$2b,12$salt$digest`.
const BCRYPT_SHA256_V2_RE = /^\$bcrypt-sha256\$v=2,t=2b,r=(\d{1,2})\$([./A-Za-z0-9]{22})\$([./A-Za-z0-9]{31})$/;
const BCRYPT_SHA256_V1_RE = /^\$bcrypt-sha256\$2[ab],(\d{1,2})\$([./A-Za-z0-9]{22})\$([./A-Za-z0-9]{31})$/;

/** passlib parses cost fields with int() but refuses zero padding in bcrypt_sha256 ("04") and costs outside 4..31. */
function cost(field: string, allowZeroPadding: boolean): number | undefined {
  if (!allowZeroPadding && field.length > 1 && field.startsWith('0')) return undefined;
  const rounds = Number(field);
  return rounds >= MIN_ROUNDS && rounds <= MAX_ROUNDS ? rounds : undefined;
}

/** The 31-character checksum bcrypt computes for `key` (at most 72 bytes used) with this cost and 22-character salt. */
async function checksum(key: Uint8Array, rounds: number, salt: string): Promise<string> {
  const hashed = await bcrypt.hash(Buffer.from(key), `$2b$${String(rounds).padStart(2, '0')}$${salt}`);
  return hashed.slice(-31);
}

async function matches(key: Uint8Array, rounds: number, salt: string, stored: string): Promise<boolean> {
  // Comparing decoded bytes, not text, ignores stray padding bits in the stored checksum as passlib does.
  const expected = bcrypt64Decode(stored);
  const actual = bcrypt64Decode(await checksum(key, rounds, salt));
  return expected !== undefined && actual !== undefined && timingSafeEqual(expected, actual);
}

/** Native bcrypt would hash a NUL and what follows; many others stop at it. passlib refuses such passwords. */
function hasNul(secret: Uint8Array): boolean {
  return secret.includes(0);
}

export async function verifyBcrypt(secret: Buffer, hash: string): Promise<boolean> {
  const m = BCRYPT_RE.exec(hash);
  if (!m || hasNul(secret)) return false;
  const [, ident, costField = '', salt = '', stored = ''] = m;
  const rounds = cost(costField, true);
  if (rounds === undefined) return false;
  const key = ident === '2' ? repeatTo(secret, KEY_BYTES) : secret.subarray(0, KEY_BYTES);
  return matches(key, rounds, salt, stored);
}

/** The original $2$ did not append NUL to the key; passlib emulates it by cycling the password to 72 bytes. */
function repeatTo(secret: Buffer, size: number): Buffer {
  return secret.length === 0 ? secret : Buffer.alloc(size, secret);
}

export async function hashBcrypt(secret: Buffer, rounds: number): Promise<string> {
  checkRounds(rounds);
  if (hasNul(secret)) throw new ValidationError('bcrypt does not allow NUL bytes in passwords.');
  return bcrypt.hash(secret.subarray(0, KEY_BYTES), await bcrypt.genSalt(rounds, 'b'));
}

/** v1 keys bcrypt with base64(sha256(password)); v2 with base64(hmac_sha256(key = the salt's 22 characters, password)). */
function sha256Key(secret: Uint8Array, saltForHmac?: string): Buffer {
  const digest =
    saltForHmac === undefined
      ? createHash('sha256').update(secret).digest()
      : createHmac('sha256', Buffer.from(saltForHmac, 'ascii')).update(secret).digest();
  return Buffer.from(digest.toString('base64'), 'ascii');
}

export async function verifyBcryptSha256(secret: Buffer, hash: string): Promise<boolean> {
  const v2 = BCRYPT_SHA256_V2_RE.exec(hash);
  const m = v2 ?? BCRYPT_SHA256_V1_RE.exec(hash);
  if (!m) return false;
  const [, costField = '', salt = '', stored = ''] = m;
  const rounds = cost(costField, false);
  if (rounds === undefined) return false;
  // passlib first repairs a salt whose unused bits are set, and the HMAC is keyed with the repaired text.
  const raw = bcrypt64Decode(salt);
  if (raw === undefined) return false;
  const key = v2 ? sha256Key(secret, bcrypt64Encode(raw)) : sha256Key(secret);
  return matches(key, rounds, salt, stored);
}

/** Always writes v2, passlib 1.7.4's default. */
export async function hashBcryptSha256(secret: Buffer, rounds: number): Promise<string> {
  checkRounds(rounds);
  const salt = (await bcrypt.genSalt(rounds, 'b')).slice(-22);
  return `$bcrypt-sha256$v=2,t=2b,r=${rounds}$${salt}$${await checksum(sha256Key(secret, salt), rounds, salt)}`;
}

function checkRounds(rounds: number): void {
  if (!Number.isInteger(rounds) || rounds < MIN_ROUNDS || rounds > MAX_ROUNDS) {
    throw new RangeError(`[identity] password_hash_rounds must be between ${MIN_ROUNDS} and ${MAX_ROUNDS} for bcrypt`);
  }
}
