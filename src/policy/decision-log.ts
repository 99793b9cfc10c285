// Every decision, whichever engine made it, ends here: a debug log line (rule, allow, engine, duration) and
// the caller's observer, which is where Prometheus counters hook in. PolicyCounters is a ready-made observer.
import type { Logger } from '../logger.js';

export type EngineKind = 'embedded' | 'opa-http' | 'opa-wasm';

/**
 * allow; deny (the rule said no); scope (the token's scope is not one the rule allows, enforce_scope on);
 * unknown_rule (not a rule the engine knows: fail closed); unavailable (OPA could not be asked: fail closed).
 */
export type DecisionOutcome = 'allow' | 'deny' | 'scope' | 'unknown_rule' | 'unavailable';

export interface PolicyDecision {
  readonly rule: string;
  readonly allow: boolean;
  readonly outcome: DecisionOutcome;
  readonly engine: EngineKind;
  readonly durationMs: number;
  /** True when an OPA decision came from the decision cache. */
  readonly cached: boolean;
}

export type DecisionObserver = (decision: PolicyDecision) => void;

export type DecisionRecorder = (rule: string, outcome: DecisionOutcome, startedAt: number, cached?: boolean) => void;

/** Builds the per-engine recorder; `startedAt` is a performance.now() reading taken before deciding. */
export function decisionRecorder(logger: Logger, engine: EngineKind, observer?: DecisionObserver): DecisionRecorder {
  return (rule, outcome, startedAt, cached = false) => {
    const durationMs = performance.now() - startedAt;
    const allow = outcome === 'allow';
    if (logger.isLevelEnabled('debug')) {
      logger.debug({ rule, allow, outcome, engine, duration_us: Math.round(durationMs * 1000), cached }, 'policy decision');
    }
    observer?.({ rule, allow, outcome, engine, durationMs, cached });
  };
}

export interface OutcomeCounts {
  allow: number;
  deny: number;
  scope: number;
  unknown_rule: number;
  unavailable: number;
}

/** Decision counters per outcome and per rule (bounded by the number of rule names callers use). */
export class PolicyCounters {
  readonly total: OutcomeCounts = emptyCounts();
  readonly byRule = new Map<string, OutcomeCounts>();

  readonly observe: DecisionObserver = (decision) => {
    this.total[decision.outcome]++;
    let counts = this.byRule.get(decision.rule);
    if (!counts) this.byRule.set(decision.rule, (counts = emptyCounts()));
    counts[decision.outcome]++;
  };
}

function emptyCounts(): OutcomeCounts {
  return { allow: 0, deny: 0, scope: 0, unknown_rule: 0, unavailable: 0 };
}
