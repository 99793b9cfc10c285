// What py-keystone's credential manager encrypts for a blob, and what it hands back after decrypting. For type
// `ec2` (exactly; `EC2` is an ordinary type here) the plaintext is json.dumps of the blob: a JSON string literal
// for the string blobs /v3/credentials stores, a JSON object for the dicts ec2tokens once stored. Any other type
// stores the blob text itself. A blob rewritten by PATCH or credential_migrate is encrypted as given whatever the
// type, so an ec2 blob updated through the API decrypts to the object its JSON text holds.
import { pyJsonDumps } from '../catalog/python-json.js';
import { UnexpectedError } from '../errors.js';

export const EC2 = 'ec2';

/** A decrypted blob: text, or for ec2 the JSON value the plaintext encodes (usually text, sometimes an object). */
export type BlobValue = unknown;

/** _encrypt_credential's plaintext for a new credential. */
export function blobPlaintext(type: string, blob: BlobValue): string {
  if (type === EC2) return pyJsonDumps(blob);
  if (typeof blob !== 'string') throw new TypeError('a non-ec2 credential blob must be text');
  return blob;
}

/** _decrypt_credential: ec2 plaintexts are JSON (a 500 when they are not, as json.loads fails there). */
export function blobFromPlaintext(type: string, plaintext: string): BlobValue {
  if (type !== EC2) return plaintext;
  try {
    return JSON.parse(plaintext) as unknown;
  } catch {
    throw new UnexpectedError();
  }
}

/** CredentialResource._blob_to_json: the API always shows the blob as text; an object is dumped Python's way. */
export function blobText(blob: BlobValue): unknown {
  return blob !== null && typeof blob === 'object' && !Array.isArray(blob) ? pyJsonDumps(blob) : blob;
}
