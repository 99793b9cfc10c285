// Fernet (https://github.com/fernet/spec) composed from node:crypto: AES-128-CBC with PKCS7 padding, HMAC-SHA256
// over version|timestamp|iv|ciphertext, a constant-time tag comparison, and a CSPRNG IV. A Fernet holds a key list
// with MultiFernet semantics, as py-keystone builds it from its key repository: the first key encrypts, every key
// may decrypt.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidFernetKey, InvalidFernetToken } from './errors.js';

const VERSION = 0x80;
const HEADER_LENGTH = 1 + 8 + 16; // version, timestamp, iv
const TAG_LENGTH = 32;
const BLOCK = 16;
/** The spec's allowance for clocks of the issuer running ahead of ours, applied only with a ttl. */
const MAX_CLOCK_SKEW_SECONDS = 60;

const URLSAFE_B64 = /^[A-Za-z0-9_-]*={0,2}$/;
const KEY_TEXT = /^[A-Za-z0-9_-]{43}=$/;

export interface FernetKey {
  readonly signing: Buffer;
  readonly encryption: Buffer;
}

export interface EncryptOptions {
  /** Token timestamp; defaults to the current time. Whole seconds are kept. */
  now?: Date;
  /** 16-byte IV; only for reproducing spec vectors. Defaults to randomBytes(16). */
  iv?: Uint8Array;
}

export interface DecryptOptions {
  /** Maximum token age in seconds. py-keystone never passes one: token expiry lives in the payload. */
  ttl?: number;
  now?: Date;
}

export interface Decrypted {
  readonly plaintext: Buffer;
  /** The token's Fernet timestamp; py-keystone reports it as the token's issued_at. */
  readonly issuedAt: Date;
}

/** Parses one key as a key file or a config holds it: 32 bytes in urlsafe base64 (44 characters, one `=`). */
export function parseFernetKey(text: string): FernetKey {
  // A trailing newline is common in key files written by hand; py-keystone's base64 decoder skips it too.
  const trimmed = text.trim();
  if (!KEY_TEXT.test(trimmed)) {
    throw new InvalidFernetKey('Fernet key must be 32 url-safe base64-encoded bytes (44 characters)');
  }
  const raw = Buffer.from(trimmed, 'base64url');
  return Object.freeze({ signing: raw.subarray(0, 16), encryption: raw.subarray(16, 32) });
}

/** A fresh key in the text form py-keystone writes to key files. */
export function generateFernetKey(): string {
  return paddedBase64Url(randomBytes(32));
}

/** py-keystone strips the base64 padding from tokens it hands out ("padding is not URL-safe"). */
export function stripPadding(token: string): string {
  return token.replace(/=+$/, '');
}

/** Re-inflates the padding py-keystone stripped, from the text length alone, as TokenFormatter.restore_padding. */
export function restorePadding(token: string): string {
  const missing = (4 - (token.length % 4)) % 4;
  return missing === 0 ? token : token + '='.repeat(missing);
}

/**
 * The timestamp of a token without verifying it (py-keystone's creation_time). Only meaningful for a token
 * that has been, or is about to be, decrypted; padding may be stripped.
 */
export function fernetTimestamp(token: string): Date {
  const data = decodeTokenText(restorePadding(token));
  return new Date(Number(data.readBigUInt64BE(1)) * 1000);
}

export class Fernet {
  private readonly keys: readonly FernetKey[];

  /** @param keys key texts, primary (encrypting) key first. */
  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new InvalidFernetKey('a Fernet needs at least one key');
    this.keys = Object.freeze(keys.map(parseFernetKey));
  }

  /** A padded base64url token, as the spec and cryptography's Fernet.encrypt produce. */
  encrypt(plaintext: Uint8Array, options: EncryptOptions = {}): string {
    const key = this.keys[0]!;
    const iv = options.iv ? Buffer.from(options.iv) : randomBytes(16);
    if (iv.length !== 16) throw new RangeError('Fernet IV must be 16 bytes');
    const header = Buffer.alloc(HEADER_LENGTH);
    header[0] = VERSION;
    header.writeBigUInt64BE(BigInt(epochSeconds(options.now)), 1);
    iv.copy(header, 9);
    const cipher = createCipheriv('aes-128-cbc', key.encryption, iv);
    const signed = Buffer.concat([header, cipher.update(plaintext), cipher.final()]);
    const tag = createHmac('sha256', key.signing).update(signed).digest();
    return paddedBase64Url(Buffer.concat([signed, tag]));
  }

  decrypt(token: string, options: DecryptOptions = {}): Buffer {
    return this.decryptWithTimestamp(token, options).plaintext;
  }

  decryptWithTimestamp(token: string, options: DecryptOptions = {}): Decrypted {
    const data = decodeTokenText(token);
    const timestamp = Number(data.readBigUInt64BE(1));
    if (options.ttl !== undefined) {
      const now = epochSeconds(options.now);
      if (timestamp + options.ttl < now) throw new InvalidFernetToken('expired');
      if (now + MAX_CLOCK_SKEW_SECONDS < timestamp) throw new InvalidFernetToken('future');
    }
    const signed = data.subarray(0, data.length - TAG_LENGTH);
    const tag = data.subarray(data.length - TAG_LENGTH);
    // Every key is tried, as MultiFernet does; only the one whose tag matches may decrypt.
    for (const key of this.keys) {
      const expected = createHmac('sha256', key.signing).update(signed).digest();
      if (!timingSafeEqual(expected, tag)) continue;
      const decipher = createDecipheriv('aes-128-cbc', key.encryption, data.subarray(9, HEADER_LENGTH));
      try {
        const plaintext = Buffer.concat([decipher.update(signed.subarray(HEADER_LENGTH)), decipher.final()]);
        return { plaintext, issuedAt: new Date(timestamp * 1000) };
      } catch {
        throw new InvalidFernetToken('padding');
      }
    }
    throw new InvalidFernetToken('signature');
  }
}

/** Node's base64url output drops the padding that the spec (and py-keystone's key files) keep. */
function paddedBase64Url(bytes: Buffer): string {
  return bytes.toString('base64url') + '='.repeat((3 - (bytes.length % 3)) % 3);
}

function epochSeconds(now: Date | undefined): number {
  return Math.floor((now ?? new Date()).getTime() / 1000);
}

/** Strict base64url (padded) to bytes, with the envelope's fixed shape checked before any key is used. */
function decodeTokenText(token: string): Buffer {
  // Buffer.from(..., 'base64url') silently skips foreign characters; the spec wants them refused.
  if (token.length % 4 !== 0 || !URLSAFE_B64.test(token)) throw new InvalidFernetToken('malformed');
  const data = Buffer.from(token, 'base64url');
  const body = data.length - HEADER_LENGTH - TAG_LENGTH;
  if (data[0] !== VERSION || body < BLOCK || body % BLOCK !== 0) throw new InvalidFernetToken('malformed');
  return data;
}
