// The signature an EC2 API request should carry, computed the way py-keystone computes it for /v3/ec2tokens
// (keystoneclient.contrib.ec2.utils.Ec2Signer): AWS signature versions 0, 1 and 2 chosen by the
// `SignatureVersion` parameter, else version 4 when the Authorization header (or the X-Amz-Algorithm parameter)
// says AWS4-HMAC-SHA256. The quirks are that signer's and matter for interoperability: version 2 always signs with
// HMAC-SHA256 and rewrites `SignatureMethod` to say so; version 1 sorts parameters case-insensitively; version 4
// drops the port of the host header for old boto user agents and leaves the query out of POST requests.
import { createHash, createHmac } from 'node:crypto';
import { pyStr, pyTypeName } from '../python/values.js';
import {
  compareCodePoints,
  dictGet,
  isObject,
  isMissing,
  malformed,
  pyStrip,
  required,
  subscript,
  text,
  typeError,
  utf8,
  type Json,
  type JsonObject,
} from './python-values.js';

const V4_ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * The expected signature for `credentials` signed with `secret`. Mutates `credentials.params.SignatureMethod`
 * for version 2, as the Python signer does (a second attempt sees the rewritten value).
 */
export function ec2Signature(secret: string, credentials: JsonObject): string {
  const key = utf8(secret, 'the secret');
  const params = required(credentials, 'params', 'credentials');
  const version = dictGet(params, 'SignatureVersion', 'credentials.params');
  const p = params as JsonObject;
  if (version === '0') return signatureV0(key, p);
  if (version === '1') return signatureV1(key, p);
  if (version === '2') {
    return signatureV2(key, p, required(credentials, 'verb', 'credentials'), required(credentials, 'host', 'credentials'), required(credentials, 'path', 'credentials'));
  }
  if (isV4(credentials, p)) return signatureV4(key, credentials, p);
  if (version !== undefined && version !== null) throw malformed(`unknown signature version ${pyStr(version)}`);
  throw malformed('unexpected signature format');
}

function hmacBase64(algorithm: 'sha1' | 'sha256', key: Buffer, ...parts: Buffer[]): string {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest('base64');
}

/** _get_utf8_value: text as UTF-8, anything else through str() first. */
function valueBytes(value: Json, what: string): Buffer {
  return utf8(pyStr(value), what);
}

function signatureV0(key: Buffer, params: JsonObject): string {
  const action = required(params, 'Action', 'credentials.params');
  const timestamp = required(params, 'Timestamp', 'credentials.params');
  if (typeof action !== 'string') throw malformed('credentials.params.Action is not a string');
  if (typeof timestamp !== 'string') throw typeError(`can only concatenate str (not "${pyTypeName(timestamp)}") to str`);
  return hmacBase64('sha1', key, utf8(action + timestamp, 'the parameters'));
}

/** Keys sorted by their lower-case form (a stable sort: keys equal that way keep the body's order). */
function signatureV1(key: Buffer, params: JsonObject): string {
  const keys = Object.keys(params).sort((a, b) => compareCodePoints(a.toLowerCase(), b.toLowerCase()));
  const parts = keys.flatMap((k) => [utf8(k, 'a parameter name'), valueBytes(params[k]!, 'a parameter value')]);
  return hmacBase64('sha1', key, ...parts);
}

function signatureV2(key: Buffer, params: JsonObject, verb: Json, host: Json, path: Json): string {
  params.SignatureMethod = 'HmacSHA256';
  const toSign = `${pyStr(verb)}\n${pyStr(host)}\n${pyStr(path)}\n${canonicalQuery(params)}`;
  return hmacBase64('sha256', key, utf8(toSign, 'the request'));
}

