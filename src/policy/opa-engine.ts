// What the two OPA engines (HTTP sidecar, in-process WASM) share: rule -> decision path, the input document,
// an optional TTL cache of decisions, reading {allow, violation[]} and failing closed. Only how a decision
// document is fetched differs, so each engine supplies `query`.
//  - allow: true                -> allowed
//  - allow: false / violations  -> 403 naming the rule and the violations
//  - no decision at that path   -> 403 (the bundle has no policy for the rule) and a warning
//  - OPA unreachable/slow/error -> 503: keystone-ts never guesses when it cannot ask
import { ServiceUnavailable } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PolicyCredentials } from './credentials.js';
import type { PolicyEngine } from './engine.js';
import { decisionRecorder, type DecisionObserver, type DecisionRecorder, type EngineKind } from './decision-log.js';
import { PolicyDenied, type PolicyViolation } from './denied.js';
import { opaInput } from './opa-input.js';
import { opaDecisionPath } from './opa-paths.js';
import type { PolicyDict } from './target.js';

export interface OpaDecision {
  readonly allow: boolean;
  readonly violations: readonly PolicyViolation[];
}

/** OPA could not give an answer (down, slow, HTTP error, not a decision document). */
export class OpaUnavailable extends Error {
  override readonly name = 'OpaUnavailable';
}

export interface OpaEngineOptions {
  readonly logger: Logger;
  readonly onDecision?: DecisionObserver;
  /** [opa] decision_cache_seconds; 0 disables the cache. */
  readonly cacheSeconds?: number;
  readonly cacheEntries?: number;
}

// Rule names that already are decision paths (keystone-ts's own v4 rules) are used as they are.
const PATH_NAME = /^[a-z0-9_]+(?:\/[a-z0-9_]+)+$/;

export abstract class OpaEngine implements PolicyEngine {
  abstract readonly kind: EngineKind;
  private readonly record: DecisionRecorder;
  private readonly cache: DecisionCache | undefined;

  constructor(protected readonly options: OpaEngineOptions, kind: EngineKind) {
    this.record = decisionRecorder(options.logger, kind, options.onDecision);
    const ttl = (options.cacheSeconds ?? 0) * 1000;
    this.cache = ttl > 0 ? new DecisionCache(ttl, options.cacheEntries ?? 10_000) : undefined;
  }

  /**
   * The decision document at `path` for this input (already serialised), or undefined when OPA has no
   * document there. Throws OpaUnavailable when OPA cannot answer.
   */
  protected abstract query(path: string, inputJson: string): Promise<unknown>;

  abstract close(): Promise<void>;

  async enforce(rule: string, credentials: PolicyCredentials, target: PolicyDict, existing?: PolicyDict | null): Promise<void> {
    const startedAt = performance.now();
    const path = PATH_NAME.test(rule) ? rule : opaDecisionPath(rule, target);
    if (!path) {
      this.record(rule, 'unknown_rule', startedAt);
      this.options.logger.warn({ rule }, 'policy: no OPA decision path for this rule; denied');
      throw PolicyDenied.unknownAction(rule);
    }
    const inputJson = JSON.stringify(opaInput(credentials, target, existing));
    const cacheKey = `${path}\n${inputJson}`;
    let decision = this.cache?.get(cacheKey, startedAt);
    const cached = decision !== undefined;
    if (!decision) {
      try {
        const document = await this.query(path, inputJson);
        if (document !== undefined) decision = readDecision(document, path);
      } catch (err) {
        if (!(err instanceof OpaUnavailable)) throw err;
        this.record(rule, 'unavailable', startedAt);
        this.options.logger.error({ rule, path, engine: this.kind, err: err.message }, 'policy: OPA unavailable; denying (fail closed)');
        throw new ServiceUnavailable(`The policy service could not decide ${rule}.`);
      }
      if (!decision) {
        this.record(rule, 'unknown_rule', startedAt);
        this.options.logger.warn({ rule, path }, 'policy: OPA has no decision at this path; denied');
        throw PolicyDenied.of(rule);
      }
      this.cache?.set(cacheKey, decision, performance.now());
    }
    this.record(rule, decision.allow ? 'allow' : 'deny', startedAt, cached);
    if (!decision.allow) throw PolicyDenied.of(rule, decision.violations);
  }
}

/** Reads {allow, violation} (violation: a list/set of {msg, field} or of strings). */
function readDecision(document: unknown, path: string): OpaDecision {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new OpaUnavailable(`the result at ${path} is not a decision document`);
  }
  const { allow, violation } = document as { allow?: unknown; violation?: unknown };
  if (typeof allow !== 'boolean') {
    throw new OpaUnavailable(`the decision at ${path} has no boolean "allow"`);
  }
  const violations: PolicyViolation[] = [];
  if (Array.isArray(violation)) {
    for (const v of violation) {
      if (typeof v === 'string') violations.push({ msg: v });
      else if (v && typeof v === 'object' && typeof (v as { msg?: unknown }).msg === 'string') {
        const { msg, field } = v as { msg: string; field?: unknown };
        violations.push({ msg, field: typeof field === 'string' ? field : null });
      }
    }
  }
  return { allow, violations };
}

/**
 * Decisions by (path, input) for `ttlMs`. Bounded: when full, the oldest entry goes (Map keeps insertion
 * order). Entries are never invalidated early, so role or policy changes show up after at most the TTL.
 */
class DecisionCache {
  private readonly entries = new Map<string, { decision: OpaDecision; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string, now: number): OpaDecision | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > now) return entry.decision;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, decision: OpaDecision, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { decision, expires: now + this.ttlMs });
  }
}
