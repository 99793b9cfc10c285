// What the resource parity tests share: keystone-ts started beside the py-keystone peer, the peer's admin token,
// sending one request to both, bodies made comparable (each server's own base URL and generated ids replaced),
// and cleanup of every domain and project a test file makes on the shared database.
import postgres from 'postgres';
import type { Test } from 'tap';
import { call, uniqueName, type Response } from '../helpers/identity-api.js';
import { startKeystoneTs, type RunningKeystone } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { peerAdminToken } from '../interop/fixtures.js';

export interface Parity {
  readonly ks: RunningKeystone;
  readonly token: string;
  /** Sends to one server as the peer's admin (or with `token`). */
  send(server: 'py-keystone' | 'keystone-ts', method: string, path: string, body?: unknown, token?: string): Promise<Response>;
  /** The same request to both servers. */
  both(method: string, path: string, body?: unknown, token?: string): Promise<{ theirs: Response; mine: Response }>;
  /** Makes a domain through the peer (removed at teardown). */
  domain(body?: Record<string, unknown>): Promise<any>;
  /** Makes a project through the peer (removed at teardown, children first, or with its test domain). */
  project(body: Record<string, unknown>): Promise<any>;
  /** Removes a domain or project the tests made on either server, at teardown. */
  track(kind: 'domain' | 'project', id: string): void;
  cleanup(): Promise<void>;
}

export const SERVERS = ['py-keystone', 'keystone-ts'] as const;

export async function startParity(options: { ks?: RunningKeystone } = {}): Promise<Parity> {
  const ks = options.ks ?? (await startKeystoneTs());
  const token = await peerAdminToken();
  const tracked: { kind: 'domain' | 'project'; id: string }[] = [];
  const send: Parity['send'] = (server, method, path, body, asToken = token) =>
    call(server === 'py-keystone' ? PEER.url : ks.url, method, path, { token: asToken, ...(body !== undefined && { body }) });
  const must = async (res: Promise<Response>, what: string) => {
    const r = await res;
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const parity: Parity = {
    ks,
    token,
    send,
    both: async (method, path, body, asToken) => {
      // Reads go to both at once; a write goes to py-keystone first, so both see the same state.
      if (method === 'GET' || method === 'HEAD') {
        const [theirs, mine] = await Promise.all(SERVERS.map((s) => send(s, method, path, body, asToken)));
        return { theirs: theirs!, mine: mine! };
      }
      return { theirs: await send('py-keystone', method, path, body, asToken), mine: await send('keystone-ts', method, path, body, asToken) };
    },
    domain: async (body = {}) => {
      const d = (await must(send('py-keystone', 'POST', '/v3/domains', { domain: { name: uniqueName('rs-dom'), ...body } }), 'create domain')).domain;
      tracked.push({ kind: 'domain', id: d.id });
      return d;
    },
    project: async (body) => {
      const p = (await must(send('py-keystone', 'POST', '/v3/projects', { project: { name: uniqueName('rs-proj'), ...body } }), 'create project')).project;
      // A project in a domain the tests made goes with that domain.
      if (!tracked.some((x) => x.kind === 'domain' && x.id === p.domain_id)) tracked.push({ kind: 'project', id: p.id });
      return p;
    },
    track: (kind, id) => tracked.push({ kind, id }),
    cleanup: async () => {
      // Projects newest first, so children go before their parents; then the domains (disabled first), which
      // takes whatever they still hold. Domains go a few at a time: py-keystone is slow on a busy machine.
      for (const { kind, id } of [...tracked].reverse()) {
        if (kind !== 'project') continue;
        await send('py-keystone', 'PATCH', `/v3/projects/${id}`, { project: { options: { immutable: false } } });
        await send('py-keystone', 'DELETE', `/v3/projects/${id}`);
      }
      const domains = tracked.filter((x) => x.kind === 'domain').map((x) => x.id);
      for (let i = 0; i < domains.length; i += 4) {
        await Promise.all(
          domains.slice(i, i + 4).map(async (id) => {
            await send('py-keystone', 'PATCH', `/v3/domains/${id}`, { domain: { enabled: false } });
            await send('py-keystone', 'DELETE', `/v3/domains/${id}`);
          }),
        );
      }
      if (!options.ks) await ks.close();
    },
  };
  return parity;
}

/**
 * A body with each server's base URL replaced by "<base>" and the given strings (generated ids, unique names)
 * replaced by their labels, so two servers' answers compare equal when they mean the same.
 */
export function comparable(body: unknown, replace: Record<string, string> = {}): unknown {
  const pairs = Object.entries({ [PEER.url]: '<base>', ...replace }).sort((a, b) => b[0].length - a[0].length);
  const fix = (s: string) => pairs.reduce((text, [from, to]) => text.split(from).join(to), s.replace(/http:\/\/127\.0\.0\.1:\d+/g, '<base>'));
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fix(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [fix(k), walk(x)]));
    return v;
  };
  return walk(body);
}

/** Status and body equal (after `comparable`); for errors whose text is a dump of py-keystone's JSON schema, title only. */
export function sameAnswer(
  t: Test,
  pair: { theirs: Response; mine: Response },
  what: string,
  options: { replace?: Record<string, string>; schemaMessage?: boolean; sortKey?: string; mask?: RegExp } = {},
): void {
  const { theirs, mine } = pair;
  t.equal(mine.status, theirs.status, `${what}: status ${theirs.status}`);
  if (theirs.status >= 400 && options.schemaMessage) {
    t.equal(mine.body?.error?.title, theirs.body?.error?.title, `${what}: error title`);
    t.equal(mine.body?.error?.code, theirs.body?.error?.code, `${what}: error code`);
    return;
  }
  const normal = (b: unknown) => {
    const masked = options.mask ? JSON.parse(JSON.stringify(b ?? null).replace(options.mask, '<masked>')) : b;
    const c = comparable(masked, options.replace) as any;
    const list = options.sortKey && c && typeof c === 'object' ? c[options.sortKey] : undefined;
    if (Array.isArray(list)) list.sort((x: unknown, y: unknown) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    return c;
  };
  t.same(normal(mine.body), normal(theirs.body), `${what}: body`);
}

/** Runs SQL on the shared database, for what the API cannot show or undo (e.g. an immutable domain's option). */
export async function peerSql<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(PEER.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}