/** urllib.parse.quote: every byte but letters, digits and `_.-~` percent-encoded (upper-case hex). */
function quote(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9_.\-~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** _canonical_qs: keys in code point order, `key=value` pairs joined with `&`. */
function canonicalQuery(params: JsonObject): string {
  return Object.keys(params)
    .sort(compareCodePoints)
    .map((k) => `${quote(utf8(k, 'a parameter name'))}=${quote(valueBytes(params[k]!, 'a parameter value'))}`)
    .join('&');
}

/** _v4_creds: an Authorization header decides when there is one; otherwise the X-Amz-Algorithm parameter. */
function isV4(credentials: JsonObject, params: JsonObject): boolean {
  const headers = Object.hasOwn(credentials, 'headers') ? subscript(credentials.headers, 'Authorization') : undefined;
  if (headers !== undefined && !isMissing(headers)) return text(headers, 'the Authorization header').startsWith(V4_ALGORITHM);
  return Object.hasOwn(params, 'X-Amz-Algorithm') && params['X-Amz-Algorithm'] === V4_ALGORITHM;
}

function signatureV4(key: Buffer, credentials: JsonObject, params: JsonObject): string {
  const verb = required(credentials, 'verb', 'credentials');
  required(credentials, 'host', 'credentials');
  const path = required(credentials, 'path', 'credentials');
  const headers = required(credentials, 'headers', 'credentials');
  const bodyHash = required(credentials, 'body_hash', 'credentials');

  const authorization = isObject(headers) ? headers.Authorization : subscript(headers, 'Authorization');
  /** A value from the Authorization header (`Name=value,` in it), else the X-Amz-<Name> parameter. */
  const authParam = (name: string): Json | undefined => {
    if (authorization !== undefined && !isMissing(authorization)) {
      const header = text(authorization, 'the Authorization header');
      const at = header.indexOf(`${name}=`);
      return (at === -1 ? '' : header.slice(at + name.length + 1)).split(',')[0]!;
    }
    return params[`X-Amz-${name}`];
  };
  const dateParam = (): Json | undefined => {
    const value = subscript(headers, 'X-Amz-Date');
    return isMissing(value) ? params['X-Amz-Date'] : value;
  };

  const method = text(verb, 'credentials.verb').toUpperCase();
  const query = method !== 'POST' ? canonicalQuery(params) : '';
  const canonicalHeaders = canonicalHeaderBlock(headers, authParam('SignedHeaders'));
  const fields: unknown[] = [method, path, query, canonicalHeaders, authParam('SignedHeaders'), bodyHash];
  fields.forEach((f, i) => {
    if (typeof f !== 'string') throw typeError(`sequence item ${i}: expected str instance, ${pyTypeName(f)} found`);
  });
  const canonicalRequest = (fields as string[]).join('\n');

  const credential = text(authParam('Credential'), 'the credential scope').split('/');
  if (credential.length < 2) throw malformed('the credential scope has no date');
  const credentialDate = credential[1]!;
  const date = text(dateParam(), 'X-Amz-Date');
  if (!date.startsWith(credentialDate)) throw malformed('the request date does not match the credential scope');
  const toSign = [V4_ALGORITHM, date, credential.slice(1).join('/'), createHash('sha256').update(utf8(canonicalRequest, 'the request')).digest('hex')].join('\n');
  const regionService = credential.slice(2, 4);
  if (regionService.length !== 2) throw malformed('the credential scope has no region and service');
  const sign = (k: Buffer, msg: string) => createHmac('sha256', k).update(utf8(msg, 'the credential scope')).digest();
  let signingKey = sign(Buffer.concat([Buffer.from('AWS4'), key]), credentialDate);
  signingKey = sign(signingKey, regionService[0]!);
  signingKey = sign(signingKey, regionService[1]!);
  signingKey = sign(signingKey, 'aws4_request');
  return createHmac('sha256', signingKey).update(utf8(toSign, 'the request')).digest('hex');
}

/** Boto before 2.9.3 signed the host header without its port; the signer strips it for those user agents. */
const OLD_BOTO = /^Boto\/2\.[0-9]\.[0-2]/;

/** The signed headers that are present, `name:value` (names lower-cased, both stripped), one per line. */
function canonicalHeaderBlock(headers: Json, signedHeaders: Json | undefined): string {
  if (!isObject(headers)) throw malformed('credentials.headers is not an object');
  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(headers)) lower.set(pyStrip(k.toLowerCase()), pyStrip(text(v, `the ${k} header`)));
  const stripPort = OLD_BOTO.test(lower.get('user-agent') ?? '');
  const lines: string[] = [];
  for (const name of text(signedHeaders, 'SignedHeaders').split(';')) {
    const value = lower.get(name);
    if (value === undefined) continue;
    lines.push(`${name}:${name === 'host' && stripPort ? value.split(':')[0] : value}`);
  }
  return `${lines.join('\n')}\n`;
}
