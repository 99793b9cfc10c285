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

  /** py-keystone's answer when code asks about a name that is not a policy action at all. */
  static unknownAction(rule: string): PolicyDenied {
    return new PolicyDenied(rule, [], 'Internal RBAC enforcement error, invalid rule (action) name.');
  }
}
