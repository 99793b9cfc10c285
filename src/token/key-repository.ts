// A Fernet key repository with py-keystone's layout (keystone/common/fernet_utils.py), so keystone-ts and
// keystone-manage can share one: files named by integers, `0` the staged key, the highest number the primary
// (encrypting) key, every key decrypting. Filesystem calls are synchronous on purpose: setup and rotation are
// admin commands, and a running server only stats the directory once per recheck interval.
import { accessSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KeyRepositoryError } from './errors.js';
import { Fernet, generateFernetKey, parseFernetKey } from './fernet.js';

/** The levels used here; a pino logger fits. */
export type KeyRepositoryLog = Record<'info' | 'warn' | 'error', (message: string) => void>;

export interface KeyRepositoryOptions {
  /** The config section the repository belongs to, for messages: fernet_tokens or fernet_receipts. */
  readonly configGroup?: string;
  readonly logger?: KeyRepositoryLog;
  /**
   * py-keystone only warns when the directory is readable or searchable by others; with this on, keystone-ts
   * refuses to use such a repository instead.
   */
  readonly refuseOtherAccess?: boolean;
}

/** One loaded, immutable view of a repository. */
export interface KeySet {
  readonly directory: string;
  /** Key numbers, primary first (descending); 0 is the staged key. */
  readonly keyIds: readonly number[];
  /** Key texts in keyIds order. */
  readonly keys: readonly string[];
  readonly fernet: Fernet;
}

/**
 * keystone-manage fernet_setup: create the directory (0700) if needed, then key 0 and one rotation, leaving a
 * primary 1 and a staged 0. Does nothing when a staged key already exists. Returns whether keys were created.
 */
export function setupKeyRepository(directory: string, maxActiveKeys: number, options: KeyRepositoryOptions = {}): boolean {
  if (!existsSync(directory)) {
    options.logger?.info(`${directory} does not appear to exist; attempting to create it`);
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  }
  checkAccess(directory, true, options);
  if (existsSync(join(directory, '0'))) {
    options.logger?.info('Key repository is already initialized; aborting.');
    return false;
  }
  writeStagedKey(directory, options.logger);
  rotateKeyRepository(directory, maxActiveKeys, options);
  return true;
}

/**
 * keystone-manage fernet_rotate: promote the staged key 0 to primary (highest number + 1), write a new staged key,
 * and delete the lowest-numbered keys until max_active_keys remain (staged key included).
 */
export function rotateKeyRepository(directory: string, maxActiveKeys: number, options: KeyRepositoryOptions = {}): { primary: number; purged: number[] } {
  checkAccess(directory, true, options);
  const files = readKeyFiles(directory, options.logger);
  if (!files.has(0)) {
    throw new KeyRepositoryError(`${directory} has no staged key 0; run fernet_setup to bootstrap the repository`);
  }
  options.logger?.info(`Starting key rotation with ${files.size} key files: ${[...files.keys()].join(', ')}`);
  const primary = Math.max(...files.keys()) + 1;
  // The new staged key is written beside the old one first, so every moment of a rotation leaves usable keys.
  const tmp = writeTempKey(directory);
  renameSync(join(directory, '0'), join(directory, String(primary)));
  options.logger?.info(`Promoted key 0 to be the primary: ${primary}`);
  renameSync(tmp, join(directory, '0'));
  const active = [...files.keys()].filter((id) => id !== 0).concat(primary).sort((a, b) => b - a);
  const purged: number[] = [];
  while (active.length > maxActiveKeys - 1) {
    const id = active.pop()!;
    options.logger?.info(`Excess key to purge: ${join(directory, String(id))}`);
    unlinkSync(join(directory, String(id)));
    purged.push(id);
  }
  return { primary, purged };
}

/** Reads and validates every key; throws KeyRepositoryError when none is usable. */
export function loadKeySet(directory: string, options: KeyRepositoryOptions = {}): KeySet {
  checkAccess(directory, false, options);
  const files = readKeyFiles(directory, options.logger);
  if (files.size === 0) {
    throw new KeyRepositoryError(`No encryption keys found in ${directory}; run fernet_setup to bootstrap one.`);
  }
  const keyIds = [...files.keys()].sort((a, b) => b - a);
  const keys = keyIds.map((id) => {
    const text = files.get(id)!;
    try {
      parseFernetKey(text);
    } catch (err) {
      throw new KeyRepositoryError(`${join(directory, String(id))}: ${(err as Error).message}`);
    }
    return text.trim();
  });
  return Object.freeze({ directory, keyIds: Object.freeze(keyIds), keys: Object.freeze(keys), fernet: new Fernet(keys) });
}

