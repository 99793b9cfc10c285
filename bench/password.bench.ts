// Does a password storm block the event loop? Runs N bcrypt cost-12 hashes through hashPassword (async, libuv
// threadpool) while perf_hooks' monitorEventLoopDelay and a 10 ms probe timer watch the loop, then the same kind
// of hash through bcrypt.hashSync for contrast. Usage: npx tsx bench/password.bench.ts [N]   (default 32)
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import bcrypt from 'bcrypt';
import { configSchema } from '../src/config/schema.js';
import { hashPassword } from '../src/identity/password-hash.js';

const N = Number(process.argv[2] ?? 32);
const BLOCKING_RUNS = 3;
const identity = configSchema.parse({}).identity; // bcrypt, cost 12: py-keystone's default

interface Window {
  wallMs: number;
  p50: number;
  p99: number;
  max: number;
  /** Worst lateness of a timer due every 10 ms, as a request handler would see it. */
  probeLateMs: number;
}

async function watch(work: () => Promise<unknown>): Promise<Window> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let probeLateMs = 0;
  let due = performance.now() + 10;
  const probe = setInterval(() => {
    const now = performance.now();
    probeLateMs = Math.max(probeLateMs, now - due);
    due = now + 10;
  }, 10);
  delay.enable();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  delay.disable();
  clearInterval(probe);
  const ms = (ns: number): number => ns / 1e6;
  return { wallMs, p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), probeLateMs };
}

function row(label: string, w: Window, hashes: number): string {
  const rate = (hashes / w.wallMs) * 1000;
  return [
    label.padEnd(34),
    `${w.wallMs.toFixed(0).padStart(6)} ms`,
    `${rate.toFixed(1).padStart(6)} hash/s`,
    `loop delay p50 ${w.p50.toFixed(1).padStart(5)}  p99 ${w.p99.toFixed(1).padStart(6)}  max ${w.max.toFixed(1).padStart(6)} ms`,
    `probe late ${w.probeLateMs.toFixed(1).padStart(6)} ms`,
  ].join('  ');
}

await hashPassword('warm-up', { ...identity, password_hash_rounds: 4 });
const idle = await watch(() => new Promise((resolve) => setTimeout(resolve, 1000)));
const storm = await watch(() => Promise.all(Array.from({ length: N }, (_, i) => hashPassword(`password-${i}`, identity))));
const blocking = await watch(async () => {
  for (let i = 0; i < BLOCKING_RUNS; i++) {
    bcrypt.hashSync(`password-${i}`, 12);
    await new Promise((resolve) => setImmediate(resolve));
  }
});

console.log(
  `node ${process.version}, ${availableParallelism()} CPUs, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
);
console.log(row('idle, 1 s', idle, 0));
console.log(row(`${N} x hashPassword (async, cost 12)`, storm, N));
console.log(row(`${BLOCKING_RUNS} x bcrypt.hashSync (cost 12)`, blocking, BLOCKING_RUNS));
console.log(
  `storm: worst loop stall ${storm.max.toFixed(1)} ms vs ${(blocking.wallMs / BLOCKING_RUNS).toFixed(0)} ms ` +
    `for one hash computed on the loop (idle machine noise: ${idle.max.toFixed(1)} ms)`,
);
