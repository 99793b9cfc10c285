// Same inputs as py-keystone -> same decisions: every one of the 202 Zed rules, for every persona and a set
// of policy dicts, decided by real oslo.policy (with keystone's registered defaults) and by the embedded
// engine, with [oslo_policy] enforce_scope / enforce_new_defaults off and on.
import t from 'tap';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/logger.js';
import { buildPolicyCredentials } from '../../src/policy/credentials.js';
import { keystoneDefaults } from '../../src/policy/defaults.js';
import { EmbeddedPolicyEngine } from '../../src/policy/embedded.js';
import { flattenPolicyDict } from '../../src/policy/target.js';
import { PERSONAS, substitutedKeys, targetsFor } from './helpers/matrix.js';
import { osloDecisions } from './helpers/oslo-oracle.js';

const defaults = keystoneDefaults();
const rules = defaults.map((d) => d.name);
const config = configSchema.parse({});
const credentials = PERSONAS.map(([, ctx]) => buildPolicyCredentials(ctx, config));
const checkStrings = defaults.flatMap((d) => [d.checkStr, d.deprecatedRule?.checkStr ?? '']);
const targets = targetsFor(substitutedKeys(checkStrings), 12);
const flatTargets = targets.map(flattenPolicyDict);

const CONFIGS = [
  { enforceScope: false, enforceNewDefaults: false },
  { enforceScope: true, enforceNewDefaults: false },
  { enforceScope: false, enforceNewDefaults: true },
  { enforceScope: true, enforceNewDefaults: true },
] as const;

const SYMBOL = { allow: '1', deny: '0', scope: 'S', unknown_rule: '0', unavailable: 'E' } as const;

// One python run for all four configurations.
const oracle = osloDecisions({ configs: CONFIGS, rules, credentials, targets });

t.test('the shipped defaults are Zed\'s 202 rules: 8 base rules and 194 identity:* rules', async (t) => {
  t.equal(rules.length, 202);
  t.equal(rules.filter((r) => r.startsWith('identity:')).length, 194);
});

CONFIGS.forEach((cfg, index) => {
  const name = `enforce_scope=${cfg.enforceScope} enforce_new_defaults=${cfg.enforceNewDefaults}`;
  t.test(`every rule decides as oslo.policy does with ${name}`, async (t) => {
    const expected = (await oracle)[index]!;
    const engine = new EmbeddedPolicyEngine({ defaults, ...cfg, logger: createLogger({ level: 'silent' }) });
    const mismatches: string[] = [];
    let cases = 0;
    let allowed = 0;
    let rulesWithBothAnswers = 0;
    t.same(rules.filter((_, r) => expected[r]!.includes('E')), [], 'oslo.policy raised for no rule');
    rules.forEach((rule, r) => {
      const row = expected[r]!;
      let ours = '';
      credentials.forEach((creds, c) =>
        flatTargets.forEach((target, x) => {
          const symbol = SYMBOL[engine.evaluate(rule, creds, target)];
          ours += symbol;
          const want = row[c * flatTargets.length + x];
          if (symbol !== want && mismatches.length < 20) {
            mismatches.push(`${rule} for ${PERSONAS[c]![0]} on ${JSON.stringify(targets[x])}: oslo ${want}, ours ${symbol}`);
          }
        }),
      );
      cases += ours.length;
      allowed += [...ours].filter((s) => s === '1').length;
      if (ours.includes('1') && /[0S]/.test(ours)) rulesWithBothAnswers++;
      if (ours !== row && mismatches.length === 0) mismatches.push(`${rule}: rows differ`);
    });
    t.same(mismatches, [], 'no decision differs from oslo.policy');
    t.comment(`${name}: ${cases} cases compared, ${allowed} allowed, ${rulesWithBothAnswers} rules both allow and deny`);
    // The matrix must exercise the rules, not just deny everything.
    t.ok(rulesWithBothAnswers > 150, `${rulesWithBothAnswers} rules see both answers`);
  });
});
