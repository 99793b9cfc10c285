// The `token` method (rescoping): a valid token stands in for the user's credentials. The new token keeps the
// old one's expiry and audit chain and adds its methods. Delegated tokens (trust, OAuth1, application credential
// and other non-primary methods) cannot be exchanged, and a system-scoped token cannot become a project or
// domain token, exactly as the Debian-patched py-keystone Zed refuses them (403).
import { Forbidden, ValidationError } from '../../errors.js';
import type { AuthMethod } from './types.js';

/** Methods that prove the user's own identity; a token from any other method is a delegation. */
const PRIMARY_METHODS = new Set(['external', 'kerberos', 'mapped', 'openid', 'password', 'saml2', 'token', 'totp', 'x509']);

export const tokenMethod: AuthMethod = async (request, deps) => {
  const tokenId = request.identity.token?.id;
  if (tokenId === undefined) throw ValidationError.missing('id', 'token');
  const { context } = await deps.tokens.validate(tokenId);
  const scope = typeof request.scope === 'object' ? request.scope : {};
  const wantsProjectOrDomain = 'project' in scope || 'domain' in scope;

  if (context.trustId) throw forbidden('Using trust-scoped token to create another token. Create a new trust-scoped token instead');
  if (context.scope.kind === 'system' && wantsProjectOrDomain) {
    throw forbidden('Using a system-scoped token to create a project-scoped or domain-scoped token is not allowed.');
  }
  if (context.methods.length === 0 || context.methods.some((m) => !PRIMARY_METHODS.has(m))) {
    throw forbidden('Using a delegated token to create another token is not allowed.');
  }
  if (!deps.config.token.allow_rescope_scoped_token && (context.scope.kind === 'project' || context.scope.kind === 'domain')) {
    throw forbidden('rescope a scoped token');
  }
  return {
    userId: context.userId,
    inheritedMethods: context.methods,
    expiresAt: context.expiresAt,
    auditChainId: context.auditIds[1] ?? context.auditIds[0]!,
  };
};

function forbidden(action: string): Forbidden {
  return Forbidden.action(action);
}
