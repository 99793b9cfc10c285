// Fernet encrypt+decrypt throughput: our node:crypto Fernet against the `fernet` npm package (crypto-js), on the
// plaintext of a typical project-scoped token. Run: npx tsx bench/fernet.bench.ts [seconds per case, default 2]
import { randomUUID } from 'node:crypto';
import fernetPkg from 'fernet';
import { DEFAULT_AUTH_METHODS } from '../src/config/schema.js';
import { Fernet, generateFernetKey } from '../src/token/fernet.js';
import { TokenFormatter } from '../src/token/formatter.js';
import { newAuditId } from '../src/token/payload-fields.js';
import { PayloadCodec, type ProjectScopedPayload } from '../src/token/payloads.js';

const seconds = Number(process.argv[2] ?? 2);
const uuid = () => randomUUID().replaceAll('-', '');
const payload: ProjectScopedPayload = {
  version: 2,
  userId: uuid(),
  methods: ['password'],
  projectId: uuid(),
  expiresAt: new Date(Date.now() + 3600_000),
  auditIds: [newAuditId()],
};
const options = { methods: DEFAULT_AUTH_METHODS, defaultDomainId: 'default' };
const binary = Buffer.from(new PayloadCodec(options).encode(payload));
// The package decodes every plaintext as UTF-8, so it cannot return a msgpack payload: it gets ASCII of equal length.
const ascii = binary.toString('base64').slice(0, binary.length);
const key = generateFernetKey();

/** ops/s of one case over `budget` seconds, after a warm-up. */
function rate(op: () => void, budget: number): number {
  for (let i = 0; i < 500; i++) op();
  let ops = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(budget * 1e9));
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < 200; i++) op();
    ops += 200;
    elapsed = process.hrtime.bigint() - start;
  }
  return ops / (Number(elapsed) / 1e9);
}

/**
 * Cases run in interleaved rounds and report the median round, so a burst of load from other processes on a
 * shared machine skews one round of every case rather than all rounds of one case.
 */
function runAll(cases: Record<string, () => void>, rounds = 5): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, op] of Object.entries(cases)) (samples[name] ??= []).push(rate(op, seconds / rounds));
  }
  const medians: Record<string, number> = {};
  for (const [name, values] of Object.entries(samples)) {
    const sorted = values.sort((a, b) => a - b);
    medians[name] = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`${name.padEnd(58)} ${Math.round(medians[name]).toLocaleString('en-US').padStart(10)} ops/s`);
  }
  return medians;
}

const ours = new Fernet([key]);
const secret = new fernetPkg.Secret(key);
const formatter = new TokenFormatter({ ...options, fernet: () => ours });

// Sanity: each side really round-trips what it is timed on.
if (!ours.decrypt(ours.encrypt(binary)).equals(binary)) throw new Error('node:crypto Fernet round trip failed');
const pkgToken = new fernetPkg.Token({ secret }).encode(ascii);
if (new fernetPkg.Token({ secret, token: pkgToken, ttl: 0 }).decode() !== ascii) throw new Error('fernet package round trip failed');

console.log(`node ${process.version}, ${binary.length}-byte project-scoped payload, ${seconds}s per case, median of 5 rounds`);
const asciiBytes = Buffer.from(ascii);
const oursToken = ours.encrypt(asciiBytes);
const r = runAll({
  'node:crypto Fernet encrypt+decrypt (msgpack payload)': () => void ours.decrypt(ours.encrypt(binary)),
  'node:crypto Fernet encrypt+decrypt (same-length ASCII)': () => void ours.decrypt(ours.encrypt(Buffer.from(ascii))),
  'fernet npm package encrypt+decrypt (same-length ASCII)': () => {
    const token = new fernetPkg.Token({ secret }).encode(ascii);
    new fernetPkg.Token({ secret, token, ttl: 0 }).decode();
  },
  // Validation is the hot path (every API call of every service): decryption alone.
  'node:crypto Fernet decrypt only (same-length ASCII)': () => void ours.decrypt(oursToken),
  'fernet npm package decrypt only (same-length ASCII)': () => void new fernetPkg.Token({ secret, token: pkgToken, ttl: 0 }).decode(),
  'TokenFormatter create+validate (msgpack + Fernet)': () => void formatter.validate(formatter.create(payload)),
});
const ratio = (a: string, b: string) => (r[a]! / r[b]!).toFixed(1);
console.log(`ratio node:crypto / fernet package, encrypt+decrypt: ${ratio('node:crypto Fernet encrypt+decrypt (same-length ASCII)', 'fernet npm package encrypt+decrypt (same-length ASCII)')}x`);
console.log(`ratio node:crypto / fernet package, decrypt only:    ${ratio('node:crypto Fernet decrypt only (same-length ASCII)', 'fernet npm package decrypt only (same-length ASCII)')}x`);
