// How single values travel inside token and receipt payloads, as py-keystone's BasePayload converts them:
// ids as [is_uuid_bytes, value], auth methods as a bitmask, audit ids as raw bytes, expiry as a float epoch.
import { randomUUID } from 'node:crypto';
import { InvalidTokenPayload } from './errors.js';
import { PyFloat, type TupleElement } from './msgpack-tuple.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

// ---- ids ------------------------------------------------------------------------------------------------------

/**
 * The 16 bytes of an id that Python's uuid.UUID() accepts, else null. uuid.UUID drops `urn:`/`uuid:`, strips
 * braces and removes dashes before requiring 32 hex digits, so a dashed or upper-case uuid is packed as bytes and
 * comes back as plain lower-case hex: py-keystone does that too. (int(x, 16)'s tolerance of signs, `0x` and
 * underscores is not copied: no Keystone id generator produces them.)
 */
export function uuidBytes(id: string): Buffer | null {
  const hex = id
    .replaceAll('urn:', '')
    .replaceAll('uuid:', '')
    .replace(/^[{}]+|[{}]+$/g, '')
    .replaceAll('-', '');
  return /^[0-9a-fA-F]{32}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
}

/** [is_uuid_bytes, value]: attempt_convert_uuid_hex_to_bytes. A missing id travels as [false, nil]. */
export function packId(id: string | null): TupleElement {
  if (id === null) return [false, null];
  const bytes = uuidBytes(id);
  return bytes ? [true, bytes] : [false, id];
}

/** An id that must be a uuid (trust ids): py-keystone packs the bare 16 bytes, no flag. */
export function packUuid(id: string, field: string): Buffer {
  const bytes = uuidBytes(id);
  if (!bytes) throw new InvalidTokenPayload(`${field} must be a uuid, got ${JSON.stringify(id)}`);
  return bytes;
}

export function unpackUuid(value: unknown, field: string): string {
  if (!(value instanceof Uint8Array) || value.length !== 16) {
    throw new InvalidTokenPayload(`${field} is not 16 uuid bytes`);
  }
  return Buffer.from(value).toString('hex');
}

export function unpackId(value: unknown, field: string): string {
  const id = unpackOptionalId(value, field);
  if (id === null) throw new InvalidTokenPayload(`${field} is missing`);
  return id;
}

export function unpackOptionalId(value: unknown, field: string): string | null {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'boolean') {
    throw new InvalidTokenPayload(`${field} is not an [is_uuid_bytes, value] pair`);
  }
  const [isUuid, raw] = value as [boolean, unknown];
  if (isUuid) return unpackUuid(raw, field);
  return raw === null ? null : unpackText(raw, field);
}

/** A msgpack str (read as bytes, see unpackTuple) back to text. */
export function unpackText(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (!(value instanceof Uint8Array)) throw new InvalidTokenPayload(`${field} is not a string`);
  try {
    return utf8.decode(value);
  } catch {
    throw new InvalidTokenPayload(`${field} is not UTF-8`);
  }
}

// ---- auth methods ----------------------------------------------------------------------------------------------

/**
 * py-keystone's bits for methods that are never listed in [auth] methods but can still be recorded in a token
 * (EC2 credentials via s3tokens/ec2tokens, OAuth2 client credentials).
 */
const PSEUDO_METHOD_BITS: ReadonlyArray<readonly [number, string]> = [
  [2 ** 32, 'ec2credential'],
  [2 ** 33, 'oauth2_credential'],
];

/**
 * Bit values of auth methods: the n-th entry of [auth] methods is 2^n, so the same method set packs to a
 * different integer under a different configuration, exactly as in py-keystone. Values exceed 32 bits, so only
 * arithmetic (never bitwise operators) is used on them.
 */
export class MethodBits {
  private readonly bits: ReadonlyArray<readonly [number, string]>;
  private readonly highestFirst: ReadonlyArray<readonly [number, string]>;

  constructor(configuredMethods: readonly string[]) {
    this.bits = [...configuredMethods.map((m, i) => [2 ** i, m] as const), ...PSEUDO_METHOD_BITS];
    this.highestFirst = [...this.bits].sort((a, b) => b[0] - a[0]);
  }

  /** Methods missing from the configuration are dropped silently, as convert_method_list_to_integer does. */
  pack(methods: readonly string[]): number {
    let sum = 0;
    for (const method of methods) {
      for (const [bit, name] of this.bits) if (name === method) sum += bit;
    }
    return sum;
  }

  /** Highest bit first: py-keystone's token bodies list methods in that order (e.g. ["token", "password"]). */
  unpack(value: unknown): string[] {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new InvalidTokenPayload('methods is not a non-negative integer');
    }
    const methods: string[] = [];
    let rest = value;
    for (const [bit, name] of this.highestFirst) {
      if (Math.trunc(rest / bit) === 1) {
        methods.push(name);
        rest -= bit;
      }
    }
    return methods;
  }
}

// ---- audit ids -------------------------------------------------------------------------------------------------

/** A new audit id as py-keystone's random_urlsafe_str makes it: a uuid4's 16 bytes, base64url, unpadded. */
export function newAuditId(): string {
  return Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
}

export function packAuditIds(auditIds: readonly string[]): Buffer[] {
  return auditIds.map((id) => Buffer.from(id.replace(/=+$/, ''), 'base64url'));
}

export function unpackAuditIds(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => v instanceof Uint8Array)) {
    throw new InvalidTokenPayload('audit_ids is not a list of bytes');
  }
  return value.map((v: Uint8Array) => Buffer.from(v).toString('base64url'));
}

// ---- expiry ----------------------------------------------------------------------------------------------------

export function packExpiry(expiresAt: Date): PyFloat {
  return new PyFloat(expiresAt.getTime() / 1000);
}

/**
 * The expiry py-keystone works with after validation: utcfromtimestamp rounds to microseconds and isotime then
 * drops the sub-second part, so validated tokens expire (and render as `...:SS.000000Z`) on a whole second.
 */
export function unpackExpiry(value: unknown): Date {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidTokenPayload('expires_at is not a number');
  const micros = Math.round(value * 1e6);
  return new Date(Math.floor(micros / 1e6) * 1000);
}
