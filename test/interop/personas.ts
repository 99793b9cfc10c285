// The persona matrix for policy parity: users created through the real py-keystone peer, each holding one kind
// of role, with a token issued by the peer for the scope that role lives on. A parity test sends the same request
// as each persona to both servers and expects the same status code.
import type { Test } from 'tap';
import { call, issueToken, passwordAuth, uniqueName } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { bootstrapRoles, peerAdminToken, peerApi } from './fixtures.js';

export type PersonaName =
  | 'system-admin' | 'system-member' | 'system-reader'
  | 'domain-admin' | 'domain-member' | 'domain-reader'
  | 'project-admin' | 'project-member' | 'project-reader'
  | 'no-role' | 'other-domain';

export interface Persona {
  readonly name: PersonaName;
  readonly userId: string;
  readonly token: string;
}

export interface Personas {
  readonly adminToken: string;
  /** The domain the domain and project personas live in, and its project. */
  readonly domainId: string;
  readonly projectId: string;
  /** Another domain, with its own project and member. */
  readonly otherDomainId: string;
  readonly otherProjectId: string;
  readonly roles: Record<'admin' | 'member' | 'reader', string>;
  readonly all: readonly Persona[];
  get(name: PersonaName): Persona;
  cleanup(): Promise<void>;
}

export async function createPersonas(): Promise<Personas> {
  const adminToken = await peerAdminToken();
  const api = peerApi(adminToken);
  const roles = await bootstrapRoles(api);

  const domain = (await api('POST', '/v3/domains', { domain: { name: uniqueName('persona-dom') } })).domain;
  const other = (await api('POST', '/v3/domains', { domain: { name: uniqueName('persona-other') } })).domain;
  const project = (await api('POST', '/v3/projects', { project: { name: uniqueName('persona-proj'), domain_id: domain.id } })).project;
  const otherProject = (await api('POST', '/v3/projects', { project: { name: uniqueName('persona-oproj'), domain_id: other.id } })).project;

  const password = `pw-${uniqueName('p')}`;
  const makeUser = async (domainId: string) =>
    (await api('POST', '/v3/users', { user: { name: uniqueName('persona'), domain_id: domainId, password } })).user.id as string;

  const specs: { name: PersonaName; domainId: string; grant?: string; scope: 'system' | 'domain' | 'project' | 'none'; role?: keyof typeof roles }[] = [
    { name: 'system-admin', domainId: domain.id, scope: 'system', role: 'admin' },
    { name: 'system-member', domainId: domain.id, scope: 'system', role: 'member' },
    { name: 'system-reader', domainId: domain.id, scope: 'system', role: 'reader' },
    { name: 'domain-admin', domainId: domain.id, scope: 'domain', role: 'admin' },
    { name: 'domain-member', domainId: domain.id, scope: 'domain', role: 'member' },
    { name: 'domain-reader', domainId: domain.id, scope: 'domain', role: 'reader' },
    { name: 'project-admin', domainId: domain.id, scope: 'project', role: 'admin' },
    { name: 'project-member', domainId: domain.id, scope: 'project', role: 'member' },
    { name: 'project-reader', domainId: domain.id, scope: 'project', role: 'reader' },
    { name: 'no-role', domainId: domain.id, scope: 'none' },
    { name: 'other-domain', domainId: other.id, scope: 'project', role: 'member' },
  ];
  const all: Persona[] = [];
  for (const spec of specs) {
    const userId = await makeUser(spec.domainId);
    const projectId = spec.name === 'other-domain' ? otherProject.id : project.id;
    let scope: Parameters<typeof passwordAuth>[2];
    if (spec.scope === 'system') {
      await api('PUT', `/v3/system/users/${userId}/roles/${roles[spec.role!]}`);
      scope = { system: { all: true } };
    } else if (spec.scope === 'domain') {
      await api('PUT', `/v3/domains/${domain.id}/users/${userId}/roles/${roles[spec.role!]}`);
      scope = { domain: { id: domain.id } };
    } else if (spec.scope === 'project') {
      await api('PUT', `/v3/projects/${projectId}/users/${userId}/roles/${roles[spec.role!]}`);
      scope = { project: { id: projectId } };
    }
    const token = await issueToken(PEER.url, passwordAuth({ id: userId }, password, scope));
    if (token.status !== 201) throw new Error(`persona ${spec.name} login: ${token.status} ${JSON.stringify(token.body)}`);
    all.push({ name: spec.name, userId, token: token.id });
  }
  return {
    adminToken,
    domainId: domain.id,
    projectId: project.id,
    otherDomainId: other.id,
    otherProjectId: otherProject.id,
    roles,
    all,
    get: (name) => all.find((p) => p.name === name)!,
    cleanup: async () => {
      for (const p of all) {
        for (const role of Object.values(roles)) await call(PEER.url, 'DELETE', `/v3/system/users/${p.userId}/roles/${role}`, { token: adminToken });
        await call(PEER.url, 'DELETE', `/v3/users/${p.userId}`, { token: adminToken });
      }
      for (const id of [project.id, otherProject.id]) await call(PEER.url, 'DELETE', `/v3/projects/${id}`, { token: adminToken });
      for (const id of [domain.id, other.id]) {
        await call(PEER.url, 'PATCH', `/v3/domains/${id}`, { token: adminToken, body: { domain: { enabled: false } } });
        await call(PEER.url, 'DELETE', `/v3/domains/${id}`, { token: adminToken });
      }
    },
  };
}

/**
 * Sends the same request as every persona to py-keystone and to keystone-ts and asserts the same status code.
 * `request` may depend on the persona (e.g. its own user id in the path) and on the server, so a create can use a
 * different name on each (both servers write the same database).
 */
export async function assertSameDecisions(
  test: Test,
  personas: Personas,
  oursUrl: string,
  request: (p: Persona, server: 'py-keystone' | 'keystone-ts') => { method: string; path: string; body?: unknown; headers?: Record<string, string> },
): Promise<void> {
  for (const persona of personas.all) {
    const send = (base: string, r: ReturnType<typeof request>) =>
      call(base, r.method, r.path, { token: persona.token, ...(r.body !== undefined && { body: r.body }), ...(r.headers && { headers: r.headers }) });
    const r = request(persona, 'py-keystone');
    const theirs = await send(PEER.url, r);
    const mine = await send(oursUrl, request(persona, 'keystone-ts'));
    test.equal(mine.status, theirs.status, `${persona.name}: ${r.method} ${r.path} -> ${theirs.status}`);
  }
}
