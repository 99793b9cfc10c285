// Password hashing as py-keystone Zed does it (keystone/common/password_hashing.py on passlib 1.7.4): hash with
// the configured algorithm, verify any format a py-keystone of this or an older/newer release may have stored.
// All the expensive work runs off the event loop: bcrypt, scrypt and pbkdf2 on libuv's threadpool,
// sha512_crypt on a worker thread. Only bcrypt_sha256's one SHA-256/HMAC pre-hash (microseconds) runs inline.
import type { KeystoneConfig } from '../config/schema.js';
import { Forbidden, ValidationError } from '../errors.js';
import {
  BCRYPT_DEFAULT_ROUNDS,
  hashBcrypt,
  hashBcryptSha256,
  verifyBcrypt,
  verifyBcryptSha256,
} from './password-bcrypt.js';
import { hashPbkdf2Sha512, PBKDF2_SHA512_DEFAULT_ROUNDS, verifyPbkdf2Sha512 } from './password-pbkdf2.js';
import { hashScrypt, SCRYPT_DEFAULTS, verifyScrypt } from './password-scrypt.js';
import { verifySha512Crypt } from './password-sha512-crypt.js';

export type IdentityConfig = KeystoneConfig['identity'];

export interface PasswordLengthOptions {
  /** `[DEFAULT] strict_password_check`: refuse an over-long password (403) instead of truncating it. */
  strictPasswordCheck?: boolean;
}

/** bcrypt reads only this many bytes; py-keystone caps max_password_length to it when hashing with bcrypt. */
const BCRYPT_MAX_LENGTH = 72;
/** passlib refuses longer secrets outright (MAX_PASSWORD_SIZE); py-keystone's max_password_length may not exceed it. */
const PASSLIB_MAX_PASSWORD_SIZE = 4096;
/** Matches only unpaired surrogates: with the u flag a valid pair is one code point outside this range. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** passlib's salt size for both scrypt and pbkdf2_sha512. */
const DEFAULT_SALT_BYTES = 16;

/**
 * The byte length beyond which py-keystone truncates (or, strict, refuses) a password under this configuration.
 * py-keystone will not start with max_password_length above passlib's limit; here the limit caps it instead.
 */
export function maxPasswordBytes(identity: IdentityConfig): number {
  const max = Math.min(identity.max_password_length, PASSLIB_MAX_PASSWORD_SIZE);
  return identity.password_hash_algorithm === 'bcrypt' ? Math.min(max, BCRYPT_MAX_LENGTH) : max;
}

/**
 * py-keystone's verify_length_and_trunc_password: the UTF-8 bytes that get hashed or checked. Longer than
 * maxPasswordBytes, they are cut at that byte (possibly inside a character, as py-keystone does), or with
 * strict_password_check the request fails with PasswordVerificationError, a 403. A string that is not valid
 * UTF-16 (a lone surrogate) is a 400.
 * The limit follows the *configured* algorithm even when checking a hash of another kind, as in py-keystone.
 */
export function passwordBytes(password: string, identity: IdentityConfig, options: PasswordLengthOptions = {}): Buffer {
  // A lone surrogate has no UTF-8 form: py-keystone fails (500) encoding it; here it is a bad request.
  if (LONE_SURROGATE.test(password)) throw ValidationError.missing('string', 'password');
  const max = maxPasswordBytes(identity);
  const bytes = Buffer.from(password, 'utf8');
  if (bytes.length <= max) return bytes;
  if (options.strictPasswordCheck) {
    throw new Forbidden(
      `The password length must be less than or equal to ${max}. The server could not comply with the request ` +
        'because the password is invalid.',
    );
  }
  return bytes.subarray(0, max);
}

/**
 * A new hash of `password` with `[identity] password_hash_algorithm` and its tuning options, passlib's defaults
 * for whatever is unset (or 0, which py-keystone also treats as unset).
 */
export async function hashPassword(
  password: string,
  identity: IdentityConfig,
  options: PasswordLengthOptions = {},
): Promise<string> {
  const secret = passwordBytes(password, identity, options);
  const rounds = identity.password_hash_rounds || undefined;
  const saltBytes = identity.salt_bytesize || DEFAULT_SALT_BYTES;
  switch (identity.password_hash_algorithm) {
    case 'bcrypt':
      return hashBcrypt(secret, rounds ?? BCRYPT_DEFAULT_ROUNDS);
    case 'bcrypt_sha256':
      return hashBcryptSha256(secret, rounds ?? BCRYPT_DEFAULT_ROUNDS);
    case 'scrypt': {
      const params = {
        ln: rounds ?? SCRYPT_DEFAULTS.ln,
        r: identity.scrypt_block_size || SCRYPT_DEFAULTS.r,
        p: identity.scrypt_parallelism || SCRYPT_DEFAULTS.p,
      };
      return hashScrypt(secret, params, saltBytes);
    }
    case 'pbkdf2_sha512':
      return hashPbkdf2Sha512(secret, rounds ?? PBKDF2_SHA512_DEFAULT_ROUNDS, saltBytes);
  }
}

type Verifier = (secret: Buffer, hash: string) => Promise<boolean>;

// Keyed like py-keystone's _HASHER_IDENT_MAP: the hash up to and including its second '$'. Zed's map has no
// $bcrypt-sha256$; later releases write it, so it is accepted here. $2x$ (crypt_blowfish's bug) passlib refuses.
const VERIFIERS: ReadonlyMap<string, Verifier> = new Map([
  ['$2$', verifyBcrypt],
  ['$2a$', verifyBcrypt],
  ['$2y$', verifyBcrypt],
  ['$2b$', verifyBcrypt],
  ['$bcrypt-sha256$', verifyBcryptSha256],
  ['$scrypt$', verifyScrypt],
  ['$7$', verifyScrypt],
  ['$pbkdf2-sha512$', verifyPbkdf2Sha512],
  ['$6$', verifySha512Crypt],
]);

/**
 * Whether `password` (a string is taken as its UTF-8 bytes, untruncated) matches a stored hash. A stored hash in
 * an unknown or malformed format is simply no match: py-keystone raises (a 500) there, we never throw for it.
 * Use checkPassword for authentication, which applies py-keystone's length rule first.
 */
export async function verifyPassword(password: string | Uint8Array, hash: string): Promise<boolean> {
  if (typeof password === 'string' && LONE_SURROGATE.test(password)) return false;
  const secret = Buffer.from(typeof password === 'string' ? Buffer.from(password, 'utf8') : password);
  // Hashes are ASCII; passlib refuses anything else, and secrets above its size limit.
  if (secret.length > PASSLIB_MAX_PASSWORD_SIZE || !/^[\x20-\x7e]*$/.test(hash)) return false;
  const verifier = VERIFIERS.get(hash.slice(0, hash.indexOf('$', 1) + 1));
  return verifier ? verifier(secret, hash) : false;
}

/**
 * py-keystone's check_password: no stored hash is no match; otherwise the password is cut to the configured
 * length (or refused with a 403 under strict_password_check) and verified.
 */
export async function checkPassword(
  password: string,
  hash: string | null | undefined,
  identity: IdentityConfig,
  options: PasswordLengthOptions = {},
): Promise<boolean> {
  if (hash === null || hash === undefined) return false;
  return verifyPassword(passwordBytes(password, identity, options), hash);
}
