// passlib's scrypt: `$scrypt$ln=16,r=8,p=1$<b64s salt>$<b64s 32-byte digest>` (what py-keystone writes) and the
// scrypt reference format `$7$` that passlib also verifies. node:crypto's async scrypt runs on libuv's threadpool.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';
import { b64sDecode, b64sEncode, hash64DecodeInt, hash64Encode } from './password-encoding.js';

const scryptAsync = promisify<string | Buffer, Buffer, number, ScryptOptions, Buffer>(scrypt);
const randomBytesAsync = promisify(randomBytes);

/** passlib's defaults: N = 2^16, r = 8, p = 1 (and 32 bytes of digest). */
export const SCRYPT_DEFAULTS = { ln: 16, r: 8, p: 1 } as const;
const DIGEST_BYTES = 32;
/** Refuse parameters needing more memory than this (the defaults need 64 MiB) rather than let a stored hash OOM us. */
const MAX_MEMORY = 1024 * 1024 * 1024;

export interface ScryptParams {
  /** log2(N), passlib's `rounds`. */
  ln: number;
  r: number;
  p: number;
}

const SCRYPT_RE = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([^$]*)\$([^$]+)$/;
// $7$ + N (1 char) + r (5) + p (5) as little-endian hash64, then the salt used verbatim, `$`, hash64 digest.
const SEVEN_RE = /^\$7\$([./0-9A-Za-z])([./0-9A-Za-z]{5})([./0-9A-Za-z]{5})([^$]*)\$([./0-9A-Za-z]{43})$/;

/** The bounds passlib enforces: ln in 1..31, r and p at least 1, r * p below 2^30. */
function validParams({ ln, r, p }: ScryptParams): boolean {
  return (
    Number.isInteger(ln) && ln >= 1 && ln <= 31 && Number.isInteger(r) && r >= 1 && Number.isInteger(p) && p >= 1 &&
    r * p < 2 ** 30
  );
}

/** Undefined when OpenSSL refuses the parameters or they exceed MAX_MEMORY. */
async function derive(secret: Buffer, salt: Buffer, { ln, r, p }: ScryptParams): Promise<Buffer | undefined> {
  const N = 2 ** ln;
  // OpenSSL needs 128 * r * (N + p + 2) bytes (V plus B); a little headroom on top.
  const needed = 128 * r * (N + p + 2) + 1024 * 1024;
  if (needed > MAX_MEMORY) return undefined;
  try {
    return await scryptAsync(secret, salt, DIGEST_BYTES, { N, r, p, maxmem: needed });
  } catch {
    return undefined;
  }
}

export async function verifyScrypt(secret: Buffer, hash: string): Promise<boolean> {
  const m = SCRYPT_RE.exec(hash);
  if (m) {
    const [, ln, r, p, saltText = '', digestText = ''] = m;
    const params = { ln: Number(ln), r: Number(r), p: Number(p) };
    const salt = b64sDecode(saltText);
    const expected = b64sDecode(digestText);
    if (!validParams(params) || !salt || expected?.length !== DIGEST_BYTES) return false;
    const actual = await derive(secret, salt, params);
    return actual !== undefined && timingSafeEqual(actual, expected);
  }
  const seven = SEVEN_RE.exec(hash);
  if (seven) {
    const [, ln = '', r = '', p = '', saltText = '', digestText = ''] = seven;
    const params = { ln: hash64DecodeInt(ln) ?? 0, r: hash64DecodeInt(r) ?? 0, p: hash64DecodeInt(p) ?? 0 };
    if (!validParams(params)) return false;
    const actual = await derive(secret, Buffer.from(saltText, 'ascii'), params);
    if (actual === undefined) return false;
    return timingSafeEqual(Buffer.from(hash64Encode(actual), 'ascii'), Buffer.from(digestText, 'ascii'));
  }
  return false;
}

export async function hashScrypt(secret: Buffer, params: ScryptParams, saltBytes: number): Promise<string> {
  if (!validParams(params)) {
    throw new RangeError(
      '[identity] password_hash_rounds (1..31), scrypt_block_size and scrypt_parallelism (>= 1, product < 2^30) ' +
        'are out of range for scrypt',
    );
  }
  const salt = await randomBytesAsync(saltBytes);
  const digest = await derive(secret, salt, params);
  if (digest === undefined) throw new RangeError('[identity] scrypt parameters need more memory than allowed (1 GiB)');
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64sEncode(salt)}$${b64sEncode(digest)}`;
}
