// The operator's policy file ([oslo_policy] policy_file): rules it names replace the defaults (tightening or
// loosening), it is re-read when it changes, and a malformed file is refused with the rule and its position
// while the rules already in force stay.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { configSchema } from '../../src/config/schema.js';
import { buildPolicyCredentials, type PolicyCredentials } from '../../src/policy/credentials.js';
import { keystoneDefaults } from '../../src/policy/defaults.js';
import { EmbeddedPolicyEngine, type EmbeddedEngineOptions } from '../../src/policy/embedded.js';
import { PolicyFileError } from '../../src/policy/policy-file.js';
import { flattenPolicyDict } from '../../src/policy/target.js';
import { captureLog } from './helpers/log-capture.js';
import { IDS, PERSONAS, targetsFor } from './helpers/matrix.js';
import { osloDecisions } from './helpers/oslo-oracle.js';

const config = configSchema.parse({});
const creds = (persona: string): PolicyCredentials =>
  buildPolicyCredentials(PERSONAS.find(([name]) => name === persona)![1], config);
const ownUser = flattenPolicyDict({ user_id: IDS.otherUser, target: { user: { id: IDS.otherUser, domain_id: IDS.domain } } });

function scratch(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kts-policy-file-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function engine(extra: Partial<EmbeddedEngineOptions> = {}): EmbeddedPolicyEngine {
  return new EmbeddedPolicyEngine({
    defaults: keystoneDefaults(),
    enforceScope: false,
    enforceNewDefaults: false,
    defaultRule: 'default',
    logger: captureLog('silent').logger,
    ...extra,
  });
}

/** Rewrites a file and moves its mtime forward, so a change is seen even within one clock tick. */
function rewrite(file: string, text: string, secondsAhead: number): void {
  writeFileSync(file, text);
  const when = new Date(Date.now() + secondsAhead * 1000);
  utimesSync(file, when, when);
}

t.test('an override tightens a rule: a domain reader may no longer read users', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  t.equal(engine().evaluate('identity:get_user', creds('domain reader'), ownUser), 'allow', 'allowed by default');
  writeFileSync(file, '"identity:get_user": "role:admin and system_scope:all"\n');
  t.equal(engine({ policyFile: file }).evaluate('identity:get_user', creds('domain reader'), ownUser), 'deny');
});

t.test('an override loosens a rule: any member may list users', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  t.equal(engine().evaluate('identity:list_users', creds('project member'), {}), 'deny', 'denied by default');
  writeFileSync(file, 'identity:list_users: "role:member"\n');
  t.equal(engine({ policyFile: file }).evaluate('identity:list_users', creds('project member'), {}), 'allow');
});

t.test('overriding a rule drops the deprecated check it was OR-ed with', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  const rule = keystoneDefaults().find((d) => d.name === 'identity:get_project')!;
  t.equal(engine().evaluate(rule.name, creds('domain admin'), {}), 'allow', 'the deprecated rule:admin_required allows');
  writeFileSync(file, `${JSON.stringify(rule.name)}: ${JSON.stringify(rule.checkStr)}\n`);
  t.equal(engine({ policyFile: file }).evaluate(rule.name, creds('domain admin'), {}), 'deny');
});

t.test('overriding a base rule changes every rule that refers to it', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  writeFileSync(file, 'admin_required: "role:superuser"\n');
  const e = engine({ policyFile: file, enforceNewDefaults: true });
  t.equal(e.evaluate('identity:create_user', creds('system admin'), {}), 'deny');
  t.equal(e.evaluate('identity:create_user', { ...creds('system admin'), roles: ['superuser'] }, {}), 'allow');
});

t.test('a renamed rule keeps the operator override written for its old name', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  const defaults = [{ name: 'svc:new_name', checkStr: 'role:reader', scopeTypes: [], deprecatedRule: { name: 'svc:old_name', checkStr: 'role:member' } }];
  writeFileSync(file, '"svc:old_name": "role:auditor"\n');
  const e = engine({ defaults, policyFile: file });
  t.equal(e.evaluate('svc:new_name', { ...creds('project reader'), roles: ['auditor'] }, {}), 'allow');
  t.equal(e.evaluate('svc:new_name', creds('project reader'), {}), 'deny', 'the new default no longer applies');
  writeFileSync(file, '"svc:old_name": "rule:svc:new_name"\n');
  t.equal(engine({ defaults, policyFile: file }).evaluate('svc:new_name', creds('project reader'), {}), 'allow',
    'an old name pointing at the new one is the sample generator\'s alias, not an override');
});

t.test('overrides decide as in oslo.policy with the same file', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  writeFileSync(
    file,
    [
      'admin_required: "role:admin and system_scope:all"',
      '"identity:get_user": "role:admin or user_id:%(target.user.id)s"',
      '"identity:list_projects": "@"',
      '"identity:delete_project": "!"',
      '"identity:get_project": "(role:reader and system_scope:all) or project_id:%(target.project.id)s"',
      '"identity:create_credential": [["role:member", "user_id:%(target.credential.user_id)s"], ["rule:admin_required"]]',
      '"identity:get_domain":',
      '',
    ].join('\n'),
  );
  const rules = keystoneDefaults().map((d) => d.name);
  const personas = PERSONAS.map(([, ctx]) => buildPolicyCredentials(ctx, config));
  const keys = ['target.user.id', 'target.project.id', 'target.project.domain_id', 'target.credential.user_id', 'user_id'];
  const targets = targetsFor(keys, 4);
  const configs = [
    { enforceScope: false, enforceNewDefaults: false, policyFile: file },
    { enforceScope: true, enforceNewDefaults: true, policyFile: file },
  ];
  const expected = await osloDecisions({ configs, rules, credentials: personas, targets });
  const symbols = { allow: '1', deny: '0', scope: 'S', unknown_rule: '0', unavailable: 'E' };
  configs.forEach((cfg, i) => {
    const e = engine({ policyFile: file, enforceScope: cfg.enforceScope, enforceNewDefaults: cfg.enforceNewDefaults });
    const ours = rules.map((rule) =>
      personas.flatMap((c) => targets.map((x) => symbols[e.evaluate(rule, c, flattenPolicyDict(x))])).join(''),
    );
    const differing = rules.filter((_, r) => ours[r] !== expected[i]![r]);
    t.same(differing, [], `no rule decides differently (enforce_scope=${cfg.enforceScope})`);
  });
});

