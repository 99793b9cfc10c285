// The default policy engine: oslo.policy's semantics evaluated in-process on compiled closures.
// evaluate() is oslo.policy's Enforcer.enforce (scope check, rule lookup with default-rule fallback);
// enforce() adds what py-keystone's RBACEnforcer does around it (only registered actions may be enforced,
// and a denial or an InvalidScope is a 403 naming the action).
import { readFileSync, statSync } from 'node:fs';
import type { Logger } from '../logger.js';
import { pyTruthy } from '../python/values.js';
import type { PolicyCredentials } from './credentials.js';
import { decisionRecorder, type DecisionObserver, type DecisionOutcome, type DecisionRecorder } from './decision-log.js';
import { PolicyDenied } from './denied.js';
import type { PolicyEngine } from './engine.js';
import { locatePolicyFile, parsePolicyFile, PolicyFileError } from './policy-file.js';
import { systemCredential } from './python-values.js';
import { CompiledRules, PolicyCycleError, references } from './rule-compiler.js';
import { formatRule, type RuleNode } from './rule-parser.js';
import { effectiveRules, parseDefaults, type ParsedDefault, type RuleDefault } from './rule-set.js';
import { flattenPolicyDict, type FlatTarget, type PolicyDict } from './target.js';

export interface EmbeddedEngineOptions {
  readonly defaults: readonly RuleDefault[];
  /** [oslo_policy] policy_file; relative names are searched like oslo.config's find_file. */
  readonly policyFile?: string;
  readonly configDirs?: readonly string[];
  readonly enforceScope: boolean;
  readonly enforceNewDefaults: boolean;
  /** [oslo_policy] policy_default_rule: what an undefined `rule:x` falls back to, when that rule exists. */
  readonly defaultRule?: string;
  readonly logger: Logger;
  readonly onDecision?: DecisionObserver;
  /** How often, at most, the policy file's mtime is checked during enforcement (default 1000 ms). */
  readonly reloadIntervalMs?: number;
}

interface FileState {
  readonly path: string;
  readonly stamp: string;
}

export class EmbeddedPolicyEngine implements PolicyEngine {
  readonly kind = 'embedded' as const;
  private readonly defaults: ReadonlyMap<string, ParsedDefault>;
  /** Names py-keystone accepts as enforcement actions: registered and not deprecated for removal. */
  private readonly actions: ReadonlySet<string>;
  private readonly record: DecisionRecorder;
  private readonly reloadIntervalMs: number;
  private compiled: CompiledRules;
  private file: FileState | undefined;
  private nextReloadCheck = 0;

  constructor(private readonly options: EmbeddedEngineOptions) {
    this.defaults = parseDefaults(options.defaults);
    this.actions = new Set(options.defaults.filter((d) => !d.deprecatedForRemoval).map((d) => d.name));
    this.record = decisionRecorder(options.logger, 'embedded', options.onDecision);
    this.reloadIntervalMs = options.reloadIntervalMs ?? 1000;
    // At start-up a broken policy file is fatal: running on defaults would silently drop the operator's rules.
    const path = this.locate();
    const loaded = path ? this.load(path) : undefined;
    this.compiled = loaded?.compiled ?? this.compile(new Map());
    this.file = path && loaded ? { path, stamp: loaded.stamp } : undefined;
    this.nextReloadCheck = performance.now() + this.reloadIntervalMs;
  }

  /** py-keystone's enforce_call: 403 unless the action's rule allows these credentials on this target. */
  async enforce(rule: string, credentials: PolicyCredentials, target: PolicyDict, _existing?: PolicyDict | null): Promise<void> {
    const startedAt = performance.now();
    if (startedAt >= this.nextReloadCheck) this.reloadIfChanged();
    const outcome = this.actions.has(rule) ? this.evaluate(rule, credentials, flattenPolicyDict(target)) : 'unknown_rule';
    this.record(rule, outcome, startedAt);
    if (outcome === 'allow') return;
    if (outcome === 'unknown_rule') {
      this.options.logger.warn({ rule }, 'policy: enforcement asked for a rule that is not a registered action; denied');
      throw PolicyDenied.unknownAction(rule);
    }
    throw PolicyDenied.of(rule);
  }

