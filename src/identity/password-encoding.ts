// The base64 flavours passlib writes inside the password hashes py-keystone stores. They differ in alphabet,
// bit order and padding, and each hash format uses exactly one of them:
//   b64s      standard alphabet, no '=' padding                    $scrypt$ salt and digest
//   ab64      b64s with '.' in place of '+'                        $pbkdf2-sha512$ salt and digest
//   bcrypt64  './A-Za-z0-9', big-endian like standard base64       bcrypt salt and checksum
//   hash64    './0-9A-Za-z', little-endian (crypt(3))               $6$ sha512_crypt, scrypt's $7$
const BASE64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BCRYPT64_CHARS = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HASH64_CHARS = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const BCRYPT64_RE = /^[./A-Za-z0-9]*$/;
export const HASH64_RE = /^[./0-9A-Za-z]*$/;

/** Decodes unpadded standard base64; undefined where passlib's b64s_decode raises. */
export function b64sDecode(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64');
}

export function b64sEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

/** passlib's ab64_decode also accepts '+', so both alphabets decode. */
export function ab64Decode(text: string): Buffer | undefined {
  return b64sDecode(text.replaceAll('.', '+'));
}

export function ab64Encode(bytes: Uint8Array): string {
  return b64sEncode(bytes).replaceAll('+', '.');
}

/**
 * Decodes bcrypt64 by mapping it onto the standard alphabet (same bit order). Unused low bits of the last character
 * are ignored, which is how passlib treats salts and checksums whose padding bits were set by buggy encoders.
 */
export function bcrypt64Decode(text: string): Buffer | undefined {
  if (!BCRYPT64_RE.test(text) || text.length % 4 === 1) return undefined;
  let standard = '';
  for (const ch of text) standard += BASE64_CHARS[BCRYPT64_CHARS.indexOf(ch)];
  return Buffer.from(standard, 'base64');
}

export function bcrypt64Encode(bytes: Uint8Array): string {
  let out = '';
  for (const ch of b64sEncode(bytes)) out += BCRYPT64_CHARS[BASE64_CHARS.indexOf(ch)];
  return out;
}

/** crypt(3)'s encoding: each 3-byte group, read little-endian, becomes 4 characters, least significant 6 bits first. */
export function hash64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const group = bytes.subarray(i, i + 3);
    let value = 0;
    group.forEach((byte, k) => (value |= byte << (8 * k)));
    for (let c = 0; c <= group.length; c++) {
      out += HASH64_CHARS[value & 63];
      value >>>= 6;
    }
  }
  return out;
}

/** Little-endian integer from hash64 characters (scrypt $7$ parameters); undefined on a foreign character. */
export function hash64DecodeInt(text: string): number | undefined {
  let value = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const digit = HASH64_CHARS.indexOf(text.charAt(i));
    if (digit < 0) return undefined;
    value = value * 64 + digit;
  }
  return value;
}
