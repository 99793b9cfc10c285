// What the trust-scoped token tests share: issuing and validating on either server, token bodies made comparable
// (generated values dropped, the catalog cut to what other suites cannot change under us) and refusals compared
// as clients compare them.
import type { Test } from 'tap';
import { call, normaliseTokenBody, type Response } from '../helpers/identity-api.js';
import { firstLine, type Server, type World } from './kit.js';

/** keystone-ts keeps a validated token for up to 2 s (docs/adr/0004-token-validation-cache.md). */
export const CACHE_BOUND_MS = 2500;

export function tokenCalls(world: World) {
  return {
    issue: (server: Server, body: unknown) => call(world.url(server), 'POST', '/v3/auth/tokens', { body }),
    /** Without the catalog: other suites add services to the shared database while these run. */
    validate: (server: Server, subject: string) =>
      call(world.url(server), 'GET', '/v3/auth/tokens?nocatalog', { token: world.adminToken, subject }),
  };
}

export const subjectOf = (res: Response) => res.headers.get('x-subject-token') ?? '';

/** Seconds since the epoch of a token time. */
export const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * A token body without what each issue generates (times, audit ids), lists in a fixed order, and of the catalog
 * only the identity service.
 */
export function tokenView(res: Response): Record<string, any> {
  const { issued_at: _issued, expires_at: _expires, audit_ids: _audit, ...token } = normaliseTokenBody(res.body);
  if (Array.isArray(token.catalog)) token.catalog = token.catalog.filter((s: any) => s.type === 'identity');
  return token;
}

/** The whole body of an issued token but its catalog, as `?nocatalog` validation shows it. */
export function withoutCatalog(res: Response): Record<string, unknown> {
  const { catalog: _catalog, ...token } = normaliseTokenBody(res.body);
  return token;
}

/** An error answer as clients compare it: status, code, title and the message's first line. */
export function refusal(res: Response) {
  return { status: res.status, code: res.body?.error?.code, title: res.body?.error?.title, message: firstLine(res) };
}

/** Sends the same request to both servers and asserts the same refusal; answers py-keystone's. */
export async function sameRefusal(t: Test, what: string, send: (server: Server) => Promise<Response>): Promise<Response> {
  const theirs = await send('py-keystone');
  const mine = await send('keystone-ts');
  t.ok(theirs.status >= 400, `${what}: py-keystone refuses (${theirs.status})`);
  t.same(refusal(mine), refusal(theirs), what);
  return theirs;
}
