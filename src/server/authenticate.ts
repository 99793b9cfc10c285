// X-Auth-Token -> AuthContext for the routes that need a caller. A missing, malformed, expired or revoked token
// is a 401 with WWW-Authenticate (added centrally), as py-keystone's auth middleware answers.
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../auth/context.js';
import { Forbidden, TokenNotFound, Unauthorized } from '../errors.js';
import { ACCESS_RULES_MIN_VERSION, type TokenProvider, type ValidToken } from '../token/provider.js';

const validated = new WeakMap<FastifyRequest, ValidToken>();

export async function authenticateRequest(request: FastifyRequest, tokens: TokenProvider): Promise<AuthContext> {
  return (await callerToken(request, tokens)).context;
}

export async function callerToken(request: FastifyRequest, tokens: TokenProvider): Promise<ValidToken> {
  const cached = validated.get(request);
  if (cached) return cached;
  const header = request.headers['x-auth-token'];
  const tokenId = Array.isArray(header) ? header[0] : header;
  if (!tokenId) throw new Unauthorized('no X-Auth-Token');
  try {
    // py-keystone's auth middleware validates the caller's token as a middleware that understands access rules, and
    // keystone does not enforce them on its own API: an application credential limited to other services' paths
    // still calls every identity route its roles allow. Only X-Subject-Token validation asks for the header.
    const token = await tokens.validate(tokenId, { accessRulesVersion: String(ACCESS_RULES_MIN_VERSION) });
    // Debian's py-keystone Zed refuses a token from /v3/ec2tokens as a caller on every route (its auth middleware);
    // the token still validates as X-Subject-Token. The reason stays out of the body, as py-keystone's Forbidden does.
    if (token.context.methods.includes('ec2credential')) throw new Forbidden();
    validated.set(request, token);
    return token;
  } catch (err) {
    // Only a token that is not valid is a 401; a user or project deleted behind it stays py-keystone's 404.
    if (err instanceof TokenNotFound) throw new Unauthorized(err.message);
    throw err;
  }
}
