// What one auth method contributes to a token request.
import type { ApplicationCredentialRecord } from '../../application-credential/store.js';
import type { KeystoneConfig } from '../../config/schema.js';
import type { Executor } from '../../db/connection.js';
import type { TokenProvider } from '../../token/provider.js';
import type { AuthRequest } from '../request.js';

export interface MethodOutcome {
  readonly userId: string;
  /** Methods carried over (the token method keeps the original token's methods). */
  readonly inheritedMethods?: readonly string[];
  /** The token method keeps the original expiry: a rescope never extends a token's life. */
  readonly expiresAt?: Date;
  /** The audit chain a rescoped token belongs to. */
  readonly auditChainId?: string;
  readonly applicationCredential?: ApplicationCredentialRecord;
}

export interface MethodDeps {
  readonly db: Executor;
  readonly config: KeystoneConfig;
  readonly tokens: TokenProvider;
}

export type AuthMethod = (request: AuthRequest, deps: MethodDeps) => Promise<MethodOutcome>;
