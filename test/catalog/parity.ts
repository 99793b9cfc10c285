// What the catalog parity tests share: keystone-ts started beside the py-keystone peer (same database), the peer's
// admin token, one request sent to both servers, bodies made comparable (each server's base URL replaced, and
// generated ids where asked), and a record of what a test file created, removed at teardown.
import type { Test } from 'tap';
import { call, uniqueName, type Response } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs, type RunningKeystone } from '../helpers/keystone-ts.js';
import { PEER, type Server } from '../helpers/services.js';
import { peerAdminToken } from '../interop/fixtures.js';

export { SERVERS, type Server } from '../helpers/services.js';

export interface Parity {
  readonly ks: RunningKeystone;
  readonly token: string;
  send(server: Server, method: string, path: string, body?: unknown, token?: string): Promise<Response>;
  /** The same request to both servers, py-keystone first. */
  both(method: string, path: string, body?: unknown, token?: string): Promise<{ theirs: Response; mine: Response }>;
  /** As admin, through the peer unless told otherwise; throws unless 2xx. */
  must(method: string, path: string, body?: unknown, server?: Server): Promise<any>;
  /**
   * A region, service or endpoint, removed at teardown. Fixtures are made through keystone-ts, which answers in
   * milliseconds where the peer (uWSGI, no cache, a busy machine) takes a second or more; the tests that matter for
   * rows py-keystone writes create them through the peer explicitly.
   */
  region(body?: Record<string, unknown>): Promise<any>;
  service(body?: Record<string, unknown>): Promise<any>;
  endpoint(serviceId: string, body?: Record<string, unknown>): Promise<any>;
  track(kind: 'regions' | 'services' | 'endpoints', id: string): void;
  cleanup(): Promise<void>;
}

export async function startParity(options: { config?: Record<string, Record<string, string>> } = {}): Promise<Parity> {
  const ks = await startKeystoneTs(besidePeerConfig(options.config));
  const token = await peerAdminToken();
  const send: Parity['send'] = (server, method, path, body, asToken = token) =>
    call(server === 'py-keystone' ? PEER.url : ks.url, method, path, { token: asToken, ...(body !== undefined && { body }) });
  const must: Parity['must'] = async (method, path, body, server = 'py-keystone') => {
    const r = await send(server, method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const created = { regions: [] as string[], services: [] as string[], endpoints: [] as string[] };
  const track: Parity['track'] = (kind, id) => created[kind].push(id);
  return {
    ks,
    token,
    send,
    must,
    both: async (method, path, body, asToken) => ({
      theirs: await send('py-keystone', method, path, body, asToken),
      mine: await send('keystone-ts', method, path, body, asToken),
    }),
    region: async (body = {}) => {
      const r = (await must('POST', '/v3/regions', { region: { id: uniqueName('cat-region'), ...body } }, 'keystone-ts')).region;
      track('regions', r.id);
      return r;
    },
    service: async (body = {}) => {
      const s = (await must('POST', '/v3/services', { service: { type: uniqueName('cat-type'), ...body } }, 'keystone-ts')).service;
      track('services', s.id);
      return s;
    },
    endpoint: async (serviceId, body = {}) => {
      const e = (await must(
        'POST',
        '/v3/endpoints',
        { endpoint: { interface: 'public', url: 'http://catalog.test/v1', service_id: serviceId, ...body } },
        'keystone-ts',
      )).endpoint;
      track('endpoints', e.id);
      return e;
    },
    track,
    cleanup: async () => {
      for (const id of created.endpoints) await send('keystone-ts', 'DELETE', `/v3/endpoints/${id}`);
      for (const id of created.services) await send('keystone-ts', 'DELETE', `/v3/services/${id}`);
      // A region's deletion takes the regions below it; a region already gone answers 404.
      for (const id of created.regions) await send('keystone-ts', 'DELETE', `/v3/regions/${id}`);
      await ks.close();
    },
  };
}

/** A body with each server's base URL replaced by BASE, and the given ids (e.g. generated ones) by names. */
export function comparable(body: unknown, base: string, ids: Record<string, string> = {}): unknown {
  let text = JSON.stringify(body).replaceAll(base, 'BASE');
  for (const [id, name] of Object.entries(ids)) text = text.replaceAll(id, name);
  return JSON.parse(text);
}

export function baseOf(server: Server, parity: Parity): string {
  return server === 'py-keystone' ? PEER.url : parity.ks.url;
}

/** The same member in both answers, once the base URL and the member's own generated id are set aside. */
export function sameMember(t: Test, key: string, r: { theirs: Response; mine: Response }, parity: Parity, what: string): void {
  t.equal(r.mine.status, r.theirs.status, `${what}: status`);
  const theirs = r.theirs.body?.[key];
  const mine = r.mine.body?.[key];
  t.same(
    comparable(mine, parity.ks.url, mine?.id ? { [mine.id]: 'ID' } : {}),
    comparable(theirs, PEER.url, theirs?.id ? { [theirs.id]: 'ID' } : {}),
    `${what}: body`,
  );
}

/**
 * The same error in both: status, code, title, and the message (py-keystone's schema errors go on after a blank
 * line with a dump of the schema, which keystone-ts does not reproduce).
 */
export function sameError(t: Test, r: { theirs: Response; mine: Response }, what: string): void {
  t.equal(r.mine.status, r.theirs.status, `${what}: status ${r.theirs.status}`);
  const head = (res: Response) => {
    const error = res.body?.error;
    return error ? { ...error, message: String(error.message).split('\n\n')[0] } : res.body;
  };
  t.same(head(r.mine), head(r.theirs), `${what}: error body`);
}

/** Sorts a list of members by a key, for lists py-keystone returns in no particular order. */
export function byId<T extends { id: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.id.localeCompare(b.id));
}

export { uniqueName };
