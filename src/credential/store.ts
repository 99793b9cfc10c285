// SQL for the `credential` table, with blobs sealed and opened by a CredentialCipher on the way in and out, so
// callers (the /v3/credentials service, the OS-EC2 and ec2tokens/s3tokens code, the credential_migrate command)
// only ever see decrypted blobs. Every function takes an Executor: pass a transaction to group writes.
import { and, eq, ilike, type SQL } from 'drizzle-orm';
import { pyJsonDumps } from '../catalog/python-json.js';
import type { Executor } from '../db/connection.js';
import { credential } from '../db/legacy/schema.js';
import { blobFromPlaintext, blobPlaintext, type BlobValue } from './blob.js';
import type { CredentialCipher, SealedBlob } from './crypto.js';

export interface CredentialRecord {
  readonly id: string;
  readonly userId: string;
  readonly projectId: string | null;
  readonly type: string;
  /** Decrypted: the text, or for type `ec2` the JSON value it encodes (see blob.ts). */
  readonly blob: BlobValue;
  /** Members py-keystone keeps beside the columns (a create body's unknown members), in the `extra` column. */
  readonly extra: Readonly<Record<string, unknown>>;
  /** Which key encrypted the blob (sha1 of the key text). */
  readonly keyHash: string;
}

export interface NewCredential {
  readonly id: string;
  readonly userId: string;
  readonly projectId: string | null;
  readonly type: string;
  /** Text; for type `ec2` any JSON value, stored as json.dumps of it, as py-keystone's manager does. */
  readonly blob: BlobValue;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** An exact or a case-insensitive LIKE condition on a filterable column. */
export interface CredentialCondition {
  readonly column: 'user_id' | 'type';
  readonly value: string;
  readonly like?: boolean;
}

export interface SealedCredentialRow {
  readonly id: string;
  readonly type: string;
  readonly keyHash: string;
  readonly encryptedBlob: string;
}

type Row = typeof credential.$inferSelect;

function open(cipher: CredentialCipher, row: Row): CredentialRecord {
  return {
    id: row.id,
    userId: row.userId,
    projectId: row.projectId,
    type: row.type,
    blob: blobFromPlaintext(row.type, cipher.decrypt(row.encryptedBlob)),
    extra: parseExtra(row.extra),
    keyHash: row.keyHash,
  };
}

function parseExtra(text: string | null): Record<string, unknown> {
  if (!text) return {};
  const value = JSON.parse(text) as unknown;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Inserts a credential with its blob encrypted by the primary key. A taken id is a unique violation (23505). */
export async function insertCredential(db: Executor, cipher: CredentialCipher, row: NewCredential): Promise<CredentialRecord> {
  const sealed = cipher.encrypt(blobPlaintext(row.type, row.blob));
  const extra = row.extra ?? {};
  await db.insert(credential).values({
    id: row.id,
    userId: row.userId,
    projectId: row.projectId,
    type: row.type,
    extra: pyJsonDumps(extra),
    keyHash: sealed.keyHash,
    encryptedBlob: sealed.encryptedBlob,
  });
  return { id: row.id, userId: row.userId, projectId: row.projectId, type: row.type, blob: row.blob, extra, keyHash: sealed.keyHash };
}

export async function getCredential(db: Executor, cipher: CredentialCipher, id: string): Promise<CredentialRecord | undefined> {
  const rows = await db.select().from(credential).where(eq(credential.id, id)).limit(1);
  return rows[0] && open(cipher, rows[0]);
}

/** Credentials matching every condition, in the table's own order (py-keystone's query has no ORDER BY). */
export async function listCredentials(
  db: Executor,
  cipher: CredentialCipher,
  conditions: readonly CredentialCondition[] = [],
): Promise<CredentialRecord[]> {
  const where: SQL[] = conditions.map((c) => {
    const column = c.column === 'user_id' ? credential.userId : credential.type;
    return c.like ? ilike(column, c.value) : eq(column, c.value);
  });
  const rows = await db.select().from(credential).where(where.length > 0 ? and(...where) : undefined);
  return rows.map((row) => open(cipher, row));
}

/** list_credentials_for_user(user_id, type=None). */
export function listCredentialsForUser(db: Executor, cipher: CredentialCipher, userId: string, type?: string): Promise<CredentialRecord[]> {
  const conditions: CredentialCondition[] = [{ column: 'user_id', value: userId }];
  if (type) conditions.push({ column: 'type', value: type });
  return listCredentials(db, cipher, conditions);
}

/**
 * Replaces a blob, as py-keystone's update_credential does: the text given is encrypted as it is, whatever the
 * credential's type. Returns the updated credential, or undefined when there is none with this id.
 */
export async function updateCredentialBlob(
  db: Executor,
  cipher: CredentialCipher,
  id: string,
  plaintext: string,
): Promise<CredentialRecord | undefined> {
  const sealed = cipher.encrypt(plaintext);
  const rows = await db
    .update(credential)
    .set({ encryptedBlob: sealed.encryptedBlob, keyHash: sealed.keyHash })
    .where(eq(credential.id, id))
    .returning();
  return rows[0] && open(cipher, rows[0]);
}

/** Returns how many rows went (0 or 1). */
export async function deleteCredential(db: Executor, id: string): Promise<number> {
  const rows = await db.delete(credential).where(eq(credential.id, id)).returning({ id: credential.id });
  return rows.length;
}

export async function deleteCredentialsForUser(db: Executor, userId: string): Promise<number> {
  const rows = await db.delete(credential).where(eq(credential.userId, userId)).returning({ id: credential.id });
  return rows.length;
}

export async function deleteCredentialsForProject(db: Executor, projectId: string): Promise<number> {
  const rows = await db.delete(credential).where(eq(credential.projectId, projectId)).returning({ id: credential.id });
  return rows.length;
}

/** Every row still encrypted, for the key commands; `forUpdate` locks them for a re-encryption. */
export async function listSealedCredentials(db: Executor, options: { forUpdate?: boolean } = {}): Promise<SealedCredentialRow[]> {
  const query = db
    .select({ id: credential.id, type: credential.type, keyHash: credential.keyHash, encryptedBlob: credential.encryptedBlob })
    .from(credential);
  return options.forUpdate ? query.for('update') : query;
}

export async function resealCredential(db: Executor, id: string, sealed: SealedBlob): Promise<void> {
  await db.update(credential).set({ encryptedBlob: sealed.encryptedBlob, keyHash: sealed.keyHash }).where(eq(credential.id, id));
}
