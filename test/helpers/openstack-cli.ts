// The unmodified `openstack` CLI (python3-openstackclient) as a child process, and a recorder that runs the same
// command sequence against one server with its own uniquely named objects, so that two servers' records can be
// compared once generated ids and names are replaced by placeholders.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { uniqueName } from './identity-api.js';
import { PEER } from './services.js';

const execFileAsync = promisify(execFile);

export type CliEnv = Record<string, string | undefined>;

/**
 * admin_token auth: every identity request goes to `base`/v3. This is how a test sends the CLI to keystone-ts
 * beside the peer: the catalog in the shared database points at the peer.
 */
export function adminTokenEnv(base: string, token: string): CliEnv {
  return { ...process.env, OS_AUTH_TYPE: 'admin_token', OS_TOKEN: token, OS_ENDPOINT: `${base}/v3`, OS_IDENTITY_API_VERSION: '3' };
}

/**
 * Password auth as the peer's bootstrap admin, against `base`/v3. openstackclient 6.0 builds its identity client
 * from the session and the catalog only (identity/client.py passes no endpoint_override): OS_ENDPOINT,
 * --os-endpoint and OS_IDENTITY_ENDPOINT_OVERRIDE are ignored with password auth, so the identity requests go to
 * the catalog's identity endpoint of `region` (RegionOne, the peer, unless told otherwise).
 */
export function passwordEnv(base: string, region?: string): CliEnv {
  return {
    ...process.env,
    OS_AUTH_URL: `${base}/v3`,
    OS_USERNAME: 'admin',
    OS_PASSWORD: PEER.adminPassword,
    OS_PROJECT_NAME: 'admin',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_IDENTITY_API_VERSION: '3',
    ...(region !== undefined && { OS_REGION_NAME: region }),
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `openstack args`; a non-zero exit is a result, not an error. */
export async function openstack(env: CliEnv, ...args: string[]): Promise<CliResult> {
  try {
    // openstackclient sends some lists (project tags) in Python set order, which follows the hash seed: a fixed
    // seed makes two runs send the same request.
    const { stdout, stderr } = await execFileAsync('openstack', args, { env: { ...env, PYTHONHASHSEED: '0' }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `openstack args -f json`, parsed; throws with the CLI's message on a non-zero exit. */
export async function openstackJson(env: CliEnv, ...args: string[]): Promise<any> {
  const r = await openstack(env, ...args, '-f', 'json');
  if (r.code !== 0) throw new Error(`openstack ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
}

/**
 * One server's run of a command sequence. Each step's output is recorded under a label; names made with name()
 * and ids given to known() become placeholders in records(), so two servers' runs compare equal when the servers
 * answer alike.
 */
export class CliRun {
  private readonly steps: { what: string; out: unknown; kind: 'whole' | 'list' | 'run' }[] = [];
  private readonly placeholders = new Map<string, string>();

  constructor(readonly env: CliEnv) {}

  /** A fresh unique name, shown as <placeholder> in the records. */
  name(placeholder: string, prefix = 'osc'): string {
    const name = uniqueName(prefix);
    this.placeholders.set(name, `<${placeholder}>`);
    return name;
  }

  /** A generated value (an id) to show as <placeholder> in the records. */
  known(placeholder: string, value: string): string {
    this.placeholders.set(value, `<${placeholder}>`);
    return value;
  }

  /** A `-f json` command whose output is recorded whole. */
  async json(what: string, ...args: string[]): Promise<any> {
    const out = await openstackJson(this.env, ...args);
    this.steps.push({ what, out, kind: 'whole' });
    return out;
  }

  /** A `-f json` list, recorded as the set of rows that mention this run's names or ids. */
  async list(what: string, ...args: string[]): Promise<any[]> {
    const rows = await openstackJson(this.env, ...args);
    this.steps.push({ what, out: rows, kind: 'list' });
    return rows;
  }

  /** A `-f json` list recorded whole, as a set; for lists of objects the test did not make. */
  async all(what: string, ...args: string[]): Promise<CliResult> {
    const r = await openstack(this.env, ...args, '-f', 'json');
    if (r.code !== 0) throw new Error(`openstack ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
    const rows: unknown[] = JSON.parse(r.stdout);
    this.steps.push({ what, out: rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), kind: 'whole' });
    return r;
  }

  /** A command without JSON output (set, delete, add, contains): its exit code and what it printed. */
  async run(what: string, ...args: string[]): Promise<CliResult> {
    const r = await openstack(this.env, ...args);
    // Error messages end with the server's request id, different on every call.
    const stderr = r.stderr.trim().replaceAll(/req-[0-9a-f-]{36}/g, 'req-ID');
    this.steps.push({ what, out: { exit: r.code, stdout: r.stdout.trim(), stderr }, kind: 'run' });
    return r;
  }

  /**
   * Each step's label and output, this run's names and ids replaced, lists filtered to them and sorted. An id left
   * in an error message was generated for the rejected request (py-keystone's project name conflict names one).
   */
  records(): { what: string; out: unknown }[] {
    const keys = [...this.placeholders.keys()].sort((a, b) => b.length - a.length);
    const mentionsOwn = (row: unknown) => keys.some((k) => JSON.stringify(row).includes(k));
    const replace = (value: unknown) => {
      let text = JSON.stringify(value) ?? 'null';
      for (const k of keys) text = text.replaceAll(k, this.placeholders.get(k)!);
      return JSON.parse(text);
    };
    return this.steps.map(({ what, out, kind }) => {
      if (kind === 'run') {
        const result = replace(out);
        return { what, out: { ...result, stderr: result.stderr.replaceAll(/\b[0-9a-f]{32}\b/g, '<generated-id>') } };
      }
      if (kind === 'whole') return { what, out: replace(out) };
      const rows = (out as unknown[]).filter(mentionsOwn).map(replace);
      return { what, out: rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) };
    });
  }
}
