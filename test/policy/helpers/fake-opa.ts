// An in-process server speaking OPA's Data API, for the OPA HTTP engine's tests (no OPA binary is obtainable
// here). POST /v1/data/<path> with {"input": ...} answers {"result": <document>} when a policy is registered
// at <path>, and {} (no "result") when the path holds no document, as OPA does. A policy may instead ask for
// an HTTP error status or a delay, to play an OPA that is broken or slow.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakePolicy = (input: any) => unknown;

export interface Behaviour {
  /** Answer this HTTP status with an OPA-style error body instead of evaluating. */
  readonly status?: number;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Answer this raw body (e.g. not JSON). */
  readonly rawBody?: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: any;
  readonly connection: number;
}

export class FakeOpa {
  readonly requests: RecordedRequest[] = [];
  readonly policies = new Map<string, FakePolicy>();
  readonly behaviours = new Map<string, Behaviour>();
  connections = 0;
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.connections++;
      (socket as { fakeOpaId?: number }).fakeOpaId = this.connections;
    });
  }

  /** Listens on 127.0.0.1 (random port) or on a unix socket path; returns the URL for [opa] url. */
  async listen(socketPath?: string): Promise<string> {
    this.server.listen(socketPath ?? { host: '127.0.0.1', port: 0 });
    await once(this.server, 'listening');
    if (socketPath) return `unix://${socketPath}`;
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : undefined;
    this.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      contentType: req.headers['content-type'],
      body,
      connection: (req.socket as { fakeOpaId?: number }).fakeOpaId ?? 0,
    });
    const match = /^\/v1\/data\/(.+)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return this.send(res, 405, { code: 'invalid_parameter', message: 'POST /v1/data/<path>' });
    const path = match[1]!;
    const behaviour = this.behaviours.get(path) ?? {};
    if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
    if (res.destroyed) return;
    if (behaviour.rawBody !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(behaviour.rawBody);
      return;
    }
    if (behaviour.status) return this.send(res, behaviour.status, { code: 'internal_error', message: 'fake OPA failure' });
    const policy = this.policies.get(path);
    this.send(res, 200, policy ? { result: policy(body?.input) } : {});
  }

  private send(res: ServerResponse, status: number, payload: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  }
}
