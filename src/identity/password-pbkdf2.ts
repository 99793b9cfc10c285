// passlib's pbkdf2_sha512: `$pbkdf2-sha512$<rounds>$<ab64 salt>$<ab64 64-byte digest>`, PBKDF2-HMAC-SHA512 over
// the password bytes. node:crypto's async pbkdf2 runs on libuv's threadpool.
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { ab64Decode, ab64Encode } from './password-encoding.js';

const pbkdf2Async = promisify(pbkdf2);
const randomBytesAsync = promisify(randomBytes);

/** passlib 1.7.4's default (py-keystone's option help says 60000, but it passes nothing and passlib uses this). */
export const PBKDF2_SHA512_DEFAULT_ROUNDS = 25000;
const DIGEST_BYTES = 64;
// passlib allows up to 2^32 - 1 rounds; node:crypto takes an int32. A hash beyond that would take hours anyway.
const MAX_ROUNDS = 2 ** 31 - 1;

// passlib refuses a zero-padded rounds field.
const PBKDF2_SHA512_RE = /^\$pbkdf2-sha512\$([1-9]\d*)\$([^$]*)\$([^$]+)$/;

export async function verifyPbkdf2Sha512(secret: Buffer, hash: string): Promise<boolean> {
  const m = PBKDF2_SHA512_RE.exec(hash);
  if (!m) return false;
  const [, roundsText, saltText = '', digestText = ''] = m;
  const rounds = Number(roundsText);
  const salt = ab64Decode(saltText);
  const expected = ab64Decode(digestText);
  if (rounds > MAX_ROUNDS || !salt || expected?.length !== DIGEST_BYTES) return false;
  return timingSafeEqual(await pbkdf2Async(secret, salt, rounds, DIGEST_BYTES, 'sha512'), expected);
}

export async function hashPbkdf2Sha512(secret: Buffer, rounds: number, saltBytes: number): Promise<string> {
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
    throw new RangeError(`[identity] password_hash_rounds must be between 1 and ${MAX_ROUNDS} for pbkdf2_sha512`);
  }
  const salt = await randomBytesAsync(saltBytes);
  const digest = await pbkdf2Async(secret, salt, rounds, DIGEST_BYTES, 'sha512');
  return `$pbkdf2-sha512$${rounds}$${ab64Encode(salt)}$${ab64Encode(digest)}`;
}
