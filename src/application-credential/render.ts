// Application credential and access rule bodies as py-keystone renders them. A credential shows its columns (not
// the secret hash), its roles as full role refs, `access_rules` only when it has some, and the secret only in the
// answer to its creation. Self links point at /v3/application_credentials/{id} and /v3/access_rules/{id}, not
// under the user: py-keystone's resource classes build them from their collection names alone.
import { formatMicros } from '../identity/render.js';
import type { AccessRuleRecord, ApplicationCredentialRecord } from './store.js';

export function accessRuleRef(rule: AccessRuleRecord): Record<string, unknown> {
  return { id: rule.id, service: rule.service, path: rule.path, method: rule.method };
}

export function accessRuleBody(rule: AccessRuleRecord, base: string): Record<string, unknown> {
  return { ...accessRuleRef(rule), links: { self: `${base}/v3/access_rules/${rule.id}` } };
}

export function applicationCredentialBody(
  credential: ApplicationCredentialRecord,
  roles: readonly Record<string, unknown>[],
  base: string,
  secret?: string,
): Record<string, unknown> {
  return {
    id: credential.id,
    name: credential.name,
    description: credential.description,
    user_id: credential.userId,
    project_id: credential.projectId,
    system: credential.system,
    expires_at: formatMicros(credential.expiresAtMicros),
    unrestricted: credential.unrestrictedColumn,
    roles,
    ...(credential.accessRules && { access_rules: credential.accessRules.map(accessRuleRef) }),
    ...(secret !== undefined && { secret }),
    links: { self: `${base}/v3/application_credentials/${credential.id}` },
  };
}