/**
 * A repository for a running server: current() returns the loaded KeySet and, at most once per recheckSeconds,
 * stats the directory and its key files; any change of name, size or mtime reloads. A rotation done by
 * py-keystone's keystone-manage on a shared repository is thus seen within recheckSeconds, without a restart.
 */
export class KeyRepository {
  private keySet: KeySet;
  private signature: string;
  private checkedAt: number;

  constructor(
    readonly directory: string,
    private readonly options: KeyRepositoryOptions & { readonly recheckSeconds?: number; readonly clock?: () => number } = {},
  ) {
    // Fingerprint before loading, so a change racing the load is seen at the next check; a failed fingerprint
    // ('') forces that check to reload.
    this.signature = this.fingerprintOrBlank();
    this.keySet = loadKeySet(directory, options);
    this.checkedAt = this.now();
  }

  current(): KeySet {
    const now = this.now();
    if (now - this.checkedAt < (this.options.recheckSeconds ?? 1) * 1000) return this.keySet;
    this.checkedAt = now;
    try {
      const signature = this.fingerprint();
      if (signature !== this.signature) {
        this.keySet = loadKeySet(this.directory, this.options);
        this.signature = signature;
        this.options.logger?.info(`Reloaded keys from ${this.directory}: ${this.keySet.keyIds.join(', ')}`);
      }
    } catch (err) {
      // Mid-rotation or a bad edit: keep serving with the last good keys and retry at the next check.
      this.options.logger?.error(`Could not reload keys from ${this.directory}, keeping the loaded ones: ${(err as Error).message}`);
    }
    return this.keySet;
  }

  private now(): number {
    return this.options.clock ? this.options.clock() : Date.now();
  }

  private fingerprintOrBlank(): string {
    try {
      return this.fingerprint();
    } catch {
      return '';
    }
  }

  private fingerprint(): string {
    const parts = [String(statSync(this.directory, { bigint: true }).mtimeNs)];
    for (const name of readdirSync(this.directory).sort()) {
      if (!isKeyFileName(name)) continue;
      const s = statSync(join(this.directory, name), { bigint: true });
      parts.push(`${name}:${s.size}:${s.mtimeNs}`);
    }
    return parts.join('|');
  }
}

/** py-keystone's validate_key_repository: usable only if readable and searchable (and writable for admin work). */
function checkAccess(directory: string, requiresWrite: boolean, options: KeyRepositoryOptions): void {
  const group = options.configGroup ?? 'fernet_tokens';
  try {
    accessSync(directory, constants.R_OK | constants.X_OK | (requiresWrite ? constants.W_OK : 0));
  } catch {
    const message =
      `Either [${group}] key_repository does not exist or Keystone does not have sufficient permission to ` +
      `access it: ${directory}`;
    options.logger?.error(message);
    throw new KeyRepositoryError(message);
  }
  const mode = statSync(directory).mode;
  if (mode & (constants.S_IROTH | constants.S_IXOTH)) {
    if (options.refuseOtherAccess) throw new KeyRepositoryError(`key_repository is world readable: ${directory}`);
    options.logger?.warn(`key_repository is world readable: ${directory}`);
  }
}

function isKeyFileName(name: string): boolean {
  return /^\d+$/.test(name);
}

/** Key number -> file text, for regular files named by an integer; empty files are skipped with a warning. */
function readKeyFiles(directory: string, logger: KeyRepositoryLog | undefined): Map<number, string> {
  const keys = new Map<number, string>();
  for (const name of readdirSync(directory)) {
    if (!isKeyFileName(name)) continue;
    const path = join(directory, name);
    if (!statSync(path).isFile()) continue;
    const text = readFileSync(path, 'utf8');
    if (text.length === 0) {
      logger?.warn(`Ignoring empty key found in key repository: ${path}`);
      continue;
    }
    keys.set(Number(name), text);
  }
  return keys;
}

/** A new key in `0.tmp`, created 0600 so it is never readable by anyone else, even briefly. */
function writeTempKey(directory: string): string {
  const tmp = join(directory, '0.tmp');
  // A leftover 0.tmp from a crashed run could have any mode; opening it would keep that mode.
  if (existsSync(tmp)) unlinkSync(tmp);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, generateFernetKey());
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

function writeStagedKey(directory: string, logger: KeyRepositoryLog | undefined): void {
  renameSync(writeTempKey(directory), join(directory, '0'));
  logger?.info(`Become a valid new key: ${join(directory, '0')}`);
}
