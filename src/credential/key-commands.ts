// The database half of keystone-manage's credential_rotate and credential_migrate (keystone/cmd/cli.py): a
// rotation is refused while any credential is encrypted with a key other than the primary one, since the key it
// would prune may be the only one that opens it; a migration re-encrypts every such blob with the primary key.
import type { Database } from '../db/connection.js';
import type { CredentialCipher } from './crypto.js';
import { listSealedCredentials, resealCredential } from './store.js';

export class CredentialsNotOnPrimaryKey extends Error {
  constructor() {
    super(
      'Unable to rotate credential keys because not all credentials are encrypted with the primary key. Please make ' +
        'sure all credentials have been encrypted with the primary key using `keystone-ts credential_migrate`.',
    );
  }
}

/** credential_rotate's validate_primary_key. */
export async function assertCredentialsOnPrimaryKey(database: Database, cipher: CredentialCipher): Promise<void> {
  const primary = cipher.primaryKeyHash();
  const rows = await listSealedCredentials(database.db);
  if (rows.some((row) => row.keyHash !== primary)) throw new CredentialsNotOnPrimaryKey();
}

/**
 * credential_migrate: every blob not encrypted with the primary key is decrypted and encrypted again, its text
 * unchanged, in one transaction (rows locked), so a failure leaves every credential as it was. Returns how many.
 */
export async function migrateCredentials(database: Database, cipher: CredentialCipher): Promise<number> {
  const primary = cipher.primaryKeyHash();
  return database.db.transaction(async (tx) => {
    let migrated = 0;
    for (const row of await listSealedCredentials(tx, { forUpdate: true })) {
      if (row.keyHash === primary) continue;
      let plaintext: string;
      try {
        plaintext = cipher.decrypt(row.encryptedBlob);
      } catch {
        throw new Error(`credential ${row.id} could not be decrypted with any key of the repository; nothing was migrated`);
      }
      await resealCredential(tx, row.id, cipher.encrypt(plaintext));
      migrated++;
    }
    return migrated;
  });
}
