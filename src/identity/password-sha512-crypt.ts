// sha512_crypt (`$6$[rounds=N$]salt$checksum`), the hash py-keystone wrote before it moved to bcrypt (Pike) and
// still verifies in Zed. node:crypto has no crypt(3), so this composes node:crypto's SHA-512 as Ulrich Drepper's
// "Unix crypt using SHA-256 and SHA-512" specifies. It is synchronous CPU work (10000 rounds is tens of
// milliseconds), so verification runs on a worker thread: see password-sha512-crypt-worker.ts.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { hash64Encode } from './password-encoding.js';

/** Rounds when the hash has no `rounds=` field, and the bounds passlib enforces when it has one. */
const IMPLICIT_ROUNDS = 5000;
const MIN_ROUNDS = 1000;
const MAX_ROUNDS = 999_999_999;

const SHA512_CRYPT_RE = /^\$6\$(?:rounds=(\d+)\$)?([./0-9A-Za-z]{0,16})\$([./0-9A-Za-z]{86})$/;

// The spec's byte order for the final encoding: each triple (i, j, k) is emitted as hash64 of bytes k, j, i.
const TRANSPOSE = [
  42, 21, 0, 1, 43, 22, 23, 2, 44, 45, 24, 3, 4, 46, 25, 26, 5, 47, 48, 27, 6, 7, 49, 28, 29, 8, 50, 51, 30, 9, 10, 52,
  31, 32, 11, 53, 54, 33, 12, 13, 55, 34, 35, 14, 56, 57, 36, 15, 16, 58, 37, 38, 17, 59, 60, 39, 18, 19, 61, 40, 41,
  20, 62, 63,
];

function sha512(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha512');
  for (const part of parts) h.update(part);
  return h.digest();
}

/** `bytes` repeated (and cut) to exactly `size` bytes. */
function cycle(bytes: Uint8Array, size: number): Buffer {
  return size === 0 ? Buffer.alloc(0) : Buffer.alloc(size, bytes);
}

/** The 86-character checksum for this password, salt (at most 16 characters) and number of rounds. Synchronous. */
export function sha512CryptChecksum(password: Uint8Array, salt: string, rounds: number): string {
  const p = password;
  const s = Buffer.from(salt, 'ascii');
  const b = sha512(p, s, p);
  const a = createHash('sha512').update(p).update(s).update(cycle(b, p.length));
  for (let n = p.length; n > 0; n >>= 1) a.update(n & 1 ? b : p);
  const digestA = a.digest();
  const pSeq = cycle(sha512(cycle(p, p.length * p.length)), p.length);
  const sSeq = cycle(sha512(cycle(s, s.length * (16 + (digestA[0] ?? 0)))), s.length);
  let c = digestA;
  for (let i = 0; i < rounds; i++) {
    const h = createHash('sha512');
    h.update(i & 1 ? pSeq : c);
    if (i % 3) h.update(sSeq);
    if (i % 7) h.update(pSeq);
    h.update(i & 1 ? c : pSeq);
    c = h.digest();
  }
  return hash64Encode(Uint8Array.from(TRANSPOSE, (i) => c[i] ?? 0));
}

export async function verifySha512Crypt(secret: Buffer, hash: string): Promise<boolean> {
  const m = SHA512_CRYPT_RE.exec(hash);
  if (!m) return false;
  const [, roundsText, salt = '', stored = ''] = m;
  if (roundsText !== undefined && roundsText.length > 1 && roundsText.startsWith('0')) return false;
  const rounds = roundsText === undefined ? IMPLICIT_ROUNDS : Number(roundsText);
  if (rounds < MIN_ROUNDS || rounds > MAX_ROUNDS) return false;
  const computed = await checksumOffThread(secret, salt, rounds);
  return timingSafeEqual(Buffer.from(computed, 'ascii'), Buffer.from(stored, 'ascii'));
}

// One worker, started on first use and kept for later ones. Legacy hashes are rare, so jobs are serialised on it.
// The worker is unref'd while idle so it never keeps the process alive; a crashed worker fails its jobs and is
// replaced on the next call.
interface Pending {
  resolve: (checksum: string) => void;
  reject: (err: Error) => void;
}
let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextJob = 0;

function startWorker(): Worker {
  const here = import.meta.url;
  const entry = new URL(`./password-sha512-crypt-worker${here.endsWith('.ts') ? '.ts' : '.js'}`, here);
  const w = here.endsWith('.ts')
    ? // Run from TypeScript sources (tsx, tap): on Node 20 a worker does not inherit the parent's module loader,
      // so it registers tsx itself before importing its entry.
      new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
          `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`,
        { eval: true },
      )
    : new Worker(entry);
  w.on('message', ({ id, checksum }: { id: number; checksum: string }) => {
    pending.get(id)?.resolve(checksum);
    pending.delete(id);
    if (pending.size === 0) w.unref();
  });
  const fail = (err: Error): void => {
    if (worker === w) worker = undefined;
    for (const job of pending.values()) job.reject(err);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`sha512_crypt worker exited with code ${code}`)));
  return w;
}

function checksumOffThread(password: Buffer, salt: string, rounds: number): Promise<string> {
  worker ??= startWorker();
  const w = worker;
  const id = nextJob++;
  return new Promise<string>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, password, salt, rounds });
  });
}
