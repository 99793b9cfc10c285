// Identity fixtures created through the real py-keystone peer's API, so both implementations see rows that
// py-keystone itself wrote: a domain, a project in it, and a user holding roles on the project, the domain and
// the system.
import { call, issueToken, passwordAuth, uniqueName } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';

export interface PeerFixture {
  adminToken: string;
  domain: { id: string; name: string };
  project: { id: string; name: string };
  user: { id: string; name: string; password: string };
  roles: Record<'admin' | 'member' | 'reader', string>;
}

export async function peerAdminToken(): Promise<string> {
  const token = await issueToken(
    PEER.url,
    passwordAuth({ name: 'admin', domainId: 'default' }, PEER.adminPassword, {
      project: { name: 'admin', domain: { id: 'default' } },
    }),
  );
  if (token.status !== 201) throw new Error(`peer admin login failed: ${token.status} ${JSON.stringify(token.body)}`);
  return token.id;
}

/** The body of a 2xx answer; anything else throws, naming the request. */
export async function must(res: Promise<{ status: number; body: any }>, what: string): Promise<any> {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export type PeerApi = (method: string, path: string, body?: unknown) => Promise<any>;

/** The peer's API as `token`'s holder, for fixtures: a 2xx answer's body, else it throws. */
export function peerApi(token: string): PeerApi {
  return (method, path, body) => must(call(PEER.url, method, path, { token, ...(body !== undefined && { body }) }), `${method} ${path}`);
}

/** The ids of the global roles bootstrap made. */
export async function bootstrapRoles(api: PeerApi): Promise<Record<'admin' | 'member' | 'reader', string>> {
  const listed = (await api('GET', '/v3/roles')).roles as { id: string; name: string; domain_id: string | null }[];
  const roleId = (name: string) => listed.find((r) => r.name === name && !r.domain_id)!.id;
  return { admin: roleId('admin'), member: roleId('member'), reader: roleId('reader') };
}

export async function createPeerFixture(): Promise<PeerFixture> {
  const adminToken = await peerAdminToken();
  const api = peerApi(adminToken);
  const roles = await bootstrapRoles(api);
  const domain = (await api('POST', '/v3/domains', { domain: { name: uniqueName('kts-dom') } })).domain;
  const project = (await api('POST', '/v3/projects', { project: { name: uniqueName('kts-proj'), domain_id: domain.id } })).project;
  const password = `pw-${uniqueName('x')}`;
  const user = (await api('POST', '/v3/users', { user: { name: uniqueName('kts-user'), domain_id: domain.id, password } })).user;
  await api('PUT', `/v3/projects/${project.id}/users/${user.id}/roles/${roles.member}`);
  await api('PUT', `/v3/domains/${domain.id}/users/${user.id}/roles/${roles.admin}`);
  await api('PUT', `/v3/system/users/${user.id}/roles/${roles.reader}`);
  return {
    adminToken,
    domain: { id: domain.id, name: domain.name },
    project: { id: project.id, name: project.name },
    user: { id: user.id, name: user.name, password },
    roles,
  };
}

/** Removes what createPeerFixture made (a domain must be disabled before it can be deleted). */
export async function removePeerFixture(f: PeerFixture): Promise<void> {
  const opts = (body?: unknown) => ({ token: f.adminToken, ...(body !== undefined && { body }) });
  await call(PEER.url, 'DELETE', `/v3/system/users/${f.user.id}/roles/${f.roles.reader}`, opts());
  await call(PEER.url, 'DELETE', `/v3/users/${f.user.id}`, opts());
  await call(PEER.url, 'DELETE', `/v3/projects/${f.project.id}`, opts());
  await call(PEER.url, 'PATCH', `/v3/domains/${f.domain.id}`, opts({ domain: { enabled: false } }));
  await call(PEER.url, 'DELETE', `/v3/domains/${f.domain.id}`, opts());
}
