// What a service needs from a request: the authenticated caller (401 when the token is missing or invalid), the
// URL arguments (py-keystone's view args, which head the policy dict) and the parsed body.
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../auth/context.js';
import type { RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';

export interface Call {
  readonly caller: AuthContext;
  readonly params: Record<string, string>;
  readonly body: unknown;
}

export async function callOf(request: FastifyRequest, ctx: RouteContext): Promise<Call> {
  return {
    caller: await authenticateRequest(request, ctx.tokens),
    params: { ...(request.params as Record<string, string>) },
    body: request.body,
  };
}