t.test('the policy file is re-read when it changes', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  writeFileSync(file, '"identity:list_users": "@"\n');
  const e = engine({ policyFile: file, reloadIntervalMs: 0 });
  const asker = creds('project member');
  t.equal(e.evaluate('identity:list_users', asker, {}), 'allow');
  rewrite(file, '"identity:list_users": "!"\n', 5);
  await t.rejects(e.enforce('identity:list_users', asker, {}), { code: 403 }, 'enforce() noticed the change');
});

t.test('changes are looked for at most once per reload interval', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  writeFileSync(file, '"identity:list_users": "@"\n');
  const e = engine({ policyFile: file, reloadIntervalMs: 60_000 });
  rewrite(file, '"identity:list_users": "!"\n', 5);
  await t.resolves(e.enforce('identity:list_users', creds('project member'), {}), 'within the interval the old rules hold');
  t.equal(e.reloadIfChanged(), true, 'an explicit check sees the change');
});

t.test('a malformed file at start-up is refused, naming the rule and its position', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  writeFileSync(file, '# tightened\n"identity:get_user": "role:admin"\n"identity:list_users": "role:admin or (role:reader"\n');
  t.throws(() => engine({ policyFile: file }), {
    name: 'PolicyFileError',
    message: /policy\.yaml:3:\d+: rule "identity:list_users": '\(' is never closed \(column 15 of/,
  });
});

t.test('a file that is not YAML or JSON is refused with its line', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  writeFileSync(file, '"identity:get_user": "role:admin"\n"identity:list_users": [unclosed\n');
  t.throws(() => engine({ policyFile: file }), { message: /policy\.yaml:\d+:\d+: not valid YAML or JSON/ });
  writeFileSync(file, '- "identity:get_user"\n');
  t.throws(() => engine({ policyFile: file }), { message: /must map rule names to check strings/ });
  writeFileSync(file, '"identity:get_user": 42\n');
  t.throws(() => engine({ policyFile: file }), { message: /rule "identity:get_user": expected a check string, found 42/ });
});

t.test('a malformed change is logged and the rules in force stay', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  writeFileSync(file, '"identity:list_users": "@"\n');
  const log = captureLog('info');
  const e = engine({ policyFile: file, logger: log.logger, reloadIntervalMs: 0 });
  rewrite(file, '"identity:list_users": "role:admin)"\n', 5);
  t.equal(e.reloadIfChanged(), false);
  t.equal(e.evaluate('identity:list_users', creds('project member'), {}), 'allow', 'still the previous override');
  const [line] = log.find('policy file rejected');
  t.match(line, { level: 50, err: /rule "identity:list_users": unbalanced '\)'/ });
  t.equal(e.reloadIfChanged(), false, 'the same broken file is not re-parsed and re-logged');
  t.equal(log.find('policy file rejected').length, 1);
});

t.test('removing the file brings the defaults back, as in oslo.policy', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  writeFileSync(file, '"identity:list_users": "@"\n');
  const e = engine({ policyFile: file, reloadIntervalMs: 0 });
  rmSync(file);
  t.equal(e.reloadIfChanged(), true);
  t.equal(e.evaluate('identity:list_users', creds('project member'), {}), 'deny');
});

t.test('a relative policy_file is found in the configuration directories; policy.json is the fallback', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'policy.json'), '{"identity:list_users": "@"}');
  const e = engine({ policyFile: 'policy.yaml', configDirs: [dir] });
  t.equal(e.evaluate('identity:list_users', creds('project member'), {}), 'allow');
  writeFileSync(join(dir, 'custom.yaml'), '"identity:list_users": "!"\n');
  t.equal(engine({ policyFile: 'custom.yaml', configDirs: [dir] }).evaluate('identity:list_users', creds('system admin'), {}), 'deny');
});

t.test('a rule with no check string allows everyone, as in oslo.policy, and is warned about', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  writeFileSync(file, '"identity:delete_user":\n');
  const log = captureLog('warn');
  const e = engine({ policyFile: file, logger: log.logger });
  t.equal(e.evaluate('identity:delete_user', creds('unscoped'), {}), 'allow');
  t.match(log.find('allow everyone')[0], { rules: ['identity:delete_user'] });
});

t.test('rules that form a cycle make the file rejected', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  writeFileSync(file, 'admin_required: "rule:service_or_admin"\n');
  t.throws(() => engine({ policyFile: file }), {
    name: 'PolicyFileError',
    message: /cycle: admin_required -> service_or_admin -> admin_required/,
  });
});

t.test('PolicyFileError is what a bad file raises, for callers that report it', async (t) => {
  const file = join(scratch(t), 'policy.yaml');
  writeFileSync(file, '"identity:get_user": "http://example.com/allow"\n');
  t.throws(() => engine({ policyFile: file }), PolicyFileError);
});
