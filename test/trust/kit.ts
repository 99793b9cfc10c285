// What the trust tests share: keystone-ts started beside the py-keystone peer (same database and Fernet keys), a
// world made through the peer (a domain with two projects; a trustor who is member, and so reader, on the first;
// a trustee; a third user), peer-issued tokens, trust create/token helpers for either server, bodies made
// comparable, and a teardown that removes the users, projects and domain and every trust row they left.
import postgres from 'postgres';
import { call, issueToken, passwordAuth, uniqueName, type Response } from '../helpers/identity-api.js';
import { besidePeerConfig, startKeystoneTs, type RunningKeystone } from '../helpers/keystone-ts.js';
import { PEER, type Server } from '../helpers/services.js';
import { bootstrapRoles, peerAdminToken, peerApi } from '../interop/fixtures.js';

export { SERVERS, type Server } from '../helpers/services.js';

export interface User {
  readonly id: string;
  readonly password: string;
}

export interface World {
  readonly ours: RunningKeystone;
  readonly adminToken: string;
  readonly domainId: string;
  readonly projectId: string;
  /** A project where the trustor holds no role. */
  readonly otherProjectId: string;
  readonly roles: Record<'admin' | 'member' | 'reader', string>;
  readonly trustor: User;
  /** The trustor's peer-issued token scoped to `projectId`. */
  readonly trustorToken: string;
  readonly trustee: User;
  readonly third: User;
  /** Direct SQL on the shared database, for rows the API does not show. */
  readonly sql: postgres.Sql;
  url(server: Server): string;
  send(server: Server, method: string, path: string, options?: { token?: string; body?: unknown }): Promise<Response>;
  /** A create body: the trustor delegates member on the project to the trustee, without impersonation. */
  body(overrides?: Record<string, unknown>): { trust: Record<string, unknown> };
  /** Creates a trust on one server (as the trustor unless told); throws unless 201. */
  create(server: Server, overrides?: Record<string, unknown>, token?: string): Promise<any>;
  /** A password-authenticated request for a token scoped to the trust. */
  trustAuth(trustId: string, user?: User): unknown;
  /** A user made through the peer (removed at teardown). */
  user(): Promise<User>;
  grant(userId: string, projectId: string, roleId: string): Promise<void>;
  revoke(userId: string, projectId: string, roleId: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startWorld(config: Record<string, Record<string, string>> = {}): Promise<World> {
  const ours = await startKeystoneTs(besidePeerConfig(config));
  const adminToken = await peerAdminToken();
  const api = peerApi(adminToken);
  const roles = await bootstrapRoles(api);
  const domain = (await api('POST', '/v3/domains', { domain: { name: uniqueName('trust-dom') } })).domain;
  const project = (await api('POST', '/v3/projects', { project: { name: uniqueName('trust-proj'), domain_id: domain.id } })).project;
  const other = (await api('POST', '/v3/projects', { project: { name: uniqueName('trust-other'), domain_id: domain.id } })).project;
  const users: string[] = [];
  const user = async (): Promise<User> => {
    const password = `pw-${uniqueName('t')}`;
    const made = (await api('POST', '/v3/users', { user: { name: uniqueName('trust-user'), domain_id: domain.id, password } })).user;
    users.push(made.id);
    return { id: made.id, password };
  };
  const grant = async (userId: string, projectId: string, role: string) => {
    await api('PUT', `/v3/projects/${projectId}/users/${userId}/roles/${role}`);
  };
  const trustor = await user();
  await grant(trustor.id, project.id, roles.member);
  const trustee = await user();
  const third = await user();
  const login = await issueToken(PEER.url, passwordAuth({ id: trustor.id }, trustor.password, { project: { id: project.id } }));
  if (login.status !== 201) throw new Error(`trustor login: ${login.status} ${JSON.stringify(login.body)}`);
  const sql = postgres(PEER.databaseUrl, { max: 2, onnotice: () => {} });

  const url = (server: Server) => (server === 'py-keystone' ? PEER.url : ours.url);
  const body = (overrides: Record<string, unknown> = {}) => ({
    trust: {
      trustor_user_id: trustor.id,
      trustee_user_id: trustee.id,
      impersonation: false,
      project_id: project.id,
      roles: [{ name: 'member' }],
      ...overrides,
    },
  });
  const world: World = {
    ours,
    adminToken,
    domainId: domain.id,
    projectId: project.id,
    otherProjectId: other.id,
    roles,
    trustor,
    trustorToken: login.id,
    trustee,
    third,
    sql,
    url,
    send: (server, method, path, options = {}) => call(url(server), method, path, { token: login.id, ...options }),
    body,
    create: async (server, overrides = {}, token = login.id) => {
      const r = await call(url(server), 'POST', '/v3/OS-TRUST/trusts', { token, body: body(overrides) });
      if (r.status !== 201) throw new Error(`create trust on ${server}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.trust;
    },
    trustAuth: (trustId, as = trustee) => ({
      auth: {
        identity: { methods: ['password'], password: { user: { id: as.id, password: as.password } } },
        scope: { 'OS-TRUST:trust': { id: trustId } },
      },
    }),
    user,
    grant,
    revoke: async (userId, projectId, role) => {
      await api('DELETE', `/v3/projects/${projectId}/users/${userId}/roles/${role}`);
    },
    cleanup: async () => {
      await ours.close();
      const trustIds = (
        await sql<{ id: string }[]>`SELECT id FROM trust WHERE trustor_user_id IN ${sql(users)} OR trustee_user_id IN ${sql(users)}`
      ).map((r) => r.id);
      for (const id of users) await call(PEER.url, 'DELETE', `/v3/users/${id}`, { token: adminToken });
      for (const id of [project.id, other.id]) await call(PEER.url, 'DELETE', `/v3/projects/${id}`, { token: adminToken });
      await call(PEER.url, 'PATCH', `/v3/domains/${domain.id}`, { token: adminToken, body: { domain: { enabled: false } } });
      await call(PEER.url, 'DELETE', `/v3/domains/${domain.id}`, { token: adminToken });
      if (trustIds.length > 0) {
        await sql`DELETE FROM trust_role WHERE trust_id IN ${sql(trustIds)}`;
        await sql`DELETE FROM trust WHERE id IN ${sql(trustIds)}`;
        await sql`DELETE FROM revocation_event WHERE trust_id IN ${sql(trustIds)}`;
      }
      await sql.end();
    },
  };
  return world;
}

/**
 * A body with what legitimately differs between the two servers' answers replaced: base URLs and the ids each
 * server generated (pass them); role lists sorted, since neither server orders them.
 */
export function comparable(body: unknown, server: Server, world: World, generated: readonly string[] = []): unknown {
  let text = JSON.stringify(body ?? null).replaceAll(world.url(server), '<base>');
  for (const value of generated) text = text.replaceAll(value, '<generated>');
  return sortRoles(JSON.parse(text));
}

function sortRoles(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortRoles);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === 'roles' && Array.isArray(v) ? [...v].map(sortRoles).sort((a: any, b: any) => String(a.id).localeCompare(String(b.id))) : sortRoles(v);
  }
  return out;
}

/** The first line of a Keystone error message (py-keystone appends a dump of its JSON schema to 400s). */
export function firstLine(res: Response): string {
  return String(res.body?.error?.message ?? '').split('\n\n')[0]!;
}

export { uniqueName };
