// POST /v3/auth/tokens up to the point of minting: run the requested methods, agree on one user, work out the
// scope (requested, a trust's project, the application credential's project, or the user's default project),
// and hand the token provider an IssueRequest. Mirrors py-keystone's authenticate_for_token step for step.
import type { KeystoneConfig } from '../config/schema.js';
import type { Executor } from '../db/connection.js';
import { NotFound, NotImplemented, Unauthorized, ValidationError } from '../errors.js';
import { getUser } from '../identity/store.js';
import { rolesOnProject } from '../assignment/effective-roles.js';
import { getDomainRow, getProjectRow } from '../resource/store.js';
import type { IssueRequest, TokenProvider } from '../token/provider.js';
import { getTrust, TrustNotFound, type Trust } from '../trust/lookup.js';
import { checkTrustParties } from '../trust/token-scope.js';
import type { Scope } from './context.js';
import { lookupDomain, lookupProject } from './lookups.js';
import { applicationCredentialMethod } from './methods/application-credential.js';
import { passwordMethod } from './methods/password.js';
import { tokenMethod } from './methods/token.js';
import type { AuthMethod, MethodOutcome } from './methods/types.js';
import { checkIdOrName, type AuthRequest } from './request.js';

const IMPLEMENTED: Readonly<Record<string, AuthMethod>> = {
  password: passwordMethod,
  token: tokenMethod,
  application_credential: applicationCredentialMethod,
};

export interface AuthenticateDeps {
  readonly db: Executor;
  readonly config: KeystoneConfig;
  readonly tokens: TokenProvider;
}

/** A requested scope before default scoping: undefined when the request named none. */
type RequestedScope = Scope | { kind: 'explicitly-unscoped' } | { kind: 'trust'; trust: Trust } | undefined;

export async function authenticateForToken(request: AuthRequest, deps: AuthenticateDeps): Promise<IssueRequest> {
  const methodNames = request.identity.methods;
  checkIdOrName(request);
  validateMethods(request, deps.config);
  const requested = await requestedScope(request, deps);

  const outcomes: MethodOutcome[] = [];
  for (const name of methodNames) outcomes.push(await IMPLEMENTED[name]!(request, deps));
  const userId = outcomes[0]?.userId;
  if (!userId) throw new Unauthorized('User not found by auth plugin; authentication failed');
  if (outcomes.some((o) => o.userId !== userId)) throw new Unauthorized('Methods identified different users');

  const appCred = outcomes.find((o) => o.applicationCredential)?.applicationCredential;
  let scope: Scope;
  if (appCred) {
    if (!appCred.projectId) throw new NotImplemented('System-scoped application credentials are not supported yet.');
    const project = await lookupProject(deps.db, { id: appCred.projectId });
    scope = { kind: 'project', projectId: project.id, projectDomainId: project.domainId };
  } else if (requested === undefined) {
    scope = await defaultScope(deps.db, userId);
  } else if (requested.kind === 'trust') {
    const { trust } = requested;
    if (!trust.projectId) {
      // No project to scope to: py-keystone mints, checks the trust's parties, then fails looking up project None.
      await checkTrustParties(deps.db, trust, userId);
      throw NotFound.of('project', 'None');
    }
    scope = { kind: 'project', projectId: trust.projectId, projectDomainId: '' };
  } else {
    scope = requested.kind === 'explicitly-unscoped' ? { kind: 'unscoped' } : requested;
  }

  const inherited = outcomes.flatMap((o) => o.inheritedMethods ?? []);
  const methods = orderMethods(new Set([...methodNames, ...inherited]), deps.config.auth.methods);
  const fromToken = outcomes.find((o) => o.expiresAt);
  return {
    userId,
    methods,
    scope,
    ...(fromToken?.expiresAt && { expiresAt: fromToken.expiresAt }),
    ...(fromToken?.auditChainId && { parentAuditId: fromToken.auditChainId }),
    ...(appCred && { applicationCredentialId: appCred.id }),
    ...(appCred?.expiresAt && { notAfter: appCred.expiresAt }),
    ...(requested?.kind === 'trust' && { trustId: requested.trust.id }),
  };
}

