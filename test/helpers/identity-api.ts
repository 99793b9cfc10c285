// A small v3 client for tests: the same calls against the py-keystone peer or keystone-ts.
import { randomBytes } from 'node:crypto';

export interface Response {
  status: number;
  headers: Headers;
  body: any;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; subject?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['X-Auth-Token'] = options.token;
  if (options.subject) headers['X-Subject-Token'] = options.subject;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, headers: res.headers, body };
}

export type ScopeRequest =
  | { project: { name: string; domain: { id: string } } | { id: string } }
  | { domain: { id: string } }
  | { system: { all: true } }
  | 'unscoped'
  | undefined;

export function passwordAuth(user: { name: string; domainId: string } | { id: string }, password: string, scope?: ScopeRequest) {
  const userRef = 'id' in user ? { id: user.id, password } : { name: user.name, domain: { id: user.domainId }, password };
  return {
    auth: {
      identity: { methods: ['password'], password: { user: userRef } },
      ...(scope !== undefined && { scope }),
    },
  };
}

export async function issueToken(base: string, body: unknown): Promise<{ id: string; body: any; status: number }> {
  const res = await call(base, 'POST', '/v3/auth/tokens', { body });
  return { id: res.headers.get('x-subject-token') ?? '', body: res.body, status: res.status };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Token bodies compared as py-keystone's own tests would: role and catalog order are not significant. */
export function normaliseTokenBody(body: any): any {
  const token = structuredClone(body.token ?? body);
  if (Array.isArray(token.roles)) token.roles.sort((a: any, b: any) => a.id.localeCompare(b.id));
  if (Array.isArray(token.catalog)) {
    token.catalog.sort((a: any, b: any) => a.id.localeCompare(b.id));
    for (const s of token.catalog) s.endpoints.sort((a: any, b: any) => a.id.localeCompare(b.id));
  }
  if (Array.isArray(token.methods)) token.methods.sort();
  return token;
}

/**
 * Two normalised token bodies taken at different moments, ready for `t.same`. Other test files create and delete
 * catalog services in the shared database while a test runs, so each catalog keeps only the services both bodies
 * list. Services both list must still be identical, and the identity service bootstrap created must be among them.
 */
export function tokenBodiesToCompare(a: any, b: any): [any, any] {
  const [x, y] = [normaliseTokenBody(a), normaliseTokenBody(b)];
  if (!Array.isArray(x.catalog) || !Array.isArray(y.catalog)) return [x, y];
  const inX = new Set(x.catalog.map((s: any) => s.id));
  const inY = new Set(y.catalog.map((s: any) => s.id));
  x.catalog = x.catalog.filter((s: any) => inY.has(s.id));
  y.catalog = y.catalog.filter((s: any) => inX.has(s.id));
  if (!x.catalog.some((s: any) => s.type === 'identity')) throw new Error('no identity service in both catalogs');
  return [x, y];
}
