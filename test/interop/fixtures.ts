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

async function ok(res: Promise<{ status: number; body: any }>, what: string) {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what} failed on the peer: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function createPeerFixture(): Promise<PeerFixture> {
  const adminToken = await peerAdminToken();
  const p = PEER.url;
  const opts = (body?: unknown) => ({ token: adminToken, ...(body !== undefined && { body }) });
  const roleList = await ok(call(p, 'GET', '/v3/roles', opts()), 'list roles');
  const roleId = (name: string) => roleList.roles.find((r: any) => r.name === name && !r.domain_id).id as string;
  const roles = { admin: roleId('admin'), member: roleId('member'), reader: roleId('reader') };

  const domain = (await ok(call(p, 'POST', '/v3/domains', opts({ domain: { name: uniqueName('kts-dom') } })), 'create domain')).domain;
  const project = (
    await ok(call(p, 'POST', '/v3/projects', opts({ project: { name: uniqueName('kts-proj'), domain_id: domain.id } })), 'create project')
  ).project;
  const password = `pw-${uniqueName('x')}`;
  const user = (
    await ok(call(p, 'POST', '/v3/users', opts({ user: { name: uniqueName('kts-user'), domain_id: domain.id, password } })), 'create user')
  ).user;
  await ok(call(p, 'PUT', `/v3/projects/${project.id}/users/${user.id}/roles/${roles.member}`, opts()), 'grant project role');
  await ok(call(p, 'PUT', `/v3/domains/${domain.id}/users/${user.id}/roles/${roles.admin}`, opts()), 'grant domain role');
  await ok(call(p, 'PUT', `/v3/system/users/${user.id}/roles/${roles.reader}`, opts()), 'grant system role');
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
