// A credential as py-keystone's API shows it: the members kept in `extra` first, then the columns, the blob
// decrypted (an object blob dumped to text), and links.self; a client's own `links` member keeps its keys.
import { blobText } from './blob.js';
import type { CredentialRecord } from './store.js';

/** The credential dict py-keystone's manager returns (also what policy sees as target.credential). */
export function credentialDict(credential: CredentialRecord): Record<string, unknown> {
  return {
    ...credential.extra,
    id: credential.id,
    user_id: credential.userId,
    project_id: credential.projectId,
    type: credential.type,
    blob: credential.blob,
  };
}

export function credentialBody(credential: CredentialRecord, base: string, blob: unknown = blobText(credential.blob)): Record<string, unknown> {
  const own = credential.extra.links;
  const links = own !== null && typeof own === 'object' && !Array.isArray(own) ? own : {};
  return { ...credentialDict(credential), blob, links: { ...links, self: `${base}/v3/credentials/${credential.id}` } };
}