function validateMethods(request: AuthRequest, config: KeystoneConfig): void {
  const identity = request.identity as Record<string, unknown>;
  for (const name of request.identity.methods) {
    if (!(name in identity)) throw ValidationError.missing(name, 'identity');
  }
  for (const name of request.identity.methods) {
    if (!config.auth.methods.includes(name) || !(name in IMPLEMENTED)) {
      const err = Unauthorized.shown('Attempted to authenticate with an unsupported method.');
      err.extra = { identity: { methods: config.auth.methods } };
      throw err;
    }
  }
}

async function requestedScope(request: AuthRequest, deps: AuthenticateDeps): Promise<RequestedScope> {
  const { db } = deps;
  const scope = request.scope;
  if (request.identity.methods.includes('application_credential')) {
    if (scope !== undefined) {
      throw Unauthorized.shown(
        'Error authenticating with application credential: Application credentials cannot request a scope.',
      );
    }
    return undefined;
  }
  if (scope === undefined) return undefined;
  if (scope === 'unscoped') return { kind: 'explicitly-unscoped' };
  const kinds = ['project', 'domain', 'unscoped', 'system', 'OS-TRUST:trust'].filter((k) => k in scope);
  if (kinds.length !== 1) throw ValidationError.missing('system, project, domain, OS-TRUST:trust or unscoped', 'scope');
  if (scope.system) return { kind: 'system', system: 'all' };
  if ('unscoped' in scope) return { kind: 'explicitly-unscoped' };
  if (scope.project) {
    const project = await lookupProject(db, scope.project);
    return { kind: 'project', projectId: project.id, projectDomainId: project.domainId };
  }
  if (scope.domain) {
    const domain = await lookupDomain(db, scope.domain);
    return { kind: 'domain', domainId: domain.id };
  }
  return { kind: 'trust', trust: await lookupTrust(scope['OS-TRUST:trust']!, deps) };
}

/** AuthInfo._lookup_trust: a trust that is gone, expired or used up is a bare 401 here; its project must be usable. */
async function lookupTrust(ref: { id?: string | undefined }, deps: AuthenticateDeps): Promise<Trust> {
  if (!ref.id) throw ValidationError.missing('trust_id', 'trust');
  let trust: Trust;
  try {
    trust = await getTrust(deps.db, ref.id, { now: new Date(), maxRedelegationCount: deps.config.trust.max_redelegation_count });
  } catch (err) {
    if (err instanceof TrustNotFound) throw new Unauthorized(err.message);
    throw err;
  }
  if (trust.projectId) await lookupProject(deps.db, { id: trust.projectId });
  return trust;
}

/** No scope asked for: the user's default project if it is enabled and the user has a role there. */
async function defaultScope(db: Executor, userId: string): Promise<Scope> {
  const user = await getUser(db, userId);
  if (!user) throw new Unauthorized(`Could not find user: ${userId}`);
  if (!user.defaultProjectId) return { kind: 'unscoped' };
  const project = await getProjectRow(db, user.defaultProjectId);
  const domain = project && (await getDomainRow(db, project.domainId));
  if (!project || !domain || !project.enabled || !domain.enabled) return { kind: 'unscoped' };
  const roles = await rolesOnProject(db, userId, project);
  return roles.length > 0 ? { kind: 'project', projectId: project.id, projectDomainId: project.domainId } : { kind: 'unscoped' };
}

/** Methods in the order a Fernet payload's bitmask gives them back (last configured first), so the body of the
 * POST and of every later GET agree. */
function orderMethods(methods: Set<string>, configured: readonly string[]): string[] {
  return configured.filter((m) => methods.has(m)).reverse();
}
