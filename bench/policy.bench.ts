// Embedded policy engine throughput: decisions per second and microseconds per decision for typical rules,
// with py-keystone's Zed defaults. `evaluate` is the synchronous decision on an already flattened policy
// dict; `enforce` is what a service calls (flattening, decision log and observer, promise included).
// Run: npx tsx bench/policy.bench.ts
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/logger.js';
import { buildPolicyCredentials, type PolicyCredentials } from '../src/policy/credentials.js';
import { PolicyCounters } from '../src/policy/decision-log.js';
import { keystoneDefaults } from '../src/policy/defaults.js';
import { EmbeddedPolicyEngine } from '../src/policy/embedded.js';
import { flattenPolicyDict, type PolicyDict } from '../src/policy/target.js';
import { IDS, PERSONAS } from '../test/policy/helpers/matrix.js';

const config = configSchema.parse({});
const creds = (persona: string): PolicyCredentials =>
  buildPolicyCredentials(PERSONAS.find(([name]) => name === persona)![1], config);

const user = { user_id: IDS.user, target: { user: { id: IDS.user, domain_id: IDS.domain, name: 'alice', enabled: true } } };
const project = { project_id: IDS.project, target: { project: { id: IDS.project, domain_id: IDS.domain } } };

const CASES: Array<[string, string, PolicyCredentials, PolicyDict]> = [
  ['identity:get_user', 'system reader', creds('system reader'), user],
  ['identity:get_user', 'domain reader (own domain)', creds('domain reader'), user],
  ['identity:get_user', 'project member (denied)', creds('project member'), { ...user, user_id: IDS.otherUser, target: { user: { id: IDS.otherUser, domain_id: IDS.otherDomain } } }],
  ['identity:list_projects', 'domain admin', creds('domain admin'), { target: { domain_id: IDS.domain } }],
  ['identity:list_projects', 'project reader (denied)', creds('project reader'), { target: { domain_id: IDS.domain } }],
  ['identity:get_project', 'project member', creds('project member'), project],
  ['identity:create_user', 'system admin', creds('system admin'), { target: { user: { domain_id: IDS.domain } } }],
  ['identity:validate_token', 'project member', creds('project member'), { target: { token: { user_id: IDS.user } } }],
];

const quietLogger = createLogger({ level: 'info' });
const counters = new PolicyCounters();
const engine = new EmbeddedPolicyEngine({
  defaults: keystoneDefaults(),
  enforceScope: false,
  enforceNewDefaults: false,
  defaultRule: 'default',
  logger: quietLogger,
  onDecision: counters.observe,
});
const scoped = new EmbeddedPolicyEngine({
  defaults: keystoneDefaults(),
  enforceScope: true,
  enforceNewDefaults: true,
  logger: quietLogger,
});

function timeSync(fn: () => unknown, iterations: number): number {
  for (let i = 0; i < iterations / 10; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

async function timeAsync(fn: () => Promise<unknown>, iterations: number): Promise<number> {
  for (let i = 0; i < iterations / 10; i++) await fn().catch(() => undefined);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn().catch(() => undefined);
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

const fmt = (us: number) => `${us.toFixed(2).padStart(6)} µs  ${Math.round(1e6 / us).toLocaleString('en').padStart(11)}/s`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const n = Number(process.env.POLICY_BENCH_ITERATIONS ?? 100_000);
  const rounds = Number(process.env.POLICY_BENCH_ROUNDS ?? 5);
  console.log(
    `embedded policy engine, Zed defaults; ${rounds} interleaved rounds of ${n.toLocaleString('en')} decisions per case, ` +
      `median shown (node ${process.version})`,
  );
  const timings = CASES.map(() => ({ sync: [] as number[], full: [] as number[], strict: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, [rule, , credentials, dict]] of CASES.entries()) {
      const flat = flattenPolicyDict(dict);
      timings[i]!.sync.push(timeSync(() => engine.evaluate(rule, credentials, flat), n));
      timings[i]!.full.push(await timeAsync(() => engine.enforce(rule, credentials, dict), n));
      timings[i]!.strict.push(timeSync(() => scoped.evaluate(rule, credentials, flat), n));
    }
  }
  console.log('rule                       asker                          outcome  evaluate (sync)           enforce (async)           evaluate, scope+new defaults');
  for (const [i, [rule, who, credentials, dict]] of CASES.entries()) {
    const outcome = engine.evaluate(rule, credentials, flattenPolicyDict(dict));
    const t = timings[i]!;
    console.log(`${rule.padEnd(26)} ${who.padEnd(30)} ${outcome.padEnd(8)} ${fmt(median(t.sync))}   ${fmt(median(t.full))}   ${fmt(median(t.strict))}`);
  }
  console.log(`decisions seen by the observer: ${(counters.total.allow + counters.total.deny).toLocaleString('en')}`);
}

await main();
