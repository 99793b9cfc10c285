// Which configuration options a domain may override (py-keystone's DomainConfigManager whitelist: the identity
// driver and the LDAP connection settings; the LDAP password is "sensitive": stored apart and never shown), and
// their defaults as py-keystone Zed ships them. keystone-ts has no LDAP driver, so the LDAP defaults are the
// stock ones; [identity] list_limit comes from keystone.conf.
import type { KeystoneConfig } from '../config/schema.js';

export const WHITELISTED: Readonly<Record<string, readonly string[]>> = {
  identity: ['driver', 'list_limit'],
  ldap: [
    'url', 'user', 'suffix', 'query_scope', 'page_size', 'alias_dereferencing', 'debug_level', 'chase_referrals',
    'user_tree_dn', 'user_filter', 'user_objectclass', 'user_id_attribute', 'user_name_attribute',
    'user_mail_attribute', 'user_description_attribute', 'user_pass_attribute', 'user_enabled_attribute',
    'user_enabled_invert', 'user_enabled_mask', 'user_enabled_default', 'user_attribute_ignore',
    'user_default_project_id_attribute', 'user_enabled_emulation', 'user_enabled_emulation_dn',
    'user_enabled_emulation_use_group_config', 'user_additional_attribute_mapping', 'group_tree_dn',
    'group_filter', 'group_objectclass', 'group_id_attribute', 'group_name_attribute', 'group_members_are_ids',
    'group_member_attribute', 'group_desc_attribute', 'group_attribute_ignore',
    'group_additional_attribute_mapping', 'tls_cacertfile', 'tls_cacertdir', 'use_tls', 'tls_req_cert', 'use_pool',
    'pool_size', 'pool_retry_max', 'pool_retry_delay', 'pool_connection_timeout', 'pool_connection_lifetime',
    'use_auth_pool', 'auth_pool_size', 'auth_pool_connection_lifetime',
  ],
};

export const SENSITIVE: Readonly<Record<string, readonly string[]>> = { identity: [], ldap: ['password'] };

const LDAP_DEFAULTS: Record<string, unknown> = {
  url: 'ldap://localhost',
  user: null,
  suffix: 'cn=example,cn=com',
  query_scope: 'one',
  page_size: 0,
  alias_dereferencing: 'default',
  debug_level: null,
  chase_referrals: null,
  user_tree_dn: null,
  user_filter: null,
  user_objectclass: 'inetOrgPerson',
  user_id_attribute: 'cn',
  user_name_attribute: 'sn',
  user_mail_attribute: 'mail',
  user_description_attribute: 'description',
  user_pass_attribute: 'userPassword',
  user_enabled_attribute: 'enabled',
  user_enabled_invert: false,
  user_enabled_mask: 0,
  user_enabled_default: 'True',
  user_attribute_ignore: ['default_project_id'],
  user_default_project_id_attribute: null,
  user_enabled_emulation: false,
  user_enabled_emulation_dn: null,
  user_enabled_emulation_use_group_config: false,
  user_additional_attribute_mapping: [],
  group_tree_dn: null,
  group_filter: null,
  group_objectclass: 'groupOfNames',
  group_id_attribute: 'cn',
  group_name_attribute: 'ou',
  group_members_are_ids: false,
  group_member_attribute: 'member',
  group_desc_attribute: 'description',
  group_attribute_ignore: [],
  group_additional_attribute_mapping: [],
  tls_cacertfile: null,
  tls_cacertdir: null,
  use_tls: false,
  tls_req_cert: 'demand',
  use_pool: true,
  pool_size: 10,
  pool_retry_max: 3,
  pool_retry_delay: 0.1,
  pool_connection_timeout: -1,
  pool_connection_lifetime: 600,
  use_auth_pool: true,
  auth_pool_size: 100,
  auth_pool_connection_lifetime: 60,
};

/** The value keystone.conf gives a whitelisted option (what GET /v3/domains/config/default shows). */
export function defaultValue(config: KeystoneConfig, group: string, option: string): unknown {
  if (group === 'identity') return option === 'driver' ? 'sql' : (config.identity.list_limit ?? null);
  return Object.hasOwn(LDAP_DEFAULTS, option) ? LDAP_DEFAULTS[option] : null;
}

export const isKnownGroup = (group: string): boolean => Object.hasOwn(WHITELISTED, group);

export const isWhitelisted = (group: string, option: string): boolean =>
  isKnownGroup(group) && WHITELISTED[group]!.includes(option);

export const isSensitive = (group: string, option: string): boolean =>
  Object.hasOwn(SENSITIVE, group) && SENSITIVE[group]!.includes(option);

export const isKnownOption = (group: string, option: string): boolean =>
  isWhitelisted(group, option) || isSensitive(group, option);
