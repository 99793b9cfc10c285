// Parity helpers for the assignment tests: send one request to py-keystone and to keystone-ts (same database,
// same tokens) and compare what a client sees, with keystone-ts's host rewritten to the peer's in links.
import type { Test } from 'tap';
import { call, type Response } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';

export interface RequestSpec {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface Pair {
  readonly theirs: Response;
  readonly mine: Response;
}

export async function both(oursUrl: string, method: string, path: string, spec: RequestSpec = {}): Promise<Pair> {
  const options = { ...(spec.token && { token: spec.token }), ...(spec.body !== undefined && { body: spec.body }), ...(spec.headers && { headers: spec.headers }) };
  const theirs = await call(PEER.url, method, path, options);
  const mine = await call(oursUrl, method, path, options);
  return { theirs, mine: { ...mine, body: sameHost(mine.body, oursUrl) } };
}

export function sameHost(body: unknown, oursUrl: string): any {
  if (body === undefined || typeof body === 'string') return body;
  return JSON.parse(JSON.stringify(body).replaceAll(oursUrl, PEER.url));
}

/** Key-order independent JSON, for sorting lists py-keystone does not order. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** A copy of `body` with the list under `key` sorted. */
export function sortedBy(body: any, key: string): any {
  if (!body || !Array.isArray(body[key])) return body;
  return { ...body, [key]: [...body[key]].sort((a, b) => canonical(a).localeCompare(canonical(b))) };
}

/** Same status, and the same body once `normalise` has been applied to both. */
export async function assertSame(
  t: Test,
  oursUrl: string,
  method: string,
  path: string,
  spec: RequestSpec = {},
  normalise: (body: any) => any = (b) => b,
): Promise<Pair> {
  const pair = await both(oursUrl, method, path, spec);
  t.equal(pair.mine.status, pair.theirs.status, `${method} ${path}: status ${pair.theirs.status}`);
  t.same(normalise(pair.mine.body), normalise(pair.theirs.body), `${method} ${path}: body`);
  return pair;
}

/** Same status and the same Keystone error object (code, title; message unless told otherwise). */
export async function assertSameError(
  t: Test,
  oursUrl: string,
  method: string,
  path: string,
  spec: RequestSpec = {},
  compare: 'message' | 'first line' | 'code' = 'message',
): Promise<Pair> {
  const pair = await both(oursUrl, method, path, spec);
  const label = `${method} ${path} ${spec.body === undefined ? '' : JSON.stringify(spec.body)}`;
  t.equal(pair.mine.status, pair.theirs.status, `${label}: status ${pair.theirs.status}`);
  const [mine, theirs] = [pair.mine.body?.error, pair.theirs.body?.error];
  t.equal(mine?.code, theirs?.code, `${label}: error code`);
  t.equal(mine?.title, theirs?.title, `${label}: error title`);
  if (compare === 'message') t.equal(mine?.message, theirs?.message, `${label}: message`);
  // py-keystone follows a schema error's first line with a dump of its JSON schema, which keystone-ts leaves out.
  if (compare === 'first line') t.equal(mine?.message, String(theirs?.message).split('\n')[0], `${label}: message`);
  return pair;
}
