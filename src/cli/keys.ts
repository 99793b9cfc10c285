// fernet_setup / fernet_rotate / credential_setup / credential_rotate, as keystone-manage runs them: fernet
// commands act on both the token and the receipt repositories, credential commands on the credential one.
import { execFileSync } from 'node:child_process';
import { chownSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KeystoneConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { rotateKeyRepository, setupKeyRepository } from '../token/key-repository.js';

type Kind = 'fernet' | 'credential';
type Owner = { user?: string | undefined; group?: string | undefined };

function repositories(config: KeystoneConfig, kind: Kind): { directory: string; maxActiveKeys: number; group: string }[] {
  if (kind === 'credential') {
    // py-keystone keeps exactly three credential keys (staged, primary, one secondary).
    return [{ directory: config.credential.key_repository, maxActiveKeys: 3, group: 'credential' }];
  }
  const repos = [
    { directory: config.fernet_tokens.key_repository, maxActiveKeys: config.fernet_tokens.max_active_keys, group: 'fernet_tokens' },
  ];
  if (config.fernet_receipts.key_repository !== config.fernet_tokens.key_repository) {
    repos.push({
      directory: config.fernet_receipts.key_repository,
      maxActiveKeys: config.fernet_receipts.max_active_keys,
      group: 'fernet_receipts',
    });
  }
  return repos;
}

export function setupKeyRepositories(config: KeystoneConfig, kind: Kind, owner: Owner, logger: Logger): void {
  for (const repo of repositories(config, kind)) {
    setupKeyRepository(repo.directory, repo.maxActiveKeys, { configGroup: repo.group, logger });
    chownRepository(repo.directory, owner);
  }
}

export function rotateKeys(config: KeystoneConfig, kind: Kind, owner: Owner, logger: Logger): void {
  for (const repo of repositories(config, kind)) {
    rotateKeyRepository(repo.directory, repo.maxActiveKeys, { configGroup: repo.group, logger });
    chownRepository(repo.directory, owner);
  }
}

function chownRepository(directory: string, owner: Owner): void {
  if (!owner.user && !owner.group) return;
  const uid = owner.user ? Number(execFileSync('id', ['-u', owner.user]).toString().trim()) : -1;
  const gid = owner.group ? Number(execFileSync('getent', ['group', owner.group]).toString().split(':')[2]) : -1;
  chownSync(directory, uid, gid);
  for (const name of readdirSync(directory)) chownSync(join(directory, name), uid, gid);
}
