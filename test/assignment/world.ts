// A small identity world created through the py-keystone peer, for the assignment tests: two domains, a project
// tree (p1 > p2) and a project in the other domain, users, a group with a member, two global roles and a
// domain-specific role. Everything is created with unique names and removed by `remove()`.
import { call, uniqueName } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { peerAdminToken } from '../interop/fixtures.js';

export interface World {
  readonly adminToken: string;
  readonly domain: string;
  readonly otherDomain: string;
  /** p1 in `domain`, p2 a child of p1, p3 in `otherDomain`. */
  readonly p1: string;
  readonly p2: string;
  readonly p3: string;
  /** u1 and u2 in `domain`, u3 in `otherDomain`; u2 is a member of `group`. */
  readonly u1: string;
  readonly u2: string;
  readonly u3: string;
  readonly group: string;
  readonly password: string;
  /** Global roles ra and rb; dr is specific to `domain`. */
  readonly ra: string;
  readonly rb: string;
  readonly dr: string;
  readonly roleNames: Record<'ra' | 'rb' | 'dr', string>;
  /** The peer's api as the cloud admin: any status >= 300 throws. */
  api(method: string, path: string, body?: unknown): Promise<any>;
  remove(): Promise<void>;
}

export async function createWorld(): Promise<World> {
  const adminToken = await peerAdminToken();
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await call(PEER.url, method, path, { token: adminToken, ...(body !== undefined && { body }) });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const domain = (await api('POST', '/v3/domains', { domain: { name: uniqueName('asg-dom') } })).domain.id as string;
  const otherDomain = (await api('POST', '/v3/domains', { domain: { name: uniqueName('asg-odom') } })).domain.id as string;
  const project = async (domainId: string, parentId?: string) =>
    (await api('POST', '/v3/projects', { project: { name: uniqueName('asg-p'), domain_id: domainId, ...(parentId && { parent_id: parentId }) } }))
      .project.id as string;
  const p1 = await project(domain);
  const p2 = await project(domain, p1);
  const p3 = await project(otherDomain);
  const password = `pw-${uniqueName('x')}`;
  const user = async (domainId: string) =>
    (await api('POST', '/v3/users', { user: { name: uniqueName('asg-u'), domain_id: domainId, password } })).user.id as string;
  const u1 = await user(domain);
  const u2 = await user(domain);
  const u3 = await user(otherDomain);
  const group = (await api('POST', '/v3/groups', { group: { name: uniqueName('asg-g'), domain_id: domain } })).group.id as string;
  await api('PUT', `/v3/groups/${group}/users/${u2}`);
  const roleNames = { ra: uniqueName('asg-ra'), rb: uniqueName('asg-rb'), dr: uniqueName('asg-dr') };
  const ra = (await api('POST', '/v3/roles', { role: { name: roleNames.ra } })).role.id as string;
  const rb = (await api('POST', '/v3/roles', { role: { name: roleNames.rb } })).role.id as string;
  const dr = (await api('POST', '/v3/roles', { role: { name: roleNames.dr, domain_id: domain } })).role.id as string;

  const remove = async () => {
    const quiet = (method: string, path: string, body?: unknown) =>
      call(PEER.url, method, path, { token: adminToken, ...(body !== undefined && { body }) });
    for (const id of [ra, rb, dr]) await quiet('DELETE', `/v3/roles/${id}`);
    for (const id of [u1, u2, u3]) await quiet('DELETE', `/v3/users/${id}`);
    await quiet('DELETE', `/v3/groups/${group}`);
    for (const id of [p2, p1, p3]) await quiet('DELETE', `/v3/projects/${id}`);
    for (const id of [domain, otherDomain]) {
      await quiet('PATCH', `/v3/domains/${id}`, { domain: { enabled: false } });
      await quiet('DELETE', `/v3/domains/${id}`);
    }
  };
  return { adminToken, domain, otherDomain, p1, p2, p3, u1, u2, u3, group, password, ra, rb, dr, roleNames, api, remove };
}
