// Running the commands and servers the bench needs. Each server starts in a process group of its own, so stopping
// it by that group's id ends the server and its workers and nothing else; every wait has a deadline.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface CommandResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a command to completion (stdout and stderr together), killing it if it outlives `timeoutMs`. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

/** Like runCommand, but a non-zero exit is an error carrying the output's tail. */
export async function mustRun(
  what: string,
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${tail(result.output, 30)}`);
  return result.output;
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface Server {
  readonly name: string;
  /** The process the bench spawned; also the id of its process group. */
  readonly pid: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** Starts a long-running process in its own group, output to `logFile`. */
export function startServer(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv },
): Server {
  const log = openSync(options.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  child.unref();
  let stopped: Promise<void> | undefined;
  return {
    name,
    pid,
    logFile: options.logFile,
    stop: () => (stopped ??= stopGroup(pid)),
  };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * TERM to the leader first (a node:cluster primary then takes its workers down with it, and a keystone-ts worker
 * closes its database pool), then TERM to the whole group, then KILL whatever is left after a few seconds.
 */
async function stopGroup(pgid: number): Promise<void> {
  const signal = (target: number, sig: NodeJS.Signals) => {
    try {
      process.kill(target, sig);
    } catch {
      // already gone
    }
  };
  signal(pgid, 'SIGTERM');
  for (let i = 0; i < 20 && groupAlive(pgid); i++) await sleep(100);
  if (groupAlive(pgid)) signal(-pgid, 'SIGTERM');
  for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(100);
  if (groupAlive(pgid)) signal(-pgid, 'SIGKILL');
}

/** Resolves once GET `url` answers `status`; rejects after `timeoutMs` with the server's log tail. */
export async function waitForHttp(url: string, timeoutMs: number, logFile?: string, status = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === status) return;
      last = `HTTP ${response.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  const log = logFile ? `\n${tail(readFileSync(logFile, 'utf8'), 30)}` : '';
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (${last})${log}`);
}

/** Whether something already listens on 127.0.0.1:`port`. */
export async function portInUse(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) }).then((r) => r.arrayBuffer());
    return true;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code !== 'ECONNREFUSED';
  }
}
