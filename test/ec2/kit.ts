// What the EC2 tests share: keystone-ts beside the py-keystone peer, a peer fixture (domain, project, a user who
// is member of the project), the peer's admin token as the caller of ec2tokens/s3tokens (rule service_or_admin),
// requests signed by the Python signer py-keystone itself uses (test/ec2/reference.py), and bodies made
// comparable across the two servers.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, normaliseTokenBody, type Response } from '../helpers/identity-api.js';
import { startKeystoneTs, type RunningKeystone } from '../helpers/keystone-ts.js';
import { PEER, SYSTEM_PYTHON, type Server } from '../helpers/services.js';
import { createPeerFixture, removePeerFixture, type PeerFixture } from '../interop/fixtures.js';

export { SERVERS, type Server } from '../helpers/services.js';

const REFERENCE = join(dirname(fileURLToPath(import.meta.url)), 'reference.py');

export interface Ec2Kit {
  readonly ours: RunningKeystone;
  readonly fixture: PeerFixture;
  readonly adminToken: string;
  url(server: Server): string;
  send(server: Server, method: string, path: string, options?: { token?: string; body?: unknown }): Promise<Response>;
  /** An EC2 credential of the fixture user on the fixture project, made through the peer. */
  peerCredential(): Promise<{ access: string; secret: string }>;
  close(): Promise<void>;
}

export async function startEc2Kit(): Promise<Ec2Kit> {
  const ours = await startKeystoneTs();
  const fixture = await createPeerFixture();
  const url = (s: Server) => (s === 'py-keystone' ? PEER.url : ours.url);
  const kit: Ec2Kit = {
    ours,
    fixture,
    adminToken: fixture.adminToken,
    url,
    send: (s, method, path, options = {}) => call(url(s), method, path, { token: fixture.adminToken, ...options }),
    peerCredential: async () => {
      const res = await call(PEER.url, 'POST', `/v3/users/${fixture.user.id}/credentials/OS-EC2`, {
        token: fixture.adminToken,
        body: { tenant_id: fixture.project.id },
      });
      if (res.status !== 201) throw new Error(`ec2 credential on the peer: ${res.status} ${JSON.stringify(res.body)}`);
      return { access: res.body.credential.access, secret: res.body.credential.secret };
    },
    close: async () => {
      await removePeerFixture(fixture);
      await ours.close();
    },
  };
  return kit;
}

/** Signs each request with keystoneclient's Ec2Signer (in one Python run): the credentials with `signature` set. */
export function signEc2(requests: { secret: string; credentials: Record<string, any> }[]): Record<string, any>[] {
  const cases = requests.map((r) => ({ kind: 'ec2', secret: r.secret, credentials: structuredClone(r.credentials) }));
  const run = spawnSync(SYSTEM_PYTHON, [REFERENCE], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`reference.py: ${run.stderr}`);
  const answers = JSON.parse(run.stdout) as ({ ok: string } | { error: string[] })[];
  return requests.map((r, i) => {
    const a = answers[i]!;
    if (!('ok' in a)) throw new Error(`signing failed: ${a.error.join(': ')}`);
    return { ...r.credentials, signature: a.ok };
  });
}

/** The S3 signature (keystone.api.s3tokens' own functions) for each base64 string-to-sign. */
export function signS3(secret: string, tokens: string[]): string[] {
  const cases = tokens.map((token) => ({ kind: 's3', secret, token }));
  const run = spawnSync(SYSTEM_PYTHON, [REFERENCE], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`reference.py: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { ok: string }[]).map((a) => a.ok);
}

/** A token body with what differs between two tokens of the same request removed (times, audit ids). */
export function comparableToken(body: any): unknown {
  const token = normaliseTokenBody(structuredClone(body));
  for (const k of ['issued_at', 'expires_at', 'audit_ids']) delete token[k];
  return token;
}

/** An error body, or a status with no body. */
export function outcome(res: Response): unknown {
  return { status: res.status, body: res.status >= 400 ? res.body : undefined };
}

/** The current time as EC2 signature v2 (Timestamp) and v4 (X-Amz-Date) write it. */
export function timestamps(now = new Date()): { iso: string; amz: string; day: string } {
  const iso = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const amz = iso.replaceAll('-', '').replaceAll(':', '');
  return { iso, amz, day: amz.slice(0, 8) };
}
