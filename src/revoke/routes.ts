// OS-REVOKE (the revocation events both implementations write, as py-keystone lists them) and the PKI-era
// endpoints py-keystone Zed still routes: OS-PKI/revoked answers 403 (410 with [token] revoke_by_id off),
// OS-SIMPLE-CERT answers 410 Gone.
import { z } from 'zod';
import { Forbidden, Gone, ValidationError } from '../errors.js';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { isoMicros } from '../token/time-format.js';
import { listEventsSince, type RevocationEventRow } from './store.js';

const PKI_GONE = 'This API is no longer available due to the removal of support for PKI tokens.';

/** py-keystone's RevokeEvent.to_dict: only the fields an event sets; a domain with an expiry is a domain scope. */
export function renderRevocationEvent(e: RevocationEventRow): Record<string, unknown> {
  const domainScoped = e.domainId !== null && e.expiresAt !== null;
  const event: Record<string, unknown> = {};
  if (e.userId !== null) event.user_id = e.userId;
  if (e.roleId !== null) event.role_id = e.roleId;
  if (e.domainId !== null && !domainScoped) event.domain_id = e.domainId;
  if (domainScoped) event.domain_scope_id = e.domainId;
  if (e.projectId !== null) event.project_id = e.projectId;
  if (e.auditId !== null) event.audit_id = e.auditId;
  if (e.auditChainId !== null) event.audit_chain_id = e.auditChainId;
  if (e.trustId !== null) event['OS-TRUST:trust_id'] = e.trustId;
  if (e.consumerId !== null) event['OS-OAUTH1:consumer_id'] = e.consumerId;
  if (e.accessTokenId !== null) event['OS-OAUTH1:access_token_id'] = e.accessTokenId;
  if (e.expiresAt !== null) event.expires_at = `${e.expiresAt.toISOString().slice(0, 19)}Z`;
  event.issued_before = isoMicros(e.issuedBefore);
  event.revoked_at = isoMicros(e.revokedAt);
  return event;
}

export function registerRevokeRoutes(app: App, ctx: RouteContext): void {
  ctx.jsonHome.add('ext/OS-REVOKE/1.0/rel/events', '/OS-REVOKE/events');
  app.get(
    '/v3/OS-REVOKE/events',
    { schema: { tags: ['revocation'], summary: 'Revocation events', querystring: z.looseObject({ since: z.string().optional() }) } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await ctx.authorize(caller, 'identity:list_revoke_events', {});
      const since = request.query.since;
      let after: Date | undefined;
      if (since) {
        after = parseIsoTime(since);
        if (!after) throw new ValidationError(`invalidate date format ${since}`);
      }
      const events = await listEventsSince(ctx.db, after);
      return reply.send({
        events: events.map(renderRevocationEvent),
        links: { next: null, self: `${ctx.baseUrl(request)}/v3/OS-REVOKE/events`, previous: null },
      });
    },
  );

  app.get('/v3/auth/tokens/OS-PKI/revoked', { schema: { tags: ['revocation'], summary: 'Deprecated PKI revocation list' } }, async () => {
    if (!ctx.config.token.revoke_by_id) throw new Gone();
    throw new Forbidden();
  });
  for (const path of ['/v3/OS-SIMPLE-CERT/ca', '/v3/OS-SIMPLE-CERT/certificates']) {
    app.get(path, { schema: { tags: ['revocation'], summary: 'Removed with PKI tokens' } }, async () => {
      throw new Gone(PKI_GONE);
    });
  }
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** An ISO 8601 time as oslo's parse_isotime accepts it; without a zone it is UTC. */
function parseIsoTime(text: string): Date | undefined {
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  const date = new Date(m[1] ? text : `${text}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
