// Every Keystone action has an OPA decision path; where keystone-ng's bundle decides the same API call, the
// path is keystone-ng's; and docs/policy.md lists exactly the mapping the code uses.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { keystoneDefaults } from '../../src/policy/defaults.js';
import { fixedDecisionPaths, GRANT_RULES, opaDecisionPath } from '../../src/policy/opa-paths.js';
import { REPO_ROOT } from '../helpers/services.js';

const actions = keystoneDefaults().filter((d) => d.name.startsWith('identity:')).map((d) => d.name);

// The decision each keystone-ng v3 handler asks for (openstack-experimental/keystone, crates/keystone/src/api/v3).
const KEYSTONE_NG: Record<string, string> = {
  'identity:get_user': 'identity/user/show',
  'identity:list_users': 'identity/user/list',
  'identity:create_user': 'identity/user/create',
  'identity:update_user': 'identity/user/update',
  'identity:delete_user': 'identity/user/delete',
  'identity:get_group': 'identity/group/show',
  'identity:list_groups': 'identity/group/list',
  'identity:create_group': 'identity/group/create',
  'identity:get_project': 'identity/resource/project/show',
  'identity:list_projects': 'identity/resource/project/list',
  'identity:create_project': 'identity/resource/project/create',
  'identity:get_domain': 'identity/resource/domain/show',
  'identity:update_domain': 'identity/resource/domain/update',
  'identity:get_role': 'identity/role/show',
  'identity:list_roles': 'identity/role/list',
  'identity:get_implied_role': 'identity/role/imply_rule/show',
  'identity:check_implied_role': 'identity/role/imply_rule/show',
  'identity:list_role_inference_rules': 'identity/role/imply_rule/list',
  'identity:list_role_assignments': 'identity/assignment/list',
  'identity:get_credential': 'identity/credential/show',
  'identity:create_credential': 'identity/credential/create',
  'identity:get_endpoint': 'identity/endpoint/show',
  'identity:get_service': 'identity/service/show',
  'identity:get_region': 'identity/region/show',
  'identity:get_policy': 'identity/policy/show',
  'identity:get_trust': 'identity/trust/show',
  'identity:create_trust': 'identity/trust/create',
  'identity:get_application_credential': 'identity/user/application_credential/show',
  'identity:create_application_credential': 'identity/user/application_credential/create',
  'identity:ec2_get_credential': 'identity/os_ec2/read_credential',
  'identity:ec2_list_credentials': 'identity/os_ec2/read_credential',
  'identity:ec2_create_credential': 'identity/os_ec2/create_credential',
  'identity:ec2tokens_validate': 'identity/ec2tokens/validate',
  'identity:validate_token': 'identity/auth/token/show',
  'identity:revoke_token': 'identity/auth/token/revoke',
  'identity:get_auth_projects': 'identity/auth/project/list',
  'identity:get_identity_provider': 'identity/federation/identity_provider/show',
  'identity:create_system_grant_for_user': 'identity/system/user/role/grant',
  'identity:check_system_grant_for_user': 'identity/system/user/role/check',
  'identity:get_domain_config_default': 'identity/domain_config/get_default',
};

t.test('all 194 identity actions have a decision path', async (t) => {
  t.equal(actions.length, 194);
  const missing = actions.filter((a) => !opaDecisionPath(a));
  t.strictSame(missing, []);
  for (const action of actions) t.match(opaDecisionPath(action), /^identity(\/[a-z0-9_]+)+$/, action);
});

t.test('paths are keystone-ng\'s for the calls keystone-ng decides', async (t) => {
  for (const [rule, path] of Object.entries(KEYSTONE_NG)) t.equal(opaDecisionPath(rule), path, rule);
});

t.test('grant paths follow the URL shape, as keystone-ng decides project/user grants', async (t) => {
  t.equal(opaDecisionPath('identity:create_grant', { target: { project: { id: 'p' }, user: { id: 'u' } } }), 'identity/project/user/role/grant');
  t.equal(opaDecisionPath('identity:revoke_grant', { project_id: 'p', group_id: 'g' }), 'identity/project/group/role/revoke');
  t.equal(opaDecisionPath('identity:check_grant', { domain_id: 'd', user_id: 'u' }), 'identity/domain/user/role/check');
  t.equal(opaDecisionPath('identity:list_grants', { 'target.domain.id': 'd', 'target.group.id': 'g' }), 'identity/domain/group/role/list');
  t.equal(opaDecisionPath('identity:create_grant', {}), 'identity/grant/grant', 'no shape: a path of its own, never another shape\'s');
});

t.test('base rules and unknown names have no path', async (t) => {
  t.equal(opaDecisionPath('admin_required'), undefined);
  t.equal(opaDecisionPath('identity:toString'), undefined);
});

t.test('docs/policy.md lists every action with the path the code uses', async (t) => {
  const doc = readFileSync(`${REPO_ROOT}/docs/policy.md`, 'utf8');
  const rows = new Map([...doc.matchAll(/^\| `(identity:[a-z0-9_]+)` \| `([^`]+)` \|/gm)].map((m) => [m[1]!, m[2]!]));
  t.equal(rows.size, 194);
  const fixed = fixedDecisionPaths();
  for (const action of actions) {
    const documented = rows.get(action);
    if (GRANT_RULES.includes(action)) t.match(documented, /^identity\/\{project,domain\}\/\{user,group\}\/role\/[a-z]+$/, action);
    else t.equal(documented, fixed.get(action), action);
  }
});
