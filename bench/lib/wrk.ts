// One wrk load run: a generated Lua script sets the method, headers and body of every request and prints wrk's
// summary as one JSON line, which is parsed here. wrk keeps its connections open unless a request says otherwise.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun, runCommand } from './processes.js';

export interface WrkRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON text; sent with Content-Type: application/json. */
  readonly body?: string;
}

export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Responses with a status of 400 or more (wrk's "Non-2xx or 3xx responses"). */
  readonly errorStatus: number;
  /** Connect, read, write and timeout errors. */
  readonly socketErrors: number;
}

export interface WrkOptions {
  readonly connections: number;
  readonly seconds: number;
  readonly threads: number;
  /** Where the Lua script is written. */
  readonly workDir: string;
  /** Called once wrk is running, with its pid (for CPU accounting). */
  readonly onStart?: (pid: number) => void;
}

/** wrk from Debian when it is missing (the bench runs on loopback only, so no other tool is needed). */
export async function ensureWrk(): Promise<void> {
  if (existsSync('/usr/bin/wrk') || (await runCommand('sh', ['-c', 'command -v wrk'], { timeoutMs: 5000 })).code === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = ['-o', 'DPkg::Lock::Timeout=600', '-q', '-y'];
  const install = () => runCommand('apt-get', [...apt, 'install', 'wrk'], { env, timeoutMs: 900_000 });
  if ((await install()).code === 0) return;
  await mustRun('apt-get update', 'apt-get', [...apt, 'update'], { env, timeoutMs: 900_000 });
  await mustRun('apt-get install wrk', 'apt-get', [...apt, 'install', 'wrk'], { env, timeoutMs: 900_000 });
}

/** A Lua string literal for any text: printable ASCII as is, everything else as decimal byte escapes. */
function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte >= 0x20 && byte < 0x7f && ch !== '"' && ch !== '\\' ? ch : `\\${byte}`;
  }
  return `${out}"`;
}

function luaScript(request: WrkRequest): string {
  const lines = [`wrk.method = ${luaString(request.method)}`, `wrk.path = ${luaString(request.path)}`];
  if (request.body !== undefined) {
    lines.push(`wrk.body = ${luaString(request.body)}`, 'wrk.headers["Content-Type"] = "application/json"');
  }
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  }
  // No response() callback: it would make wrk parse every response in Lua and slow the client down.
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("WRK_JSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50_us\\":%d,\\"p90_us\\":%d,' +
      '\\"p99_us\\":%d,\\"max_us\\":%d,\\"status\\":%d,\\"socket\\":%d}\\n",',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),',
    '    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

interface WrkSummary {
  requests: number;
  duration_us: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  max_us: number;
  status: number;
  socket: number;
}

export async function runWrk(origin: string, request: WrkRequest, options: WrkOptions): Promise<WrkResult> {
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/.test(origin)) throw new Error(`loopback targets only: ${origin}`);
  const script = join(options.workDir, `wrk-${process.pid}-${Date.now()}.lua`);
  writeFileSync(script, luaScript(request));
  const args = [`-t${options.threads}`, `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '30s', '-s', script, origin];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) options.onStart?.(child.pid);
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), (options.seconds + 60) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(text);
      else reject(new Error(`wrk exited ${code}:\n${text}`));
    });
  });
  const line = output.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${output}`);
  const s = JSON.parse(line.slice('WRK_JSON '.length)) as WrkSummary;
  const seconds = s.duration_us / 1e6;
  return {
    requests: s.requests,
    seconds,
    rps: s.requests / seconds,
    p50Ms: s.p50_us / 1000,
    p90Ms: s.p90_us / 1000,
    p99Ms: s.p99_us / 1000,
    maxMs: s.max_us / 1000,
    errorStatus: s.status,
    socketErrors: s.socket,
  };
}
