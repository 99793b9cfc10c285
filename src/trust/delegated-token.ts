// Debian's patched py-keystone (api/trusts.py _check_delegated_token, LP#2150089) refuses every trust call made
// with a token from a delegated credential (application credential, OAuth1, EC2, an unknown method, or no method
// at all): such a token could otherwise read or extend the delegation chain beyond what it was issued for.
// Trust-scoped tokens are let through: redelegation is made with them. py-keystone's opt-in escape hatch for
// application credentials ([security_compliance] allow_insecure_application_credential_trust_escalation) is
// not offered by keystone-ts, so the refusal is unconditional.
import { isDelegatedMethod } from '../application-credential/delegation.js';
import type { AuthContext } from '../auth/context.js';
import { Forbidden } from '../errors.js';

export function refuseDelegatedToken(caller: AuthContext): void {
  if (isDelegatedMethod(caller.methods)) throw Forbidden.action('Delegated tokens cannot manage trusts.');
}
