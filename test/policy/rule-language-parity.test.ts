// The rule language beyond what the defaults use, against real oslo.policy: a corpus of operator-style rules
// in a policy file (YAML, with a legacy list rule and an empty rule), decided by oslo.policy and by the
// embedded engine for every persona over policy dicts holding strings, booleans, None, numbers and lists.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/logger.js';
import { buildPolicyCredentials } from '../../src/policy/credentials.js';
import { keystoneDefaults } from '../../src/policy/defaults.js';
import { EmbeddedPolicyEngine } from '../../src/policy/embedded.js';
import { flattenPolicyDict } from '../../src/policy/target.js';
import { IDS, PERSONAS, targetsFor } from './helpers/matrix.js';
import { osloDecisions } from './helpers/oslo-oracle.js';

const CORPUS: Record<string, string> = {
  'x:role': 'role:admin',
  'x:role_case': 'role:ADMIN or role:Reader',
  'x:role_from_target': 'role:%(target.role.name)s',
  'x:rule_ref': 'rule:admin_required',
  'x:rule_undefined': 'rule:no_such_rule',
  'x:rule_chain': 'rule:x:role or rule:x:owner',
  'x:owner': 'user_id:%(target.user.id)s',
  'x:allow': '@',
  'x:deny': '!',
  'x:empty': '',
  'x:not': 'not role:admin',
  'x:not_not': 'not not role:reader',
  'x:precedence_1': 'role:admin or role:reader and system_scope:all',
  'x:precedence_2': 'role:admin and role:reader or role:member',
  'x:precedence_3': 'not role:admin and role:reader or not role:member and role:service',
  'x:parens': '(role:admin or role:reader) and (system_scope:all or domain_id:%(target.domain.id)s)',
  'x:nested_parens': '((role:reader) and ((user_id:%(target.user.id)s)))',
  'x:operators_case': 'role:admin OR role:reader AND NOT role:member',
  'x:not_group': 'not (role:admin or role:member)',
  'x:literal_quoted': "'admin':%(target.role.name)s",
  'x:literal_double_quoted': '"reader":%(target.role.name)s',
  'x:literal_true': 'True:%(target.user.enabled)s',
  'x:literal_false': 'False:%(target.user.enabled)s',
  'x:literal_none': 'None:%(target.project.parent_id)s',
  'x:literal_int': '16:%(target.count)s',
  'x:literal_hex': '0x10:%(target.count)s',
  'x:literal_float': '1.5:%(target.ratio)s',
  'x:literal_negative': '-3:%(target.count)s',
  'x:cred_bool': 'is_admin_project:True',
  'x:cred_none': 'system_scope:None',
  'x:cred_missing': 'is_admin:1',
  'x:system_derived': 'system:all',
  'x:token_path': 'token.user.domain.id:%(target.user.domain_id)s',
  'x:token_project_path': 'token.project.domain.id:%(target.project.domain_id)s',
  'x:token_domain_path': 'token.domain.id:%(target.domain_id)s',
  'x:list_fanout': 'roles:reader',
  'x:list_of_dicts': 'token.roles.name:member',
  'x:token_methods': 'token.methods:password',
  'x:multi_subst': 'user_id:%(target.prefix)s%(target.suffix)s',
  'x:percent': 'user_id:%(target.user.id)s%%',
  'x:repr': 'user_id:%(target.user.id)r',
  'x:str_of_list': `"['x']":%(target.tags)s`,
  'x:str_of_bool_target': 'user_id:%(target.user.enabled)s',
  'x:unknown_kind': 'flavor:%(target.flavor)s',
  'x:glued_kind': 'domain_id:%(target.domain_id)s',
};

const config = configSchema.parse({});
const credentials = PERSONAS.map(([, ctx]) => buildPolicyCredentials(ctx, config));
const keys = [
  'target.role.name', 'target.user.id', 'target.domain.id', 'target.domain_id', 'target.user.domain_id',
  'target.project.domain_id',
];
const targets = [
  ...targetsFor(keys, 8),
  { target: { role: { name: 'Admin' }, user: { enabled: true, id: IDS.user }, project: { parent_id: null }, count: 16, ratio: 1.5 } },
  { target: { role: { name: 'reader' }, user: { enabled: false, id: IDS.otherUser }, project: { parent_id: 'p' }, count: -3, ratio: 2 } },
  { target: { role: { name: 'admin' }, tags: ['x'], prefix: 'u-11', suffix: '11', count: '16', flavor: 'm1' } },
  { target: { user: { id: `${IDS.user}` }, count: 16.0, tags: [] } },
];

function policyYaml(): string {
  const lines = Object.entries(CORPUS).map(([name, check]) => `${JSON.stringify(name)}: ${JSON.stringify(check)}`);
  lines.push('"x:list_rule": [["role:admin"], ["role:reader", "system_scope:all"]]');
  lines.push('"x:null_rule":');
  return `# policy overrides written for the parity test\n${lines.join('\n')}\n`;
}

t.test('custom rules in a policy file decide as in oslo.policy, for every persona and target', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-policy-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, policyYaml());
  const rules = [...Object.keys(CORPUS), 'x:list_rule', 'x:null_rule'];
  const configs = [{ enforceScope: false, enforceNewDefaults: false, policyFile: file }];
  const [expected] = await osloDecisions({ configs, rules, credentials, targets });

  const engine = new EmbeddedPolicyEngine({
    defaults: keystoneDefaults(),
    policyFile: file,
    enforceScope: false,
    enforceNewDefaults: false,
    defaultRule: 'default',
    logger: createLogger({ level: 'silent' }),
  });
  const flat = targets.map(flattenPolicyDict);
  const mismatches: string[] = [];
  const symbols = { allow: '1', deny: '0', scope: 'S', unknown_rule: '0', unavailable: 'E' };
  rules.forEach((rule, r) => {
    const row = expected![r]!;
    credentials.forEach((creds, c) =>
      flat.forEach((target, x) => {
        const ours = symbols[engine.evaluate(rule, creds, target)];
        const want = row[c * flat.length + x];
        if (ours !== want) mismatches.push(`${rule} (${CORPUS[rule]}) for ${PERSONAS[c]![0]} on ${JSON.stringify(targets[x])}: oslo ${want}, ours ${ours}`);
      }),
    );
  });
  t.same(mismatches.slice(0, 10), [], 'no decision differs from oslo.policy');
  const cases = rules.length * credentials.length * flat.length;
  const varied = rules.filter((_, r) => /1/.test(expected![r]!) && /0/.test(expected![r]!)).length;
  t.comment(`${cases} cases compared over ${rules.length} rules; ${varied} rules both allow and deny`);
  t.ok(varied >= 35, 'the corpus is exercised, not answered by one constant');
});
