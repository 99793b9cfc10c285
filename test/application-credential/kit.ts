// What the application credential tests share: keystone-ts started beside the py-keystone peer, a user made
// through the peer (member on a project, admin on its domain, reader on the system) with a peer-issued
// project-scoped token, requests sent to one server or both, and bodies made comparable (each server's base URL
// and generated ids and names replaced, role order ignored). Deleting the user through the peer at teardown takes
// its application credentials and access rules with it (py-keystone's user-deleted callback).
import { call, issueToken, passwordAuth, uniqueName, type Response } from '../helpers/identity-api.js';
import { startKeystoneTs, type RunningKeystone } from '../helpers/keystone-ts.js';
import { PEER, type Server } from '../helpers/services.js';
import { createPeerFixture, removePeerFixture, type PeerFixture } from '../interop/fixtures.js';

export { SERVERS, type Server } from '../helpers/services.js';

export interface Kit {
  readonly ours: RunningKeystone;
  readonly fixture: PeerFixture;
  /** The fixture user's peer-issued token on the fixture project (roles member and reader). */
  readonly userToken: string;
  url(server: Server): string;
  send(server: Server, method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  /** The fixture user's credentials collection path. */
  readonly credentials: string;
  /** Creates a credential for the fixture user on one server (a fresh name unless the body gives one). */
  create(server: Server, body?: Record<string, unknown>, token?: string): Promise<any>;
  close(): Promise<void>;
}

export async function startKit(ours?: RunningKeystone): Promise<Kit> {
  const server = ours ?? (await startKeystoneTs());
  const fixture = await createPeerFixture();
  const token = await issueToken(PEER.url, passwordAuth({ id: fixture.user.id }, fixture.user.password, { project: { id: fixture.project.id } }));
  if (token.status !== 201) throw new Error(`fixture user login: ${token.status} ${JSON.stringify(token.body)}`);
  const url = (s: Server) => (s === 'py-keystone' ? PEER.url : server.url);
  const credentials = `/v3/users/${fixture.user.id}/application_credentials`;
  const kit: Kit = {
    ours: server,
    fixture,
    userToken: token.id,
    url,
    credentials,
    send: (s, method, path, options = {}) => call(url(s), method, path, { token: token.id, ...options }),
    create: async (s, body = {}, asToken = token.id) => {
      const res = await call(url(s), 'POST', credentials, {
        token: asToken,
        body: { application_credential: { name: uniqueName(`ac-${s === 'py-keystone' ? 'py' : 'ts'}`), ...body } },
      });
      if (res.status !== 201) throw new Error(`create on ${s}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.application_credential;
    },
    close: async () => {
      await removePeerFixture(fixture);
      if (!ours) await server.close();
    },
  };
  return kit;
}

/**
 * A body with what legitimately differs between two servers' answers replaced: base URLs, the ids and names of
 * the entities each server made (pass them), the secret; role lists are sorted, since neither server orders them.
 */
export function comparable(body: unknown, server: Server, kit: Kit, generated: readonly string[] = []): unknown {
  if (body === undefined) return undefined;
  let text = JSON.stringify(body).replaceAll(kit.url(server), '<base>');
  for (const value of generated) text = text.replaceAll(value, '<generated>');
  return sortRoles(JSON.parse(text));
}

function sortRoles(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortRoles);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'secret') out[k] = '<secret>';
    else if (k === 'roles' && Array.isArray(v)) out[k] = [...v].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    else out[k] = sortRoles(v);
  }
  return out;
}

/** The first line of a Keystone error message (py-keystone appends a dump of its JSON schema to 400s). */
export function firstLine(res: Response): string {
  return String(res.body?.error?.message ?? '').split('\n\n')[0]!;
}

export function appCredAuth(credential: { id: string; secret: string }) {
  return { auth: { identity: { methods: ['application_credential'], application_credential: { id: credential.id, secret: credential.secret } } } };
}

export { uniqueName };
