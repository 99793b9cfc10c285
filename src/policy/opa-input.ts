// What an OPA policy receives as `input`: {credentials, target, existing}, the shape keystone-ng's bundle reads.
//  - credentials: the oslo.policy credentials (so rules ported from policy.yaml keep their names) plus the
//    fields keystone-ng's Rego uses: `system` ("all" or null), `is_admin` (keystone-ts has no admin-token
//    bypass: always false), `is_delegated` and `auth_type`. The token body travels without its catalog.
//  - target: the py-keystone policy dict with the object under `target` lifted to the top, so keystone-ng's
//    input.target.user and a ported %(target.user.domain_id)s rule (input.target.user.domain_id) both work;
//    view args, request_body and filter_attr stay beside it.
//  - existing: the stored object for updates (keystone-ng's contract), else null.
import { isPlainObject } from '../python/values.js';
import type { PolicyCredentials } from './credentials.js';
import { type PolicyDict } from './target.js';

export interface OpaInput {
  readonly credentials: Readonly<Record<string, unknown>>;
  readonly target: Readonly<Record<string, unknown>>;
  readonly existing: unknown;
}

export function opaInput(credentials: PolicyCredentials, policy: PolicyDict, existing?: PolicyDict | null): OpaInput {
  const token = credentials.token;
  const delegated = Boolean(token && (token['OS-TRUST:trust'] || token.application_credential));
  let tokenView: Record<string, unknown> | null = null;
  if (token) {
    const { catalog: _catalog, ...rest } = token;
    tokenView = rest;
  }
  const { target, ...rest } = policy;
  return {
    credentials: {
      ...credentials,
      token: tokenView,
      system: credentials.system_scope,
      is_admin: false,
      is_delegated: delegated,
      auth_type: authType(token),
    },
    target: isPlainObject(target) ? { ...rest, ...target } : { ...policy },
    existing: existing ?? null,
  };
}

/** keystone-ng's canonical auth method: the delegation when there is one, else the first token method. */
function authType(token: Readonly<Record<string, unknown>> | null): string | null {
  if (!token) return null;
  if (token.application_credential) return 'application_credential';
  if (token['OS-TRUST:trust']) return 'trust';
  const methods = token.methods;
  return Array.isArray(methods) && typeof methods[0] === 'string' ? methods[0] : null;
}
