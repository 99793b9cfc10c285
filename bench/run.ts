// npm run bench: keystone-ts against py-keystone on this machine, in one run, on one database with one set of keys.
// Starts a py-keystone peer of its own (with the in-process cache production runs), builds and starts keystone-ts
// beside it with one worker per core, and a bare fastify server as the ceiling; loads each with wrk over loopback;
// prints the comparison and writes bench/results/latest.{json,md}; stops everything it started. About 4 minutes
// once the peer's packages are installed.
//
// Knobs (environment): BENCH_TIME_SCALE (multiplies every duration; 0.2 for a smoke run), BENCH_SCENARIOS
// (comma list of scenario ids), BENCH_WORKERS (default: cores), BENCH_VALIDATION_CACHE_SECONDS (keystone-ts's
// [keystone_ts] validation_cache_seconds, default 2 as shipped), BENCH_PEER_PORT (5003), BENCH_PEER_DB
// (keystone_bench), BENCH_PORT (5013, keystone-ts), BENCH_CEILING_PORT (5014), BENCH_KSTS_NODE_ARGS (extra node
// flags for keystone-ts, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), KEYSTONE_SHARED_DIR (holds peers/).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, availableParallelism, loadavg, release, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { cpuShare, snapshot, type CpuShare } from './lib/cpu-usage.js';
import { drain, issueToken, passwordAuthBody, probe, rescopeAuthBody, type AdminCredentials } from './lib/identity-api.js';
import { startKeystoneTs } from './lib/keystone-ts.js';
import { startPeer } from './lib/peer.js';
import { mustRun, portInUse, runCommand, startServer, waitForHttp, type Server } from './lib/processes.js';
import { buildReport, markdown, type Conditions, type Measurement, type ServerName } from './lib/report.js';
import { ensureWrk, runWrk, type WrkRequest } from './lib/wrk.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const cores = availableParallelism();
const workers = Number(env.BENCH_WORKERS ?? cores);
/** keystone-ts's default; a diagnostic run may set it beyond the run's length to measure validation without refreshes. */
const validationCacheSeconds = Number(env.BENCH_VALIDATION_CACHE_SECONDS ?? 2);
const scale = Number(env.BENCH_TIME_SCALE ?? 1);
const only = env.BENCH_SCENARIOS?.split(',').map((s) => s.trim()).filter(Boolean);
const peerPort = Number(env.BENCH_PEER_PORT ?? 5003);
const peerDb = env.BENCH_PEER_DB ?? 'keystone_bench';
const ourPort = Number(env.BENCH_PORT ?? 5013);
const ceilingPort = Number(env.BENCH_CEILING_PORT ?? 5014);
const peersDir = join(env.KEYSTONE_SHARED_DIR ?? join(root, '..', 'shared'), 'peers');
const CONNECTIONS = 16;
const WRK_THREADS = 1;
const admin: AdminCredentials = { user: 'admin', password: env.PYKS_ADMIN_PASSWORD ?? 'secret', domainId: 'default', project: 'admin' };

interface Tokens {
  /** Project-scoped admin token: both the caller and the subject of validations. */
  readonly projectScoped: string;
  readonly rescopeBody: string;
  readonly passwordBody: string;
}

interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly servers: readonly ServerName[];
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly status: number;
  readonly request: (tokens: Tokens) => WrkRequest;
  /** Load that runs beside the measured one, from 2 s before it until it ends (16 more connections). */
  readonly background?: { readonly title: string; readonly status: number; readonly request: (tokens: Tokens) => WrkRequest };
}

/** Seconds the background load runs alone before the measured run starts. */
const BACKGROUND_LEAD = 2;

const validateRequest = (t: Tokens, headers: Record<string, string> = {}): WrkRequest => ({
  method: 'GET',
  path: '/v3/auth/tokens',
  headers: { 'X-Auth-Token': t.projectScoped, 'X-Subject-Token': t.projectScoped, ...headers },
});

