// The signature checks of /v3/ec2tokens and /v3/s3tokens, in py-keystone's order: compute what the request
// should carry, then compare it in constant time with what it does carry. A mismatch is a 401 (whose text
// py-keystone does not show).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Unauthorized } from '../errors.js';
import { pyStr, pyTruthy, pyTypeName } from '../python/values.js';
import { ec2Signature } from './ec2-signer.js';
import { hostnameOf } from './hostname.js';
import { urlsafeB64Decode } from './python-base64.js';
import { malformed, pyContains, required, typeError, type Json, type JsonObject } from './python-values.js';

/** EC2TokensResource._check_signature; retries without the host's port, which some clients leave out. */
export function checkEc2Signature(secret: string, credentials: JsonObject): void {
  const expected = ec2Signature(secret, credentials);
  const given = credentials.signature;
  if (!pyTruthy(given)) throw new Unauthorized('EC2 signature not supplied.');
  if (sameSignature(given!, expected)) return;
  const host = required(credentials, 'host', 'credentials');
  if (pyContains(host, ':')) {
    if (typeof host !== 'string') throw typeError(`can only concatenate str (not "${pyTypeName(host)}") to str`);
    credentials.host = hostnameOf(host);
    if (sameSignature(given!, ec2Signature(secret, credentials))) return;
  }
  throw new Unauthorized('Invalid EC2 signature.');
}

/**
 * S3Resource._check_signature: the token is the base64 string-to-sign; one starting with AWS4 is signed as
 * AWS signature version 4 (only for the s3, iam and sts services), anything else with HMAC-SHA1.
 */
export function checkS3Signature(secret: Json, credentials: JsonObject): void {
  const expected = s3Signature(secret, required(credentials, 'token', 'credentials'));
  if (!sameSignature(required(credentials, 'signature', 'credentials'), expected)) {
    throw new Unauthorized('Credential signature mismatch');
  }
}

/** The signature an S3 request whose string-to-sign is `token` (base64) should carry. */
export function s3Signature(secret: Json, token: Json): string {
  const toSign = urlsafeB64Decode(pyStr(token));
  if (toSign.subarray(0, 4).toString('latin1') === 'AWS4') return s3SignatureV4(toSign, secret);
  return createHmac('sha1', Buffer.from(pyStr(secret), 'utf8')).update(toSign).digest('base64');
}

const S3_V4_SERVICES = new Set(['s3', 'iam', 'sts']);

function s3SignatureV4(toSign: Buffer, secret: Json): string {
  const parts = splitBytes(toSign, 0x0a);
  if (parts.length !== 4 || parts[0]!.toString('latin1') !== 'AWS4-HMAC-SHA256') throw new Unauthorized('Invalid EC2 signature.');
  const scope = splitBytes(parts[2]!, 0x2f);
  if (scope.length !== 4 || scope[3]!.toString('latin1') !== 'aws4_request') throw new Unauthorized('Invalid EC2 signature.');
  if (!S3_V4_SERVICES.has(scope[2]!.toString('latin1'))) throw new Unauthorized('Invalid EC2 signature.');
  // 'AWS4' + secret: unlike the version 1 path, no str() first.
  if (typeof secret !== 'string') throw typeError(`can only concatenate str (not "${pyTypeName(secret)}") to str`);
  const sign = (key: Buffer, msg: Buffer) => createHmac('sha256', key).update(msg).digest();
  let key = sign(Buffer.from(`AWS4${secret}`, 'utf8'), scope[0]!);
  key = sign(key, scope[1]!);
  key = sign(key, scope[2]!);
  key = sign(key, Buffer.from('aws4_request'));
  return createHmac('sha256', key).update(toSign).digest('hex');
}

function splitBytes(data: Buffer, separator: number): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= data.length; i++) {
    if (i === data.length || data[i] === separator) {
      parts.push(data.subarray(start, i));
      start = i + 1;
    }
  }
  return parts;
}

/**
 * utils.auth_str_equal(provided, known): equal text, compared in constant time. A provided value that is not
 * text fails the way Python's len()/ord() fail on it.
 */
function sameSignature(provided: Json, known: string): boolean {
  if (typeof provided !== 'string') {
    if (provided === null || typeof provided === 'number' || typeof provided === 'boolean') {
      throw typeError(`object of type '${pyTypeName(provided)}' has no len()`);
    }
    throw malformed('the signature is not a string');
  }
  const a = Buffer.from(provided, 'utf8');
  const b = Buffer.from(known, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
