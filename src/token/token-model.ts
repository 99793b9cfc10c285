// Turns what a token says (its payload and Fernet timestamp) into everything needed to answer for it: the user,
// domains, project, effective roles, application credential and trust, checked as py-keystone checks a token
// when it is minted or validated (disabled project or domain, no roles left on the scope, a trust gone or no
// longer backed by its trustor's roles).
import type { RoleRef, Scope } from '../auth/context.js';
import { rolesOnDomain, rolesOnProject, rolesOnSystem } from '../assignment/effective-roles.js';
import { getApplicationCredential, type ApplicationCredentialRecord } from '../application-credential/store.js';
import type { Executor } from '../db/connection.js';
import { NotFound, Unauthorized } from '../errors.js';
import { getUser, type UserRecord } from '../identity/store.js';
import { getDomainRow, getProjectRow, type ProjectRow } from '../resource/store.js';
import { getTrust, type Trust } from '../trust/lookup.js';
import { checkTrustParties, trustTokenRoles } from '../trust/token-scope.js';

/** The facts a Fernet token carries. */
export interface TokenFacts {
  readonly userId: string;
  readonly methods: readonly string[];
  readonly scope: Scope;
  readonly expiresAt: Date;
  readonly issuedAt: Date;
  /** [own audit id] or [own audit id, audit chain id]. */
  readonly auditIds: readonly string[];
  readonly applicationCredentialId?: string;
  /** A trust-scoped token (payload version 3): its scope is the trust's project. */
  readonly trustId?: string;
}

/** What a trust-scoped token adds: the trust, its trustor, and the delegated roles as full role dicts. */
export interface TrustScope {
  readonly trust: Trust;
  readonly trustor: UserRecord;
  readonly trustorDomain: ProjectRow;
  readonly roleRefs: readonly Record<string, unknown>[];
}

export interface TokenModelOptions {
  /** [trust] max_redelegation_count, which redelegated trusts are re-checked against. */
  readonly maxRedelegationCount: number;
  readonly now: Date;
}

export interface ResolvedToken {
  readonly facts: TokenFacts;
  readonly user: UserRecord;
  readonly userDomain: ProjectRow;
  readonly project?: ProjectRow;
  /** The project's domain (project scope) or the scoped domain (domain scope). */
  readonly scopeDomain?: ProjectRow;
  readonly roles: readonly RoleRef[];
  readonly applicationCredential?: ApplicationCredentialRecord;
  readonly trust?: TrustScope;
}

export async function resolveToken(db: Executor, facts: TokenFacts, options: TokenModelOptions): Promise<ResolvedToken> {
  const user = await getUser(db, facts.userId);
  if (!user) throw NotFound.of('user', facts.userId);
  const userDomain = await getDomainRow(db, user.domainId);
  if (!userDomain) throw NotFound.of('domain', user.domainId);
  if (!userDomain.enabled) throw domainDisabled(userDomain.id);

  const appCred = facts.applicationCredentialId
    ? await getApplicationCredential(db, facts.applicationCredentialId)
    : undefined;
  if (facts.applicationCredentialId && !appCred) {
    throw new NotFound(`Could not find Application Credential: ${facts.applicationCredentialId}.`);
  }

  const { scope } = facts;
  switch (scope.kind) {
    case 'unscoped':
      return { facts, user, userDomain, roles: [], ...(appCred && { applicationCredential: appCred }) };
    case 'system': {
      const roles = await rolesOnSystem(db, user.id);
      if (roles.length === 0) throw new Unauthorized(`User ${user.id} has no access to the system`);
      return { facts, user, userDomain, roles };
    }
    case 'domain': {
      const domain = await getDomainRow(db, scope.domainId);
      if (!domain) throw NotFound.of('domain', scope.domainId);
      const roles = await rolesOnDomain(db, user.id, domain.id);
      if (roles.length === 0) throw new Unauthorized(`User ${user.id} has no access to domain ${domain.id}`);
      return { facts, user, userDomain, scopeDomain: domain, roles };
    }
    case 'project': {
      const project = await getProjectRow(db, scope.projectId);
      if (!project) throw NotFound.of('project', scope.projectId);
      if (!project.enabled) {
        throw new NotFound(`Unable to validate token because project ${project.id} is disabled`);
      }
      // Most users live in their projects' domain: that row was just read.
      const projectDomain = project.domainId === userDomain.id ? userDomain : await getDomainRow(db, project.domainId);
      if (!projectDomain) throw NotFound.of('domain', project.domainId);
      if (!projectDomain.enabled) throw domainDisabled(projectDomain.id);
      if (facts.trustId) {
        const trust = await resolveTrust(db, facts.trustId, user.id, options);
        const roles = trust.roleRefs.map((r) => ({ id: r.id as string, name: r.name as string }));
        if (roles.length === 0) throw new Unauthorized(`User ${user.id} has no access to project ${project.id}`);
        return { facts, user, userDomain, project, scopeDomain: projectDomain, roles, trust };
      }
      let roles = await rolesOnProject(db, user.id, project);
      // An application credential's token carries only the credential's roles the user still holds.
      if (appCred) roles = roles.filter((r) => appCred.roleIds.includes(r.id));
      if (roles.length === 0) throw new Unauthorized(`User ${user.id} has no access to project ${project.id}`);
      return {
        facts,
        user,
        userDomain,
        project,
        scopeDomain: projectDomain,
        roles,
        ...(appCred && { applicationCredential: appCred }),
      };
    }
  }
}

function domainDisabled(id: string): NotFound {
  return new NotFound(`Unable to validate token because domain ${id} is disabled`);
}

async function resolveTrust(db: Executor, trustId: string, userId: string, options: TokenModelOptions): Promise<TrustScope> {
  const trust = await getTrust(db, trustId, options);
  const parties = await checkTrustParties(db, trust, userId);
  return { trust, ...parties, roleRefs: await trustTokenRoles(db, trust, options.now) };
}