  /**
   * oslo.policy's Enforcer.enforce for any rule name (base rules like admin_required included), on an already
   * flattened target. Synchronous: this is the hot path and what the parity tests compare.
   */
  evaluate(rule: string, credentials: PolicyCredentials, target: FlatTarget): DecisionOutcome {
    const registered = this.defaults.get(rule)?.spec;
    if (registered && registered.scopeTypes.length > 0 && this.options.enforceScope) {
      if (!registered.scopeTypes.includes(tokenScope(credentials))) return 'scope';
    }
    const check = this.compiled.get(rule);
    if (!check) return 'unknown_rule';
    return check(credentials, target) ? 'allow' : 'deny';
  }

  /**
   * Re-reads the policy file when its mtime, size or inode changed (or it appeared or vanished). A file that no
   * longer parses is logged and ignored: the rules in force stay as they were. Returns true when rules changed.
   */
  reloadIfChanged(): boolean {
    this.nextReloadCheck = performance.now() + this.reloadIntervalMs;
    const path = this.file?.path ?? this.locate();
    const stamp = path ? fileStamp(path) : undefined;
    if (stamp === this.file?.stamp && path === this.file?.path) return false;
    if (!path || stamp === undefined) {
      // oslo.policy treats a vanished policy file as an empty one: the defaults apply again.
      this.options.logger.info({ path: this.file?.path }, 'policy: policy file removed; using the default rules');
      this.compiled = this.compile(new Map());
      this.file = undefined;
      return true;
    }
    try {
      const loaded = this.load(path);
      this.compiled = loaded.compiled;
      this.file = { path, stamp: loaded.stamp };
      this.options.logger.info({ path, rules: loaded.size }, 'policy: policy file reloaded');
      return true;
    } catch (err) {
      if (!(err instanceof PolicyFileError)) throw err;
      this.file = { path, stamp };
      this.options.logger.error({ path, err: err.message }, 'policy: policy file rejected; keeping the rules in force');
      return false;
    }
  }

  async close(): Promise<void> {}

  private locate(): string | undefined {
    const configured = this.options.policyFile;
    return configured ? locatePolicyFile(configured, this.options.configDirs ?? []) : undefined;
  }

  private load(path: string): { stamp: string; size: number; compiled: CompiledRules } {
    const stamp = fileStamp(path) ?? '';
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new PolicyFileError(`${path}: cannot read the policy file: ${(err as Error).message}`);
    }
    const parsed = parsePolicyFile(text, path);
    if (this.options.logger.isLevelEnabled('debug')) {
      const overrides = Object.fromEntries([...parsed.rules].map(([name, node]) => [name, formatRule(node)]));
      this.options.logger.debug({ path, overrides }, 'policy: policy file rules as parsed');
    }
    if (parsed.emptyRules.length > 0) {
      this.options.logger.warn(
        { path, rules: parsed.emptyRules },
        'policy: rules without a check string allow everyone (as in oslo.policy)',
      );
    }
    // A cycle makes the file rejected, not a stack overflow at the first request.
    try {
      return { stamp, size: parsed.rules.size, compiled: this.compile(parsed.rules) };
    } catch (err) {
      if (err instanceof PolicyCycleError) throw new PolicyFileError(`${path}: ${err.message}`);
      throw err;
    }
  }

  private compile(fileRules: ReadonlyMap<string, RuleNode>): CompiledRules {
    const rules = effectiveRules(this.defaults, fileRules, this.options.enforceNewDefaults);
    const undefinedRefs = [...rules].filter(([, node]) => references(node).some((ref) => !rules.has(ref)));
    if (undefinedRefs.length > 0) {
      this.options.logger.warn(
        { rules: undefinedRefs.map(([name]) => name) },
        'policy: rules reference an undefined rule (the reference falls back to the default rule, or denies)',
      );
    }
    return new CompiledRules(rules, this.options.defaultRule);
  }
}

function fileStamp(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** oslo.policy's token scope for scope_types: system if creds['system'], else domain if domain_id, else project. */
function tokenScope(creds: PolicyCredentials): 'system' | 'domain' | 'project' {
  if (pyTruthy(systemCredential(creds))) return 'system';
  if (pyTruthy(creds.domain_id)) return 'domain';
  return 'project';
}

