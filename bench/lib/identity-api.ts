// The few Identity API calls the bench makes outside the load runs: issuing the tokens and request bodies every
// scenario sends, and checking once that a scenario's request succeeds on a server before loading it.
export interface AdminCredentials {
  readonly user: string;
  readonly password: string;
  readonly domainId: string;
  readonly project: string;
}

export type Scope = { project: { name: string; domain: { id: string } } } | undefined;

export function passwordAuthBody(admin: AdminCredentials, scoped: boolean): string {
  const identity = {
    methods: ['password'],
    password: { user: { name: admin.user, domain: { id: admin.domainId }, password: admin.password } },
  };
  const scope: Scope = scoped ? { project: { name: admin.project, domain: { id: admin.domainId } } } : undefined;
  return JSON.stringify({ auth: scope ? { identity, scope } : { identity } });
}

export function rescopeAuthBody(admin: AdminCredentials, unscopedToken: string): string {
  return JSON.stringify({
    auth: {
      identity: { methods: ['token'], token: { id: unscopedToken } },
      scope: { project: { name: admin.project, domain: { id: admin.domainId } } },
    },
  });
}

export interface IssuedToken {
  readonly id: string;
  readonly body: { token: { project?: { id: string } | null } };
}

export async function issueToken(v3Url: string, body: string): Promise<IssuedToken> {
  const response = await fetch(`${v3Url}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const id = response.headers.get('x-subject-token');
  if (response.status !== 201 || !id) throw new Error(`POST ${v3Url}/auth/tokens -> ${response.status}: ${text.slice(0, 400)}`);
  return { id, body: JSON.parse(text) as IssuedToken['body'] };
}

/** One request as wrk would send it; throws unless it answers `status`. */
export async function probe(
  origin: string,
  request: { method: string; path: string; headers?: Readonly<Record<string, string>>; body?: string },
  status: number,
): Promise<void> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${origin}${request.path}`, {
    method: request.method,
    headers,
    body: request.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`${request.method} ${origin}${request.path} -> ${response.status} (expected ${status}): ${text.slice(0, 400)}`);
  }
}

/**
 * Waits until a server has worked off requests still queued from a finished run: uWSGI keeps serving connections
 * wrk already closed, so the next run would otherwise start against a busy server. Three quick answers in a row.
 */
export async function drain(origin: string, deadlineMs = 90_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let quick = 0;
  while (quick < 3 && Date.now() < deadline) {
    const start = performance.now();
    try {
      const response = await fetch(`${origin}/v3`, { signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      quick = performance.now() - start < 200 ? quick + 1 : 0;
    } catch {
      quick = 0;
    }
    if (quick < 3) await new Promise((r) => setTimeout(r, 250));
  }
}
