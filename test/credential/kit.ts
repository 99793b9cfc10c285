// What the credential tests share: keystone-ts started beside the py-keystone peer (same database, same credential
// key repository), a user, project and admin made through the peer, requests sent to either server, bodies made
// comparable, and py-keystone's own credential provider (pykeystone_credentials.py) to encrypt and decrypt blobs.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, issueToken, passwordAuth, type Response } from '../helpers/identity-api.js';
import { startKeystoneTs, type RunningKeystone } from '../helpers/keystone-ts.js';
import { PEER, SYSTEM_PYTHON, type Server } from '../helpers/services.js';
import { createPeerFixture, removePeerFixture, type PeerFixture } from '../interop/fixtures.js';

export { SERVERS, type Server } from '../helpers/services.js';

export interface Kit {
  readonly ours: RunningKeystone;
  readonly fixture: PeerFixture;
  /** The fixture user's peer-issued token on the fixture project (roles member and reader). */
  readonly userToken: string;
  url(server: Server): string;
  /** As the cloud admin unless a token is given. */
  send(server: Server, method: string, path: string, options?: { token?: string; body?: unknown }): Promise<Response>;
  /** Creates a credential on one server as the admin (default: a cert credential of the fixture user). */
  create(server: Server, fields?: Record<string, unknown>, token?: string): Promise<any>;
  /** Removes credentials the test made for users that are no fixture (the fixture user's go with the user). */
  forget(id: string): void;
  close(): Promise<void>;
}

export async function startKit(ours?: RunningKeystone): Promise<Kit> {
  const server = ours ?? (await startKeystoneTs());
  const fixture = await createPeerFixture();
  const token = await issueToken(PEER.url, passwordAuth({ id: fixture.user.id }, fixture.user.password, { project: { id: fixture.project.id } }));
  if (token.status !== 201) throw new Error(`fixture user login: ${token.status} ${JSON.stringify(token.body)}`);
  const url = (s: Server) => (s === 'py-keystone' ? PEER.url : server.url);
  const strays = new Set<string>();
  const send: Kit['send'] = (s, method, path, options = {}) =>
    call(url(s), method, path, { token: options.token ?? fixture.adminToken, ...(options.body !== undefined && { body: options.body }) });
  return {
    ours: server,
    fixture,
    userToken: token.id,
    url,
    send,
    create: async (s, fields = {}, asToken) => {
      const body = { credential: { type: 'cert', user_id: fixture.user.id, blob: `blob-${Math.random()}`, ...fields } };
      const res = await send(s, 'POST', '/v3/credentials', { body, ...(asToken && { token: asToken }) });
      if (res.status !== 201) throw new Error(`create on ${s}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.credential;
    },
    forget: (id) => strays.add(id),
    close: async () => {
      for (const id of strays) await send('py-keystone', 'DELETE', `/v3/credentials/${id}`);
      await removePeerFixture(fixture);
      if (!ours) await server.close();
    },
  };
}

/** A body with each server's base URL and the ids it generated replaced. */
export function comparable(body: unknown, server: Server, kit: Kit, generated: readonly string[] = []): unknown {
  if (body === undefined) return undefined;
  let text = JSON.stringify(body).replaceAll(kit.url(server), '<base>');
  for (const value of generated) text = text.replaceAll(value, '<generated>');
  return JSON.parse(text);
}

/** The first line of a Keystone error message (py-keystone appends a dump of its JSON schema to 400s). */
export function firstLine(res: Response): string {
  return String(res.body?.error?.message ?? '').split('\n\n')[0]!;
}

export interface PyCredentials {
  decrypted: (string | null)[];
  encrypted: [string, string][];
  primary_key_hash: string;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'pykeystone_credentials.py');

/** py-keystone's fernet credential provider on `keyRepository`: decrypts and encrypts as the peer would. */
export function pyCredentials(keyRepository: string, work: { decrypt?: string[]; encrypt?: string[] }): Promise<PyCredentials> {
  return new Promise((resolve, reject) => {
    const child = execFile(SYSTEM_PYTHON, [SCRIPT], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as PyCredentials);
    });
    child.stdin!.end(JSON.stringify({ key_repository: keyRepository, ...work }));
  });
}
