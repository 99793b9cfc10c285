// What the identity parity tests share: keystone-ts started beside the py-keystone peer, the peer's admin token,
// a domain of the test file's own (deleting it at teardown takes its users and groups), sending one request to
// both servers, and bodies made comparable (each server's base URL and the generated ids replaced).
import postgres from 'postgres';
import type { Test } from 'tap';
import { call, uniqueName, type Response } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs, type RunningKeystone } from '../helpers/keystone-ts.js';
import { PEER, SERVERS, type Server } from '../helpers/services.js';
import { peerAdminToken } from '../interop/fixtures.js';

export { SERVERS, type Server } from '../helpers/services.js';

export interface Parity {
  readonly ks: RunningKeystone;
  readonly token: string;
  /** The test file's domain. */
  readonly domainId: string;
  send(server: Server, method: string, path: string, body?: unknown, token?: string): Promise<Response>;
  /** The same request to both servers (reads at once; a write to py-keystone first). */
  both(method: string, path: string, body?: unknown, token?: string): Promise<{ theirs: Response; mine: Response }>;
  /** Through the peer, as admin; throws unless 2xx. */
  must(method: string, path: string, body?: unknown): Promise<any>;
  /** A user in the test domain, made by the peer. */
  user(body?: Record<string, unknown>): Promise<any>;
  /** A group in the test domain, made by the peer. */
  group(body?: Record<string, unknown>): Promise<any>;
  /** Another domain, removed at teardown. */
  domain(): Promise<any>;
  /** Users made elsewhere (another domain, or the default one) to delete at teardown. */
  trackUser(id: string): void;
  cleanup(): Promise<void>;
}

export async function startParity(options: { config?: Record<string, Record<string, string>> } = {}): Promise<Parity> {
  const ks = await startKeystoneTs(besidePeerConfig(options.config));
  const token = await peerAdminToken();
  const send: Parity['send'] = (server, method, path, body, asToken = token) =>
    call(server === 'py-keystone' ? PEER.url : ks.url, method, path, { token: asToken, ...(body !== undefined && { body }) });
  const must: Parity['must'] = async (method, path, body) => {
    const r = await send('py-keystone', method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const domains: string[] = [];
  const users: string[] = [];
  const newDomain = async () => {
    const d = (await must('POST', '/v3/domains', { domain: { name: uniqueName('id-dom') } })).domain;
    domains.push(d.id);
    return d;
  };
  const home = await newDomain();
  return {
    ks,
    token,
    domainId: home.id,
    send,
    must,
    both: async (method, path, body, asToken) => {
      if (method === 'GET' || method === 'HEAD') {
        const [theirs, mine] = await Promise.all(SERVERS.map((s) => send(s, method, path, body, asToken)));
        return { theirs: theirs!, mine: mine! };
      }
      return { theirs: await send('py-keystone', method, path, body, asToken), mine: await send('keystone-ts', method, path, body, asToken) };
    },
    user: async (body = {}) => (await must('POST', '/v3/users', { user: { name: uniqueName('id-user'), domain_id: home.id, ...body } })).user,
    group: async (body = {}) => (await must('POST', '/v3/groups', { group: { name: uniqueName('id-group'), domain_id: home.id, ...body } })).group,
    domain: newDomain,
    trackUser: (id) => users.push(id),
    cleanup: async () => {
      for (const id of users) await send('py-keystone', 'DELETE', `/v3/users/${id}`);
      // Deleting a domain deletes its users and groups too.
      for (const id of domains) {
        await send('py-keystone', 'PATCH', `/v3/domains/${id}`, { domain: { enabled: false } });
        await send('py-keystone', 'DELETE', `/v3/domains/${id}`);
      }
      await ks.close();
    },
  };
}

/** The body with each server's base URL replaced by "<base>" and the given strings by their labels. */
export function comparable(body: unknown, replace: Record<string, string> = {}): unknown {
  const pairs = Object.entries(replace).sort((a, b) => b[0].length - a[0].length);
  const fix = (s: string) => pairs.reduce((text, [from, to]) => text.split(from).join(to), s.replace(/http:\/\/127\.0\.0\.1:\d+/g, '<base>'));
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fix(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [fix(k), walk(x)]));
    return v;
  };
  return walk(body);
}

/**
 * The first paragraph of an error message: py-keystone follows a JSON-schema failure with a dump of the schema,
 * which keystone-ts leaves out.
 */
export function firstParagraph(message: unknown): unknown {
  return typeof message === 'string' ? message.split('\n\n')[0] : message;
}

/** Same status and same body (after `comparable`; lists compared as sets; schema errors by their first paragraph). */
export function sameAnswer(
  t: Test,
  pair: { theirs: Response; mine: Response },
  what: string,
  options: { replace?: Record<string, string> } = {},
): void {
  const { theirs, mine } = pair;
  t.equal(mine.status, theirs.status, `${what}: status ${theirs.status}`);
  const normal = (b: any) => {
    const c = comparable(b, options.replace) as any;
    if (c?.error) c.error.message = firstParagraph(c.error.message);
    for (const key of ['users', 'groups', 'projects']) {
      if (Array.isArray(c?.[key])) c[key].sort((x: unknown, y: unknown) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    }
    return c;
  };
  t.same(normal(mine.body), normal(theirs.body), `${what}: body`);
}

/** SQL on the shared database, for what the API does not show (rows, revocation events). */
export async function peerSql<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(PEER.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}
