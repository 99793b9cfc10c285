// What the unified limit parity tests share: keystone-ts started beside the py-keystone peer, fixtures made
// through the peer (a service, a region, a domain with a project and a child project), one request sent to both
// servers, answers made comparable, and cleanup of everything a test file makes on the shared database.
import postgres from 'postgres';
import type { Test } from 'tap';
import { call, issueToken, passwordAuth, uniqueName, type Response } from '../helpers/identity-api.js';
import { startKeystoneTs, type RunningKeystone } from '../helpers/keystone-ts.js';
import { PEER, SERVERS, type Server } from '../helpers/services.js';
import { must, peerAdminToken } from '../interop/fixtures.js';

export { SERVERS, type Server } from '../helpers/services.js';

export interface LimitParity {
  readonly ks: RunningKeystone;
  /** The peer admin's project-scoped token (what the openstack CLI uses by default). */
  readonly token: string;
  /** The same admin, system-scoped: sees every limit. */
  readonly systemToken: string;
  readonly serviceId: string;
  readonly regionId: string;
  readonly domainId: string;
  readonly projectId: string;
  /** A project below `projectId`. */
  readonly childProjectId: string;
  send(server: Server, method: string, path: string, body?: unknown, token?: string): Promise<Response>;
  /** The same request to both servers: reads at once, writes to py-keystone first. */
  both(method: string, path: string, body?: unknown, token?: string): Promise<{ theirs: Response; mine: Response }>;
  /** Registers limits of the test service through the peer; returns their ids in order. */
  register(items: Record<string, unknown>[]): Promise<string[]>;
  /** Creates limits of the test service through the peer; returns their ids in order. */
  limit(items: Record<string, unknown>[]): Promise<string[]>;
  /** Another service (removed at cleanup, with its registered limits). */
  service(): Promise<string>;
  cleanup(): Promise<void>;
}

export async function startLimitParity(options: { ks?: RunningKeystone } = {}): Promise<LimitParity> {
  const ks = options.ks ?? (await startKeystoneTs());
  const token = await peerAdminToken();
  const system = await issueToken(PEER.url, passwordAuth({ name: 'admin', domainId: 'default' }, PEER.adminPassword, { system: { all: true } }));
  const send: LimitParity['send'] = (server, method, path, body, asToken = token) =>
    call(server === 'py-keystone' ? PEER.url : ks.url, method, path, { token: asToken, ...(body !== undefined && { body }) });
  const api = (method: string, path: string, body?: unknown) => must(send('py-keystone', method, path, body), `${method} ${path}`);

  const services: string[] = [];
  const service = async () => {
    const id = (await api('POST', '/v3/services', { service: { type: uniqueName('lim-svc'), name: uniqueName('lim') } })).service.id as string;
    services.push(id);
    return id;
  };
  const serviceId = await service();
  const regionId = (await api('POST', '/v3/regions', { region: { id: uniqueName('lim-region') } })).region.id as string;
  const domainId = (await api('POST', '/v3/domains', { domain: { name: uniqueName('lim-dom') } })).domain.id as string;
  const projectId = (await api('POST', '/v3/projects', { project: { name: uniqueName('lim-proj'), domain_id: domainId } })).project.id as string;
  const childProjectId = (
    await api('POST', '/v3/projects', { project: { name: uniqueName('lim-child'), domain_id: domainId, parent_id: projectId } })
  ).project.id as string;

  return {
    ks,
    token,
    systemToken: system.id,
    serviceId,
    regionId,
    domainId,
    projectId,
    childProjectId,
    send,
    both: async (method, path, body, asToken) => {
      if (method === 'GET' || method === 'HEAD') {
        const [theirs, mine] = await Promise.all(SERVERS.map((s) => send(s, method, path, body, asToken)));
        return { theirs: theirs!, mine: mine! };
      }
      return { theirs: await send('py-keystone', method, path, body, asToken), mine: await send('keystone-ts', method, path, body, asToken) };
    },
    register: async (items) =>
      (await api('POST', '/v3/registered_limits', { registered_limits: items.map((i) => ({ service_id: serviceId, default_limit: 10, ...i })) }))
        .registered_limits.map((r: any) => r.id),
    limit: async (items) =>
      (await api('POST', '/v3/limits', { limits: items.map((i) => ({ service_id: serviceId, resource_limit: 5, ...i })) })).limits.map(
        (l: any) => l.id,
      ),
    service,
    cleanup: async () => {
      // Limits and registrations of the test services go first (in SQL: no API lists every limit to a project
      // token, and both servers may have made some), then the services, region, projects and domain.
      await withSql(async (sql) => {
        await sql`DELETE FROM "limit" WHERE registered_limit_id IN (SELECT id FROM registered_limit WHERE service_id IN ${sql(services)})`;
        await sql`DELETE FROM "limit" WHERE project_id IN ${sql([projectId, childProjectId])} OR domain_id = ${domainId}`;
        await sql`DELETE FROM registered_limit WHERE service_id IN ${sql(services)}`;
      });
      for (const id of services) await send('py-keystone', 'DELETE', `/v3/services/${id}`);
      await send('py-keystone', 'DELETE', `/v3/regions/${regionId}`);
      await send('py-keystone', 'DELETE', `/v3/projects/${childProjectId}`);
      await send('py-keystone', 'DELETE', `/v3/projects/${projectId}`);
      await send('py-keystone', 'PATCH', `/v3/domains/${domainId}`, { domain: { enabled: false } });
      await send('py-keystone', 'DELETE', `/v3/domains/${domainId}`);
      if (!options.ks) await ks.close();
    },
  };
}

/** Runs SQL on the shared database (to look for half-written rows, and to clean up). */
export async function withSql<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(PEER.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

/**
 * A body with each server's base URL replaced by "<base>", the given strings (generated ids) by their labels, and
 * an error message cut before jsonschema's dump of the failing schema (which keystone-ts does not reproduce).
 */
export function comparable(body: unknown, replace: Record<string, string> = {}): unknown {
  const pairs = Object.entries(replace).sort((a, b) => b[0].length - a[0].length);
  const fix = (s: string) => pairs.reduce((text, [from, to]) => text.split(from).join(to), s.replace(/http:\/\/127\.0\.0\.1:\d+/g, '<base>'));
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return fix(key === 'message' ? v.split('\n\nFailed validating')[0]! : v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(body);
}

/** Same status and the same body (after `comparable`; members of `sortKey` in a stable order). */
export function sameAnswer(
  t: Test,
  pair: { theirs: Response; mine: Response },
  what: string,
  options: { replace?: Record<string, string>; sortKey?: string } = {},
): void {
  const { theirs, mine } = pair;
  t.equal(mine.status, theirs.status, `${what}: status ${theirs.status}`);
  const normal = (b: unknown) => {
    const c = comparable(b, options.replace) as any;
    const list = options.sortKey && c && typeof c === 'object' ? c[options.sortKey] : undefined;
    if (Array.isArray(list)) list.sort((x: unknown, y: unknown) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    return c;
  };
  t.same(normal(mine.body), normal(theirs.body), `${what}: body`);
}

/** The ids in a collection answer. */
export function ids(body: any, key: string): string[] {
  return ((body?.[key] ?? []) as { id: string }[]).map((r) => r.id).sort();
}

/**
 * Runs `work` for every item, two at a time: the peer serves two requests at once, and on a busy machine the
 * tests would otherwise wait on one request after another. Only for requests that do not depend on each other.
 */
export async function twoAtATime<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all([lane(), lane()]);
}
