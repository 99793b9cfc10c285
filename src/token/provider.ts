// Issues, validates and revokes Fernet tokens with py-keystone's rules, over the shared database and key
// repository. Validation is the hot path of a whole cloud, so a validated token is cached (token/validation-cache.ts)
// for at most [keystone_ts] validation_cache_seconds before it is checked against the database again.
import type { AuthContext, Scope } from '../auth/context.js';
import { buildCatalog, catalogOptions } from '../catalog/token-catalog.js';
import type { KeystoneConfig } from '../config/schema.js';
import type { Executor } from '../db/connection.js';
import { Forbidden, NotFound, TokenNotFound, Unauthorized } from '../errors.js';
import type { Logger } from '../logger.js';
import { isRevoked, type TokenRevocationValues } from '../revoke/model.js';
import { insertRevocationEvent, listEventsForToken } from '../revoke/store.js';
import { TrustNotFound } from '../trust/lookup.js';
import { consumeTrustUse } from '../trust/store.js';
import { TokenFormatError } from './errors.js';
import type { IssuablePayload, TokenFormatter } from './formatter.js';
import { newAuditId } from './payload-fields.js';
import type { TokenPayload } from './payloads.js';
import { renderToken, type TokenBody } from './render.js';
import { resolveToken, type ResolvedToken, type TokenFacts } from './token-model.js';
import { ValidationCache } from './validation-cache.js';

/** A token that passed validation: what policy needs, and the body to send. */
export interface ValidToken {
  readonly context: AuthContext;
  /** The full body (catalog included for scoped tokens). */
  readonly body: TokenBody;
  readonly resolved: ResolvedToken;
}

export interface IssueRequest {
  readonly userId: string;
  readonly methods: readonly string[];
  readonly scope: Scope;
  /** Kept from the token a rescope started from; otherwise now + [token] expiration. */
  readonly expiresAt?: Date;
  /** A hard cap on expiry: an application credential's own expiry (py-keystone's fix for CVE-2022-2447). */
  readonly notAfter?: Date;
  /** The audit chain id (rescope), placed second in audit_ids. */
  readonly parentAuditId?: string;
  readonly applicationCredentialId?: string;
  /** A trust-scoped token: `scope` is the trust's project, and issuing it takes one of the trust's uses. */
  readonly trustId?: string;
}

export interface ValidateOptions {
  /** `?allow_expired=1`: accept tokens up to [token] allow_expired_window seconds past expiry. */
  readonly allowExpired?: boolean;
  /** The OpenStack-Identity-Access-Rules header (a version number) of the calling middleware. */
  readonly accessRulesVersion?: string;
}

export const ACCESS_RULES_MIN_VERSION = 1.0;

export class TokenProvider {
  private readonly cache: ValidationCache<ValidToken>;
  /** Validations running now, keyed by window and token: concurrent misses for one token share one validation. */
  private readonly inFlight = new Map<string, Promise<ValidToken>>();
  /** Bumped by every removal from the cache, so a validation that started before it cannot put a stale entry back. */
  private cacheGeneration = 0;
  /** Told of every removal a local change makes, so sibling worker processes can make it too. */
  private announceForget: (tokenId?: string) => void = () => {};

