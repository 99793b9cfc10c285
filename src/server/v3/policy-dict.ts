// Route-side spelling of the policy dict py-keystone (Debian-patched Zed) hands to oslo.policy: URL arguments at
// the top, the target under `target`, the JSON body under `request_body`, query filters under `filter_attr`.
// The assembly itself lives with the policy engine (policy/target.ts).
import { buildPolicyDict } from '../../policy/target.js';

export function policyDict(parts: {
  params?: Record<string, unknown> | undefined;
  target?: Record<string, unknown> | undefined;
  body?: unknown;
  filters?: Record<string, unknown> | undefined;
}): Record<string, unknown> {
  return buildPolicyDict({ viewArgs: parts.params, target: parts.target, requestBody: parts.body, filters: parts.filters });
}
