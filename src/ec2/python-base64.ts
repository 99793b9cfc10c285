// base64.urlsafe_b64decode(str(token)) as py-keystone's /v3/s3tokens applies it to the string-to-sign: `-` and
// `_` read as `+` and `/`, characters outside the alphabet skipped, decoding stopped by complete padding, and
// Python's two errors for a length that cannot be base64 (binascii.a2b_base64 without strict mode).
import { malformed } from './python-values.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function urlsafeB64Decode(input: string): Buffer {
  // Python's str argument must be ASCII (ValueError otherwise).
  if (!/^[\x00-\x7f]*$/.test(input)) throw malformed('the token is not ASCII');
  const data = input.replaceAll('-', '+').replaceAll('_', '/');
  const out: number[] = [];
  let quadPos = 0;
  let leftChar = 0;
  let pads = 0;
  let dataChars = 0;
  for (const ch of data) {
    if (ch === '=') {
      if (quadPos >= 2 && quadPos + ++pads >= 4) return Buffer.from(out);
      continue;
    }
    const value = ALPHABET.indexOf(ch);
    if (value === -1) continue;
    // Data after an incomplete pad sequence starts the count of pads over.
    pads = 0;
    dataChars++;
    switch (quadPos) {
      case 0:
        quadPos = 1;
        leftChar = value;
        break;
      case 1:
        quadPos = 2;
        out.push((leftChar << 2) | (value >> 4));
        leftChar = value & 0x0f;
        break;
      case 2:
        quadPos = 3;
        out.push((leftChar << 4) | (value >> 2));
        leftChar = value & 0x03;
        break;
      default:
        quadPos = 0;
        out.push((leftChar << 6) | value);
        leftChar = 0;
    }
  }
  if (quadPos === 1) {
    throw malformed(`the token is not base64 (number of data characters (${dataChars}) cannot be 1 more than a multiple of 4)`);
  }
  if (quadPos !== 0) throw malformed('the token is not base64 (incorrect padding)');
  return Buffer.from(out);
}
