// The token body of POST/GET /v3/auth/tokens, shaped key for key as py-keystone renders it.
import type { KeystoneConfig } from '../config/schema.js';
import type { CatalogService } from '../catalog/token-catalog.js';
import { isoMicros, isoMicrosNaive } from './time-format.js';
import type { ResolvedToken, TrustScope } from './token-model.js';

export type TokenBody = Record<string, unknown>;

export function renderToken(token: ResolvedToken, catalog: CatalogService[] | undefined, config: KeystoneConfig): TokenBody {
  const { facts, user, userDomain } = token;
  const body: TokenBody = {
    methods: [...facts.methods],
    user: {
      domain: { id: userDomain.id, name: userDomain.name },
      id: user.id,
      name: user.name,
      password_expires_at: user.passwordExpiresAt ? isoMicrosNaive(user.passwordExpiresAt) : null,
    },
    audit_ids: [...facts.auditIds],
    expires_at: isoMicros(facts.expiresAt),
    issued_at: isoMicros(facts.issuedAt),
  };
  const roles = token.roles.map((r) => ({ id: r.id, name: r.name }));
  switch (facts.scope.kind) {
    case 'system':
      body.roles = roles;
      body.system = { all: true };
      break;
    case 'domain':
      body.domain = { id: token.scopeDomain!.id, name: token.scopeDomain!.name };
      body.roles = roles;
      break;
    case 'project': {
      const project = token.project!;
      if (token.trust) {
        renderTrustScope(body, token, token.trust);
        break;
      }
      body.project = { domain: { id: token.scopeDomain!.id, name: token.scopeDomain!.name }, id: project.id, name: project.name };
      body.is_domain = project.isDomain;
      body.roles = roles;
      const { admin_project_name: apName, admin_project_domain_name: apDomain } = config.resource;
      if (apName && apDomain) body.is_admin_project = project.name === apName && token.scopeDomain!.name === apDomain;
      break;
    }
    case 'unscoped':
      break;
  }
  if (catalog && facts.scope.kind !== 'unscoped') body.catalog = catalog;
  const appCred = token.applicationCredential;
  if (appCred) {
    body.application_credential = {
      id: appCred.id,
      name: appCred.name,
      restricted: !appCred.unrestricted,
      ...(appCred.accessRules && { access_rules: appCred.accessRules }),
    };
  }
  return body;
}

/**
 * A trust-scoped token: the trust block, the trust's project (no is_domain or is_admin_project, which py-keystone
 * renders only for plain project scope), `user` swapped for the trustor when the trust impersonates, and the
 * delegated roles as full role dicts (domain_id, description, options included).
 */
function renderTrustScope(body: TokenBody, token: ResolvedToken, scope: TrustScope): void {
  const { trust, trustor, trustorDomain } = scope;
  body['OS-TRUST:trust'] = {
    id: trust.id,
    trustor_user: { id: trust.trustorUserId },
    trustee_user: { id: trust.trusteeUserId },
    impersonation: trust.impersonation,
  };
  const project = token.project!;
  body.project = { domain: { id: token.scopeDomain!.id, name: token.scopeDomain!.name }, id: project.id, name: project.name };
  if (trust.impersonation) {
    body.user = {
      domain: { id: trustorDomain.id, name: trustorDomain.name },
      id: trustor.id,
      name: trustor.name,
      password_expires_at: trustor.passwordExpiresAt ? isoMicrosNaive(trustor.passwordExpiresAt) : null,
    };
  }
  body.roles = scope.roleRefs.map((r) => ({ ...r }));
}
