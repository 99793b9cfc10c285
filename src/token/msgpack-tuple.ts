// The msgpack framing of token and receipt payloads, byte for byte as python msgpack 1.x packs py-keystone's
// tuples: a fixarray of elements, Python floats always as float64. @msgpack/msgpack writes an integral number
// (an expiry on a whole second) as an int, so float elements are encoded on their own and spliced in.
import { decode, Encoder } from '@msgpack/msgpack';
import { InvalidTokenPayload } from './errors.js';

/** Marks a number that Python holds as a float (expires_at), so it is packed as msgpack float64. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type TupleElement = PyFloat | Uint8Array | string | number | boolean | null | readonly TupleElement[];

const plain = new Encoder();
const float64 = new Encoder({ forceIntegerToFloat: true });

export function packTuple(elements: readonly TupleElement[]): Uint8Array {
  // Payload tuples have at most 8 elements, so a fixarray header (0x90 | n) always fits.
  if (elements.length > 15) throw new RangeError('payload tuple too long for a fixarray');
  const parts: Uint8Array[] = [Uint8Array.of(0x90 | elements.length)];
  for (const element of elements) {
    parts.push(element instanceof PyFloat ? float64.encode(element.value) : plain.encode(element));
  }
  return Buffer.concat(parts);
}

/**
 * Unpacks a payload with msgpack strings left as bytes. That reads both msgpack generations the way py-keystone's
 * raw=True fallback does: tokens from msgpack < 1.0 carry uuid bytes in str fields, which are not valid UTF-8.
 */
export function unpackTuple(bytes: Uint8Array): unknown[] {
  let value: unknown;
  try {
    value = decode(bytes, { rawStrings: true });
  } catch (err) {
    throw new InvalidTokenPayload(`payload is not msgpack: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new InvalidTokenPayload('payload is not a msgpack array');
  return value;
}
