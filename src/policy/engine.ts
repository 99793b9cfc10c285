// The policy engine a service asks before it acts: enforce(rule, credentials, target) resolves when the rule
// allows, and rejects with a Keystone error otherwise (403 PolicyDenied naming the rule; 503 when an OPA
// engine cannot be asked). Which engine answers is configuration:
//   [opa] url          -> an OPA sidecar over HTTP
//   [opa] wasm_bundle  -> an OPA policy compiled to WebAssembly, in-process
//   neither            -> the embedded oslo.policy-compatible engine with py-keystone's Zed defaults
import type { KeystoneConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { PolicyCredentials } from './credentials.js';
import type { DecisionObserver, EngineKind } from './decision-log.js';
import { keystoneDefaults } from './defaults.js';
import { EmbeddedPolicyEngine } from './embedded.js';
import { OpaHttpPolicyEngine } from './opa-http.js';
import { OpaWasmPolicyEngine } from './opa-wasm.js';
import type { RuleDefault } from './rule-set.js';
import type { PolicyDict } from './target.js';

export interface PolicyEngine {
  readonly kind: EngineKind;
  /**
   * @param rule      the Keystone action, e.g. 'identity:get_user'
   * @param target    the policy dict as py-keystone builds it (nested: view args, `target`, `request_body`,
   *                  `filter_attr`; see buildPolicyDict), or already flattened
   * @param existing  the stored object before an update, for OPA policies written to keystone-ng's contract
   */
  enforce(rule: string, credentials: PolicyCredentials, target: PolicyDict, existing?: PolicyDict | null): Promise<void>;
  close(): Promise<void>;
}

export interface PolicyEngineOptions {
  /** Called for every decision (counters, metrics); see PolicyCounters. */
  readonly onDecision?: DecisionObserver;
  /** Directories of the keystone.conf files, searched first for a relative [oslo_policy] policy_file. */
  readonly configDirs?: readonly string[];
  /** Rules keystone-ts registers beyond py-keystone's (v4 APIs), as oslo's register_defaults would. */
  readonly extraDefaults?: readonly RuleDefault[];
  /** Embedded engine: how often, at most, the policy file is checked for changes (default 1000 ms). */
  readonly reloadIntervalMs?: number;
}

export async function createPolicyEngine(
  config: Pick<KeystoneConfig, 'oslo_policy' | 'opa'>,
  logger: Logger,
  options: PolicyEngineOptions = {},
): Promise<PolicyEngine> {
  const { opa, oslo_policy: oslo } = config;
  if (opa.url && opa.wasm_bundle) {
    throw new Error('[opa] url and [opa] wasm_bundle are both set: choose the OPA sidecar or the WASM bundle');
  }
  const cache = { cacheSeconds: opa.decision_cache_seconds, onDecision: options.onDecision, logger };
  if (opa.url) {
    logger.info({ url: opa.url, timeout_ms: opa.timeout_ms }, 'policy: decisions by the OPA sidecar');
    return new OpaHttpPolicyEngine({ ...cache, url: opa.url, timeoutMs: opa.timeout_ms });
  }
  if (opa.wasm_bundle) return OpaWasmPolicyEngine.load({ ...cache, bundle: opa.wasm_bundle });
  const engine = new EmbeddedPolicyEngine({
    defaults: [...keystoneDefaults(), ...(options.extraDefaults ?? [])],
    policyFile: oslo.policy_file,
    configDirs: options.configDirs,
    enforceScope: oslo.enforce_scope,
    enforceNewDefaults: oslo.enforce_new_defaults,
    defaultRule: oslo.policy_default_rule,
    logger,
    onDecision: options.onDecision,
    reloadIntervalMs: options.reloadIntervalMs,
  });
  logger.info(
    { enforce_scope: oslo.enforce_scope, enforce_new_defaults: oslo.enforce_new_defaults },
    'policy: decisions by the embedded engine',
  );
  return engine;
}

export { buildPolicyCredentials, type PolicyCredentials } from './credentials.js';
export { PolicyCounters, type DecisionObserver, type PolicyDecision } from './decision-log.js';
export { PolicyDenied } from './denied.js';
export { buildPolicyDict, flattenPolicyDict, type FlatTarget, type PolicyDict, type PolicyDictParts } from './target.js';
