// EC2 credentials are rows of py-keystone's `credential` table with type `ec2`, kept by the credential store
// (src/credential/store.ts, blobs encrypted there). What is EC2-specific: the id is the sha256 of the access key,
// and the blob is a JSON text (or, for rows ec2tokens stored long ago, an object) that the API parses again.
import { createHash } from 'node:crypto';
import type { CredentialRecord } from '../credential/store.js';
import { isObject, type JsonObject } from './python-values.js';

export const EC2 = 'ec2';

/** py-keystone's hash_access_key: the credential id of an EC2 access key. */
export function credentialIdOf(access: string): string {
  return createHash('sha256').update(access, 'utf8').digest('hex');
}

/**
 * The blob as the EC2 code reads it (jsonutils.loads of a text, an object as it is). A blob that is no JSON
 * object reads as empty here, where py-keystone would fail on it with a 500.
 */
export function blobObject(stored: CredentialRecord): JsonObject {
  let blob = stored.blob;
  if (typeof blob === 'string') {
    try {
      blob = JSON.parse(blob) as unknown;
    } catch {
      return {};
    }
  }
  return isObject(blob) ? blob : {};
}
