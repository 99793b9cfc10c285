// Credential blobs at rest, as py-keystone's fernet credential provider keeps them
// (keystone/credential/providers/fernet/core.py): the blob text is a Fernet token made with the primary key of
// `[credential] key_repository`, stored beside the SHA-1 hex of that key's text (`key_hash`), and any key of the
// repository decrypts. Like py-keystone, the all-zero "null key" always decrypts too, and encrypts when the
// repository is missing or empty (credentials written before `credential_setup`), with a warning.
import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import { UnexpectedError } from '../errors.js';
import { Fernet } from '../token/fernet.js';
import { KeyRepository } from '../token/key-repository.js';

/** fernet_utils.NULL_KEY: 32 zero bytes, urlsafe base64. */
export const NULL_KEY = `${'A'.repeat(43)}=`;

/** The repository's keys, primary first, the null key last (py-keystone's load_keys(use_null_key=True)). */
interface LoadedKeys {
  readonly keys: readonly string[];
  readonly fernet: Fernet;
}

export interface SealedBlob {
  readonly encryptedBlob: string;
  readonly keyHash: string;
}

/**
 * py-keystone's primary_key_hash: sha1 of the primary key's text. py-keystone hashes the file's text as read;
 * keystone-ts hashes it trimmed, which is the same for every key file keystone-manage or keystone-ts writes.
 */
export function keyHash(keyText: string): string {
  return createHash('sha1').update(keyText, 'utf8').digest('hex');
}

export class CredentialCipher {
  private repository: KeyRepository | undefined;
  private readonly nullOnly: LoadedKeys = { keys: [NULL_KEY], fernet: new Fernet([NULL_KEY]) };
  private cached: { keys: readonly string[]; loaded: LoadedKeys } | undefined;

  /**
   * @param directory `[credential] key_repository`
   * @param recheckSeconds how often a running server looks for a rotation made by either implementation
   */
  constructor(
    private readonly directory: string,
    private readonly logger?: Pick<Logger, 'warn' | 'error'>,
    private readonly recheckSeconds = 1,
  ) {}

  /** The hash recorded with every blob the primary key encrypts now. */
  primaryKeyHash(): string {
    return keyHash(this.load().keys[0]!);
  }

  /** Hashes of every key that can decrypt (primary first, null key last). */
  keyHashes(): string[] {
    return this.load().keys.map(keyHash);
  }

  encrypt(plaintext: string): SealedBlob {
    const { keys, fernet } = this.load();
    if (keys[0] === NULL_KEY) {
      this.logger?.warn(
        'Encrypting credentials with the null key. Please properly encrypt credentials using `keystone-ts ' +
          'credential_setup`, `keystone-ts credential_migrate`, and `keystone-ts credential_rotate`',
      );
    }
    return { encryptedBlob: fernet.encrypt(Buffer.from(plaintext, 'utf8')), keyHash: keyHash(keys[0]!) };
  }

  /** The blob text; a blob no key opens is py-keystone's CredentialEncryptionError, a bare 500. */
  decrypt(encryptedBlob: string): string {
    try {
      return this.load().fernet.decrypt(encryptedBlob).toString('utf8');
    } catch {
      this.logger?.error('Credential could not be decrypted. Please contact the administrator');
      throw new UnexpectedError();
    }
  }

  private load(): LoadedKeys {
    let keys: readonly string[];
    try {
      this.repository ??= new KeyRepository(this.directory, { configGroup: 'credential', recheckSeconds: this.recheckSeconds });
      keys = this.repository.current().keys;
    } catch {
      // py-keystone: a repository it cannot read or that holds no key leaves only the null key.
      return this.nullOnly;
    }
    if (this.cached?.keys !== keys) {
      const all = [...keys, NULL_KEY];
      this.cached = { keys, loaded: { keys: all, fernet: new Fernet(all) } };
    }
    return this.cached.loaded;
  }
}