const SCENARIOS: readonly Scenario[] = [
  { id: 'validate', title: 'validate token (GET /v3/auth/tokens)', servers: ['keystone-ts', 'py-keystone'], warmupSeconds: 3, seconds: 12, status: 200, request: (t) => validateRequest(t) },
  {
    id: 'rescope',
    title: 'issue token, token method (unscoped -> project)',
    servers: ['keystone-ts', 'py-keystone'],
    warmupSeconds: 2,
    seconds: 10,
    status: 201,
    request: (t) => ({ method: 'POST', path: '/v3/auth/tokens', body: t.rescopeBody }),
  },
  {
    id: 'password',
    title: 'issue token, password method (bcrypt cost 12)',
    servers: ['keystone-ts', 'py-keystone'],
    // bcrypt needs no warm-up; at about 3 hashes a second, 16 clients wait about 5 s each, so the run is longer.
    warmupSeconds: 0,
    seconds: 15,
    status: 201,
    request: (t) => ({ method: 'POST', path: '/v3/auth/tokens', body: t.passwordBody }),
  },
  {
    // DESIGN.md: a password storm must not slow token validation.
    id: 'validate-storm',
    title: 'validate token during a password storm (16 more clients)',
    servers: ['keystone-ts', 'py-keystone'],
    warmupSeconds: 0,
    seconds: 10,
    status: 200,
    request: (t) => validateRequest(t),
    background: {
      title: 'password issue',
      status: 201,
      request: (t) => ({ method: 'POST', path: '/v3/auth/tokens', body: t.passwordBody }),
    },
  },
  {
    // py-keystone's uWSGI closes every connection; this is keystone-ts paying for a TCP connection per request too.
    id: 'validate-close',
    title: 'validate token, Connection: close',
    servers: ['keystone-ts'],
    warmupSeconds: 1,
    seconds: 6,
    status: 200,
    request: (t) => validateRequest(t, { Connection: 'close' }),
  },
  { id: 'discovery', title: 'GET /v3 (discovery: keystone-ts without a token)', servers: ['keystone-ts'], warmupSeconds: 1, seconds: 6, status: 200, request: () => ({ method: 'GET', path: '/v3' }) },
  { id: 'ceiling', title: 'ceiling: bare fastify, one route, same workers', servers: ['bare fastify'], warmupSeconds: 1, seconds: 6, status: 200, request: () => ({ method: 'GET', path: '/ceiling' }) },
];

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const cleanups: (() => Promise<void>)[] = [];

async function cleanup(): Promise<void> {
  while (cleanups.length > 0) {
    const stop = cleanups.pop()!;
    await stop().catch((err: Error) => log(`cleanup: ${err.message}`));
  }
}

async function ensureFree(port: number, what: string): Promise<void> {
  if (await portInUse(port)) throw new Error(`port ${port} (${what}) is already in use; set another with the BENCH_* variables`);
}

async function issueTokens(origin: string): Promise<Tokens> {
  const v3 = `${origin}/v3`;
  const passwordBody = passwordAuthBody(admin, true);
  const scoped = await issueToken(v3, passwordBody);
  const unscoped = await issueToken(v3, passwordAuthBody(admin, false));
  if (unscoped.body.token.project) throw new Error('the admin user has a default project: its "unscoped" token came back project-scoped');
  return { projectScoped: scoped.id, rescopeBody: rescopeAuthBody(admin, unscoped.id), passwordBody };
}

async function measure(
  scenario: Scenario,
  server: ServerName,
  origin: string,
  serverPids: () => number[],
  tokens: Tokens,
  workDir: string,
): Promise<Measurement> {
  const request = scenario.request(tokens);
  const background = scenario.background && { ...scenario.background, request: scenario.background.request(tokens) };
  // Waits out whatever an earlier run left queued: GET /v3 answers quickly while keystone-ts's threadpool still
  // hashes passwords, but a request of the kind that was loaded queues behind that work.
  const settle = async () => {
    await drain(origin);
    await probe(origin, request, scenario.status);
    if (background) await probe(origin, background.request, background.status);
  };
  await probe(origin, request, scenario.status);
  const options = { connections: CONNECTIONS, threads: WRK_THREADS, workDir };
  const warmup = Math.round(scenario.warmupSeconds * scale);
  const seconds = Math.max(2, Math.round(scenario.seconds * scale));
  if (warmup > 0) {
    await runWrk(origin, request, { ...options, seconds: warmup });
    await settle();
  }
  const loadBefore = loadavg()[0]!;
  const wrkPids: number[] = [];
  let before: ReturnType<typeof snapshot> | undefined;
  let cpu: CpuShare | undefined;
  let timers: NodeJS.Timeout[] = [];
  try {
    const behind =
      background &&
      runWrk(origin, background.request, { ...options, seconds: seconds + BACKGROUND_LEAD + 1, onStart: (pid) => wrkPids.push(pid) });
    if (behind) await sleep(BACKGROUND_LEAD * 1000);
    // CPU is sampled from 1 s into the run to 1 s before its end, so connection set-up and teardown stay out of it
    // (runs too short for a window of 2 s or more report none: /proc counts in 10 ms ticks).
    if (seconds >= 4) {
      timers = [
        setTimeout(() => (before = snapshot()), 1000),
        setTimeout(() => {
          if (before) cpu = cpuShare(before, snapshot(), { serverRoots: serverPids(), wrkPids, database: peerDb });
        }, (seconds - 1) * 1000),
      ];
    }
    const result = await runWrk(origin, request, { ...options, seconds, onStart: (pid) => wrkPids.push(pid) });
    const backgroundResult = behind && (await behind);
    log(`${scenario.id.padEnd(14)} ${server.padEnd(12)} ${result.rps.toFixed(1).padStart(9)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms` +
      (result.errorStatus + result.socketErrors ? `  errors: ${result.errorStatus} status, ${result.socketErrors} socket` : '') +
      (backgroundResult ? `  (beside ${background.title}: ${backgroundResult.rps.toFixed(1)} req/s)` : ''));
    return {
      scenario: scenario.id,
      title: scenario.title,
      server,
      connections: CONNECTIONS,
      seconds,
      result,
      ...(backgroundResult && { background: { title: background.title, connections: CONNECTIONS, result: backgroundResult } }),
      cpu,
      loadBefore,
    };
  } finally {
    timers.forEach(clearTimeout);
    await settle();
  }
}

