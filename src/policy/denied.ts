// The 403 a policy decision produces. It is a Keystone Forbidden (rendered centrally like any other) that also
// carries the rule and, from OPA, the violations the policy reported.
import { Forbidden } from '../errors.js';

export interface PolicyViolation {
  readonly msg: string;
  readonly field?: string | null;
}

export class PolicyDenied extends Forbidden {
  constructor(
    readonly rule: string,
    readonly violations: readonly PolicyViolation[] = [],
    message?: string,
  ) {
    const base = Forbidden.action(rule).message;
    const reasons = violations.map((v) => v.msg).filter(Boolean);
    super(message ?? (reasons.length ? `${base} ${reasons.join(', ')}` : base));
  }

  /**
   * A denial is an answer, not a fault: it is built without a stack trace, which would cost more (~10 µs)
   * than the decision itself.
   */
  static of(rule: string, violations: readonly PolicyViolation[] = [], message?: string): PolicyDenied {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new PolicyDenied(rule, violations, message);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  /** py-keystone's answer when code asks about a name that is not a policy action at all. */
  static unknownAction(rule: string): PolicyDenied {
    return PolicyDenied.of(rule, [], 'Internal RBAC enforcement error, invalid rule (action) name.');
  }
}
