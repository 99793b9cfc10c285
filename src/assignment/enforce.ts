// One call for "enforce this rule with the policy dict py-keystone would build": URL arguments, target, request
// body and query filters, assembled by the v3 kit's policyDict.
import type { AuthContext } from '../auth/context.js';
import type { AppServices } from '../server/app.js';
import { policyDict } from '../server/v3/policy-dict.js';

export type PolicyParts = Parameters<typeof policyDict>[0];

export function enforce(services: Pick<AppServices, 'authorize'>, caller: AuthContext, rule: string, parts: PolicyParts): Promise<void> {
  return services.authorize(caller, rule, policyDict(parts));
}