async function revision(): Promise<Conditions['revision']> {
  const head = await runCommand('git', ['rev-parse', 'HEAD'], { cwd: root, timeoutMs: 10_000 });
  const changes = await runCommand('git', ['status', '--porcelain', '--', 'src'], { cwd: root, timeoutMs: 10_000 });
  return { commit: head.code === 0 ? head.output.trim() : 'unknown', srcModified: changes.output.trim() !== '' };
}

async function hostConditions(): Promise<Conditions['host']> {
  const wrk = await runCommand('wrk', ['--version'], { timeoutMs: 5000 });
  return {
    cpus: cores,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    wrk: wrk.output.split('\n')[0]?.split(' [')[0]?.trim() ?? 'wrk',
  };
}

async function main(): Promise<void> {
  const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.id));
  if (scenarios.length === 0) throw new Error(`BENCH_SCENARIOS matches none of ${SCENARIOS.map((s) => s.id).join(', ')}`);
  const needs = (server: ServerName) => scenarios.some((s) => s.servers.includes(server));
  const workDir = mkdtempSync(join(tmpdir(), 'keystone-ts-bench-'));
  log(`work directory ${workDir}`);
  await ensureFree(ourPort, 'keystone-ts');
  await ensureFree(ceilingPort, 'ceiling server');

  log('wrk');
  await ensureWrk();
  log(`py-keystone peer on :${peerPort}, database ${peerDb} (in-process cache)`);
  const peer = await startPeer({ peersDir, port: peerPort, database: peerDb, processes: cores, base: env.PYKS_BASE ?? '/var/lib/pykeystone' });
  cleanups.push(() => peer.stop());
  log('building keystone-ts');
  const built = await revision();
  await mustRun('npm run build', 'npm', ['run', 'build', '--silent'], { cwd: root, timeoutMs: 300_000 });
  log(`keystone-ts on :${ourPort}, ${workers} workers`);
  const ours = await startKeystoneTs({
    root,
    port: ourPort,
    workers,
    validationCacheSeconds,
    database: peerDb,
    keysDir: peer.stateDir,
    workDir,
    nodeArgs: env.BENCH_KSTS_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
  });
  cleanups.push(() => ours.stop());
  let ceiling: Server | undefined;
  if (needs('bare fastify')) {
    ceiling = startServer('ceiling', process.execPath, ['--import', 'tsx', join(root, 'bench', 'ceiling-server.ts'), String(ceilingPort), String(workers)], {
      cwd: root,
      logFile: join(workDir, 'ceiling.log'),
    });
    cleanups.push(() => ceiling!.stop());
    await waitForHttp(`http://127.0.0.1:${ceilingPort}/ceiling`, 30_000, ceiling.logFile);
  }

  // Tokens come from py-keystone and are validated by both: the same Fernet keys, as in a mixed deployment.
  const tokens = await issueTokens(peer.origin);
  const targets: Record<ServerName, { origin: string; pids: () => number[] }> = {
    'keystone-ts': { origin: ours.origin, pids: () => [ours.pid] },
    'py-keystone': { origin: peer.origin, pids: () => [peer.masterPid()].filter((p): p is number => p !== undefined) },
    'bare fastify': { origin: `http://127.0.0.1:${ceilingPort}`, pids: () => (ceiling ? [ceiling.pid] : []) },
  };
  const measurements: Measurement[] = [];
  for (const scenario of scenarios) {
    for (const server of scenario.servers) {
      const target = targets[server];
      measurements.push(await measure(scenario, server, target.origin, target.pids, tokens, workDir));
    }
  }

  const conditions: Conditions = {
    date: new Date().toISOString(),
    revision: built,
    host: await hostConditions(),
    keystoneTs: { workers, validationCacheSeconds, connection: 'keep-alive' },
    pyKeystone: { processes: peer.processes, cache: 'dogpile.cache.memory', server: 'py-keystone Zed (Debian python3-keystone) on uWSGI', connection: 'close' },
    database: peerDb,
    wrk: { threads: WRK_THREADS, connections: CONNECTIONS },
  };
  const report = buildReport(conditions, measurements);
  const summary = markdown(report);
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(join(resultsDir, 'latest.json'), json);
  writeFileSync(join(resultsDir, `${conditions.date.replace(/[:.]/g, '-')}.json`), json);
  writeFileSync(join(resultsDir, 'latest.md'), summary);
  process.stdout.write(`\n${summary}\n`);
  log(`results in ${join(resultsDir, 'latest.json')} and latest.md; server logs in ${workDir}`);
  if (readFileSync(ours.logFile, 'utf8').includes('"level":50')) log(`keystone-ts logged errors: see ${ours.logFile}`);
}

let exitCode = 0;
const interrupted = (signal: NodeJS.Signals) => {
  log(`${signal}: stopping what the bench started`);
  void cleanup().then(() => process.exit(130));
};
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);
try {
  await main();
} catch (err) {
  log(`failed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  log('stopping servers');
  await cleanup();
}
process.exit(exitCode);