  constructor(
    private readonly deps: {
      readonly db: Executor;
      readonly config: KeystoneConfig;
      readonly formatter: TokenFormatter;
      readonly logger: Logger;
      readonly clock?: () => Date;
    },
  ) {
    const { validation_cache_seconds: ttl, validation_cache_entries: size } = deps.config.keystone_ts;
    this.cache = new ValidationCache(deps.config.token.caching ? ttl : 0, size, () => this.now().getTime());
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  async issue(request: IssueRequest): Promise<{ tokenId: string; token: ValidToken }> {
    const now = this.now();
    let expiresAt = request.expiresAt ?? new Date(now.getTime() + this.deps.config.token.expiration * 1000);
    if (request.notAfter && request.notAfter < expiresAt) expiresAt = request.notAfter;
    const auditIds = request.parentAuditId ? [newAuditId(), request.parentAuditId] : [newAuditId()];
    const payload = toPayload({ ...request, expiresAt, auditIds });
    const tokenId = this.deps.formatter.create(payload, now);
    // Read back what the token carries (whole-second expiry and issue time), so the POST body equals every later GET.
    const decoded = this.deps.formatter.validate(tokenId);
    const facts: TokenFacts = { ...request, expiresAt: decoded.payload.expiresAt, issuedAt: decoded.issuedAt, auditIds };
    let resolved: ResolvedToken;
    try {
      resolved = await resolveToken(this.deps.db, facts, this.modelOptions());
    } catch (err) {
      // py-keystone's authenticate_for_token answers a trust that vanished while minting with a bare 401.
      if (err instanceof TrustNotFound) throw new Unauthorized(err.message);
      throw err;
    }
    const token = await this.build(tokenId, resolved);
    const usesLeft = request.trustId ? await this.consumeTrustUse(request.trustId) : null;
    // A trust's last use leaves a token py-keystone no longer validates (its trust is "not found" from then on).
    if (usesLeft !== 0) this.cache.set(tokenId, token, facts.expiresAt);
    return { tokenId, token };
  }

  /** After a trust-scoped token is minted (py-keystone's consume_use): the uses left, null when unlimited. */
  private async consumeTrustUse(trustId: string): Promise<number | null> {
    const left = await consumeTrustUse(this.deps.db, trustId);
    if (left === 'missing') throw new Unauthorized(`Could not find trust: ${trustId}.`);
    // TrustUseLimitReached: another request took the last use between our look-up and now.
    if (left === 'exhausted') throw new Forbidden(`No remaining uses for trust: ${trustId}.`);
    return left;
  }

  private modelOptions() {
    return { maxRedelegationCount: this.deps.config.trust.max_redelegation_count, now: this.now() };
  }

  /** Throws TokenNotFound (or NotFound for a user, project or domain gone behind it) for any token that is not valid now. */
  async validate(tokenId: string, options: ValidateOptions = {}): Promise<ValidToken> {
    const window = options.allowExpired ? this.deps.config.token.allow_expired_window : 0;
    const hit = this.cache.get(tokenId);
    let token: ValidToken;
    if (!hit) {
      token = await this.validateOnce(tokenId, window);
    } else {
      token = hit.value;
      if (this.now().getTime() >= token.context.expiresAt.getTime() + window * 1000) throw new TokenNotFound('Failed to validate token');
      if (hit.refreshDue) this.refreshInBackground(tokenId);
    }
    this.checkAccessRules(token, options.accessRulesVersion);
    return token;
  }

  /** One uncached validation per token and window at a time; its result is cached unless the cache was cleared meanwhile. */
  private validateOnce(tokenId: string, windowSeconds: number): Promise<ValidToken> {
    const key = `${windowSeconds}:${tokenId}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      const generation = this.cacheGeneration;
      pending = this.validateUncached(tokenId, windowSeconds)
        .then((token) => {
          // Expired-but-allowed tokens are not cached: the normal path must keep rejecting them.
          if (generation === this.cacheGeneration && this.now() < token.context.expiresAt) {
            this.cache.set(tokenId, token, token.context.expiresAt);
          }
          return token;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** Revalidates a cached token that is still being served; a token no longer valid leaves the cache. */
  private refreshInBackground(tokenId: string): void {
    this.validateOnce(tokenId, 0).catch((err: unknown) => {
      this.forget(tokenId);
      if (!(err instanceof NotFound)) this.deps.logger.warn({ err }, 'background token revalidation failed');
    });
  }

  private forget(tokenId?: string): void {
    this.cacheGeneration++;
    if (tokenId === undefined) this.cache.clear();
    else this.cache.delete(tokenId);
  }

  /** Registers who hears about removals made by local changes (worker-invalidation.ts). */
  onForget(listener: (tokenId?: string) => void): void {
    this.announceForget = listener;
  }

  /** A removal another worker process made for a change of its own. */
  forgetFromSibling(tokenId?: string): void {
    this.forget(tokenId);
  }

  /** DELETE /v3/auth/tokens: a revocation event on the token's audit id, which py-keystone honours too. */
  async revoke(token: ValidToken): Promise<void> {
    const revokedAt = new Date(Math.floor(this.now().getTime() / 1000) * 1000);
    await insertRevocationEvent(this.deps.db, {
      auditId: token.context.auditIds[0]!,
      issuedBefore: revokedAt,
      revokedAt,
    });
    this.forget(token.context.tokenId);
    this.announceForget(token.context.tokenId);
  }

  /** Forget every cached validation (after a local change that must be seen at once). */
  invalidateCache(): void {
    this.forget();
    this.announceForget();
  }

  private async validateUncached(tokenId: string, windowSeconds: number): Promise<ValidToken> {
    let payload: TokenPayload;
    let issuedAt: Date;
    try {
      ({ payload, issuedAt } = this.deps.formatter.validate(tokenId));
    } catch (err) {
      if (err instanceof TokenFormatError) throw new TokenNotFound('Could not recognize Fernet token');
      throw err;
    }
    const facts = toFacts(payload, issuedAt);
    if (!facts) throw new TokenNotFound('This token type is not supported by keystone-ts yet.');
    if (this.now().getTime() >= facts.expiresAt.getTime() + windowSeconds * 1000) {
      throw new TokenNotFound('Failed to validate token');
    }
    let resolved: ResolvedToken;
    try {
      resolved = await resolveToken(this.deps.db, facts, this.modelOptions());
    } catch (err) {
      // py-keystone turns an authorization failure during validation into "token not found".
      if (err instanceof Unauthorized) throw new TokenNotFound(`Could not find token: ${tokenId}.`);
      throw err;
    }
    const trust = resolved.trust?.trust;
    const events = await listEventsForToken(this.deps.db, {
      issuedAt,
      // py-keystone matches user events against the token's user and, for a trust, its trustor and trustee.
      userIds: [...new Set([facts.userId, ...(trust ? [trust.trustorUserId, trust.trusteeUserId] : [])])],
      projectId: resolved.project?.id ?? null,
      auditId: facts.auditIds[0] ?? null,
    });
    if (isRevoked(events, revocationValues(resolved))) throw new TokenNotFound('Failed to validate token');
    return this.build(tokenId, resolved);
  }

  private async build(tokenId: string, resolved: ResolvedToken): Promise<ValidToken> {
    const { facts } = resolved;
    const trust = resolved.trust;
    // A trust-scoped token carries the trustor's catalog.
    const catalogUserId = trust ? trust.trust.trustorUserId : facts.userId;
    const catalog =
      facts.scope.kind === 'unscoped'
        ? undefined
        : await buildCatalog(
            this.deps.db,
            catalogUserId,
            facts.scope.kind === 'project' ? facts.scope.projectId : null,
            catalogOptions(this.deps.config),
          );
    const body = renderToken(resolved, catalog, this.deps.config);
    const scope: Scope =
      facts.scope.kind === 'project' ? { ...facts.scope, projectDomainId: resolved.project!.domainId } : facts.scope;
    // Policy sees the token's `user` (keystonemiddleware reads it from the body): the trustor when impersonating.
    const actsAs = trust?.trust.impersonation ? trust.trustor : resolved.user;
    const context: AuthContext = Object.freeze({
      tokenId,
      userId: actsAs.id,
      userDomainId: actsAs.domainId,
      methods: facts.methods,
      scope,
      roles: resolved.roles,
      auditIds: facts.auditIds,
      expiresAt: facts.expiresAt,
      issuedAt: facts.issuedAt,
      // oslo.context defaults is_admin_project to true; py-keystone forces it off for domain scope.
      isAdminProject: facts.scope.kind === 'domain' ? false : ((body.is_admin_project as boolean | undefined) ?? true),
      ...(facts.applicationCredentialId && { applicationCredentialId: facts.applicationCredentialId }),
      ...(trust && { trustId: trust.trust.id }),
      tokenBody: body,
    });
    return { context, body, resolved };
  }

  private checkAccessRules(token: ValidToken, version: string | undefined): void {
    const appCred = token.resolved.applicationCredential;
    if (!appCred?.accessRules) return;
    if (version === undefined || !(Number.parseFloat(version) >= ACCESS_RULES_MIN_VERSION)) {
      this.deps.logger.warn('application credential with access rules used through a middleware that does not enforce them');
      throw new TokenNotFound('Failed to validate token');
    }
  }
}

function toPayload(r: IssueRequest & { expiresAt: Date; auditIds: string[] }): IssuablePayload {
  const base = { userId: r.userId, methods: r.methods, expiresAt: r.expiresAt, auditIds: r.auditIds };
  const scope = r.scope;
  if (r.applicationCredentialId) {
    if (scope.kind !== 'project') throw new Unauthorized('Application credentials must be project scoped.');
    return { ...base, version: 9, projectId: scope.projectId, applicationCredentialId: r.applicationCredentialId };
  }
  if (r.trustId) {
    if (scope.kind !== 'project') throw NotFound.of('project', 'None');
    return { ...base, version: 3, projectId: scope.projectId, trustId: r.trustId };
  }
  switch (scope.kind) {
    case 'unscoped':
      return { ...base, version: 0 };
    case 'domain':
      return { ...base, version: 1, domainId: scope.domainId };
    case 'project':
      return { ...base, version: 2, projectId: scope.projectId };
    case 'system':
      return { ...base, version: 8, system: scope.system };
  }
}

/** The facts of the payload versions keystone-ts can answer for; undefined for the others (federation, OAuth). */
function toFacts(payload: TokenPayload, issuedAt: Date): TokenFacts | undefined {
  const base = { userId: payload.userId, methods: payload.methods, expiresAt: payload.expiresAt, auditIds: payload.auditIds, issuedAt };
  switch (payload.version) {
    case 0:
      return { ...base, scope: { kind: 'unscoped' } };
    case 1:
      return { ...base, scope: { kind: 'domain', domainId: payload.domainId } };
    case 2:
      return { ...base, scope: { kind: 'project', projectId: payload.projectId, projectDomainId: '' } };
    case 3:
      return { ...base, scope: { kind: 'project', projectId: payload.projectId, projectDomainId: '' }, trustId: payload.trustId };
    case 8:
      return { ...base, scope: { kind: 'system', system: 'all' } };
    case 9:
      return {
        ...base,
        scope: { kind: 'project', projectId: payload.projectId, projectDomainId: '' },
        applicationCredentialId: payload.applicationCredentialId,
      };
    default:
      return undefined;
  }
}

function revocationValues(t: ResolvedToken): TokenRevocationValues {
  const { facts } = t;
  return {
    issuedAt: facts.issuedAt,
    expiresAt: facts.expiresAt,
    userId: facts.userId,
    identityDomainId: t.user.domainId,
    projectId: t.project?.id ?? null,
    assignmentDomainId: t.scopeDomain?.id ?? null,
    roleIds: t.roles.map((r) => r.id),
    trustId: t.trust?.trust.id ?? null,
    trustorId: t.trust?.trust.trustorUserId ?? null,
    trusteeId: t.trust?.trust.trusteeUserId ?? null,
    consumerId: null,
    auditId: facts.auditIds[0]!,
    auditChainId: facts.auditIds[1] ?? null,
  };
}

