// Decisions from an OPA sidecar over its Data API: POST {url}/v1/data/<path> {"input": ...} -> {"result": ...}.
// One keep-alive connection pool per engine; every request is bounded by [opa] timeout_ms (connect, headers
// and body together), and anything but a 200 with a JSON body is "OPA unavailable" (503, fail closed).
// `unix:///run/opa.sock` talks to an OPA listening on a unix socket, as keystone-ng allows.
import { Pool } from 'undici';
import { OpaEngine, OpaUnavailable, type OpaEngineOptions } from './opa-engine.js';

export interface OpaHttpOptions extends OpaEngineOptions {
  /** [opa] url, e.g. http://127.0.0.1:8181 (a path prefix is kept) or unix:///run/opa/opa.sock. */
  readonly url: string;
  /** [opa] timeout_ms: the most one decision may take before it counts as OPA being down. */
  readonly timeoutMs: number;
  /** Keep-alive connections to OPA (default 16). */
  readonly connections?: number;
}

export class OpaHttpPolicyEngine extends OpaEngine {
  readonly kind = 'opa-http' as const;
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(private readonly http: OpaHttpOptions) {
    super(http, 'opa-http');
    const url = new URL(http.url);
    const common = {
      connections: http.connections ?? 16,
      keepAliveTimeout: 30_000,
      headersTimeout: http.timeoutMs,
      bodyTimeout: http.timeoutMs,
      connectTimeout: http.timeoutMs,
    };
    if (url.protocol === 'unix:') {
      this.pool = new Pool('http://localhost', { ...common, socketPath: url.pathname });
      this.basePath = '';
    } else if (url.protocol === 'http:' || url.protocol === 'https:') {
      this.pool = new Pool(url.origin, common);
      this.basePath = url.pathname.replace(/\/+$/, '');
    } else {
      throw new Error(`[opa] url ${http.url}: only http, https and unix URLs are supported`);
    }
  }

  protected async query(path: string, inputJson: string): Promise<unknown> {
    let response;
    try {
      response = await this.pool.request({
        method: 'POST',
        path: `${this.basePath}/v1/data/${path}`,
        headers: { 'content-type': 'application/json' },
        body: `{"input":${inputJson}}`,
        signal: AbortSignal.timeout(this.http.timeoutMs),
      });
    } catch (err) {
      throw new OpaUnavailable(describe(err, this.http));
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (err) {
      throw new OpaUnavailable(describe(err, this.http));
    }
    if (response.statusCode !== 200) {
      throw new OpaUnavailable(`OPA answered HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new OpaUnavailable(`OPA answered with a body that is not JSON: ${text.slice(0, 300)}`);
    }
    if (parsed === null || typeof parsed !== 'object') throw new OpaUnavailable('OPA answered without a JSON object');
    // OPA leaves out "result" when the path holds no document.
    return (parsed as { result?: unknown }).result;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

function describe(err: unknown, http: OpaHttpOptions): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' || e.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `OPA at ${http.url} did not answer within ${http.timeoutMs} ms`;
  }
  return `OPA at ${http.url} could not be reached: ${e.code ?? e.name ?? 'error'} ${e.message ?? ''}`.trim();
}
