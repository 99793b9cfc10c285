// py-keystone Zed's tables, declared exactly as `keystone-manage db_sync` leaves them (alembic heads
// 29e87d24a316 expand / e25ffa003242 contract). Never generate DDL from this file: the database is shaped by
// `drizzle/legacy/zed-baseline.sql` (fresh databases) or by py-keystone itself (shared databases), and
// test/db/drizzle-matches-database.test.ts fails when a declaration here drifts from the live columns.
//
// Conventions py-keystone's rows follow, which stores must honour:
// - ids are uuid4 hex (32 chars) unless noted; `extra` columns hold a JSON object as text ('{}' when empty).
// - timestamps are naive UTC (`timestamp without time zone`); they are read and written here as JS Dates in UTC.
//   JS Dates keep milliseconds; py-keystone writes microseconds, so compare in SQL when sub-ms order matters.
// - `*_int` bigint columns hold microseconds since the epoch (py-keystone's DateTimeInt).
// - domains are `project` rows with is_domain = true; every domain's domain_id points at the
//   `<<keystone.domain.root>>` project row, which db_sync inserts and which is never shown through the API.
import {
  bigint,
  boolean,
  date,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
  varchar,
} from 'drizzle-orm/pg-core';

/** The project row every domain hangs off (`project.domain_id` of a domain). */
export const ROOT_DOMAIN_ID = '<<keystone.domain.root>>';
/** `role.domain_id` of a global (not domain-specific) role. */
export const NULL_DOMAIN_ID = '<<null>>';

const id64 = (name: string) => varchar(name, { length: 64 });
const utc = (name: string) => timestamp(name, { mode: 'date' });
const micros = (name: string) => bigint(name, { mode: 'number' });

// ---------------------------------------------------------------------------------------------------------------
// Enums (PostgreSQL types created by db_sync)

/** `assignment.type`; the PostgreSQL type is literally named `type`. */
export const assignmentType = pgEnum('type', ['UserProject', 'GroupProject', 'UserDomain', 'GroupDomain']);
/** `id_mapping.entity_type`. */
export const entityType = pgEnum('entity_type', ['user', 'group']);

// ---------------------------------------------------------------------------------------------------------------
// alembic bookkeeping

export const alembicVersion = pgTable('alembic_version', {
  versionNum: varchar('version_num', { length: 32 }).notNull(),
}, (t) => [primaryKey({ name: 'alembic_version_pkc', columns: [t.versionNum] })]);

// ---------------------------------------------------------------------------------------------------------------
// resource: projects, domains, tags, options, domain config

export const project = pgTable('project', {
  id: id64('id').primaryKey(),
  name: id64('name').notNull(),
  /** JSON object as text. */
  extra: text('extra'),
  description: text('description'),
  enabled: boolean('enabled'),
  domainId: id64('domain_id').notNull(),
  parentId: id64('parent_id'),
  isDomain: boolean('is_domain').notNull().default(false),
}, (t) => [
  foreignKey({ name: 'project_domain_id_fkey', columns: [t.domainId], foreignColumns: [t.id] }),
  foreignKey({ name: 'project_parent_id_fkey', columns: [t.parentId], foreignColumns: [t.id] }),
  unique('ixu_project_name_domain_id').on(t.domainId, t.name),
]);

export const projectTag = pgTable('project_tag', {
  projectId: id64('project_id').notNull(),
  name: varchar('name', { length: 255 }).notNull(),
}, (t) => [
  primaryKey({ name: 'project_tag_pkey', columns: [t.projectId, t.name] }),
  foreignKey({ name: 'project_tag_project_id_fkey', columns: [t.projectId], foreignColumns: [project.id] })
    .onDelete('cascade'),
]);

export const projectOption = pgTable('project_option', {
  projectId: id64('project_id').notNull(),
  optionId: varchar('option_id', { length: 4 }).notNull(),
  optionValue: text('option_value'),
}, (t) => [
  primaryKey({ name: 'project_option_pkey', columns: [t.projectId, t.optionId] }),
  foreignKey({ name: 'project_option_project_id_fkey', columns: [t.projectId], foreignColumns: [project.id] })
    .onDelete('cascade'),
]);

export const configRegister = pgTable('config_register', {
  type: id64('type').primaryKey(),
  domainId: id64('domain_id').notNull(),
});

export const sensitiveConfig = pgTable('sensitive_config', {
  domainId: id64('domain_id').notNull(),
  group: varchar('group', { length: 255 }).notNull(),
  option: varchar('option', { length: 255 }).notNull(),
  value: text('value').notNull(),
}, (t) => [primaryKey({ name: 'sensitive_config_pkey', columns: [t.domainId, t.group, t.option] })]);

export const whitelistedConfig = pgTable('whitelisted_config', {
  domainId: id64('domain_id').notNull(),
  group: varchar('group', { length: 255 }).notNull(),
  option: varchar('option', { length: 255 }).notNull(),
  value: text('value').notNull(),
}, (t) => [primaryKey({ name: 'whitelisted_config_pkey', columns: [t.domainId, t.group, t.option] })]);

// ---------------------------------------------------------------------------------------------------------------
// identity: users (split over user / local_user / password / nonlocal_user / federated_user), groups, id mapping

export const user = pgTable('user', {
  id: id64('id').primaryKey(),
  /** JSON object as text (email, description and other free attributes live here). */
  extra: text('extra'),
  enabled: boolean('enabled'),
  defaultProjectId: id64('default_project_id'),
  createdAt: utc('created_at'),
  /** A day, 'YYYY-MM-DD'. */
  lastActiveAt: date('last_active_at', { mode: 'string' }),
  domainId: id64('domain_id').notNull(),
}, (t) => [
  unique('ixu_user_id_domain_id').on(t.id, t.domainId),
  index('ix_default_project_id').on(t.defaultProjectId),
]);

export const userOption = pgTable('user_option', {
  userId: id64('user_id').notNull(),
  optionId: varchar('option_id', { length: 4 }).notNull(),
  optionValue: text('option_value'),
}, (t) => [
  primaryKey({ name: 'user_option_pkey', columns: [t.userId, t.optionId] }),
  foreignKey({ name: 'user_option_user_id_fkey', columns: [t.userId], foreignColumns: [user.id] }).onDelete('cascade'),
]);

export const localUser = pgTable('local_user', {
  id: serial('id').primaryKey(),
  userId: id64('user_id').notNull(),
  domainId: id64('domain_id').notNull(),
  name: varchar('name', { length: 255 }).notNull(),
  failedAuthCount: integer('failed_auth_count'),
  failedAuthAt: utc('failed_auth_at'),
}, (t) => [
  unique('local_user_user_id_key').on(t.userId),
  unique('local_user_domain_id_name_key').on(t.domainId, t.name),
  foreignKey({
    name: 'local_user_user_id_fkey',
    columns: [t.userId, t.domainId],
    foreignColumns: [user.id, user.domainId],
  }).onUpdate('cascade').onDelete('cascade'),
]);

export const password = pgTable('password', {
  id: serial('id').primaryKey(),
  localUserId: integer('local_user_id').notNull(),
  expiresAt: utc('expires_at'),
  selfService: boolean('self_service').notNull().default(false),
  passwordHash: varchar('password_hash', { length: 255 }),
  /** Microseconds since the epoch. */
  createdAtInt: micros('created_at_int').notNull().default(0),
  /** Microseconds since the epoch. */
  expiresAtInt: micros('expires_at_int'),
  createdAt: utc('created_at').notNull(),
}, (t) => [
  foreignKey({ name: 'password_local_user_id_fkey', columns: [t.localUserId], foreignColumns: [localUser.id] })
    .onDelete('cascade'),
]);

export const nonlocalUser = pgTable('nonlocal_user', {
  domainId: id64('domain_id').notNull(),
  name: varchar('name', { length: 255 }).notNull(),
  userId: id64('user_id').notNull(),
}, (t) => [
  primaryKey({ name: 'nonlocal_user_pkey', columns: [t.domainId, t.name] }),
  unique('ixu_nonlocal_user_user_id').on(t.userId),
  foreignKey({
    name: 'nonlocal_user_user_id_fkey',
    columns: [t.userId, t.domainId],
    foreignColumns: [user.id, user.domainId],
  }).onUpdate('cascade').onDelete('cascade'),
]);

export const group = pgTable('group', {
  id: id64('id').primaryKey(),
  domainId: id64('domain_id').notNull(),
  name: id64('name').notNull(),
  description: text('description'),
  /** JSON object as text. */
  extra: text('extra'),
}, (t) => [unique('ixu_group_name_domain_id').on(t.domainId, t.name)]);

export const userGroupMembership = pgTable('user_group_membership', {
  userId: id64('user_id').notNull(),
  groupId: id64('group_id').notNull(),
}, (t) => [
  primaryKey({ name: 'user_group_membership_pkey', columns: [t.userId, t.groupId] }),
  index('group_id').on(t.groupId),
  foreignKey({ name: 'fk_user_group_membership_user_id', columns: [t.userId], foreignColumns: [user.id] }),
  foreignKey({ name: 'fk_user_group_membership_group_id', columns: [t.groupId], foreignColumns: [group.id] }),
]);

export const idMapping = pgTable('id_mapping', {
  publicId: id64('public_id').primaryKey(),
  domainId: id64('domain_id').notNull(),
  localId: varchar('local_id', { length: 255 }).notNull(),
  entityType: entityType('entity_type').notNull(),
}, (t) => [unique('domain_id').on(t.domainId, t.localId, t.entityType)]);

// ---------------------------------------------------------------------------------------------------------------
// federation

export const identityProvider = pgTable('identity_provider', {
  id: id64('id').primaryKey(),
  enabled: boolean('enabled').notNull(),
  description: text('description'),
  domainId: id64('domain_id').notNull(),
  authorizationTtl: integer('authorization_ttl'),
});

export const idpRemoteIds = pgTable('idp_remote_ids', {
  idpId: id64('idp_id'),
  remoteId: varchar('remote_id', { length: 255 }).primaryKey(),
}, (t) => [
  foreignKey({ name: 'idp_remote_ids_idp_id_fkey', columns: [t.idpId], foreignColumns: [identityProvider.id] })
    .onDelete('cascade'),
]);

export const mapping = pgTable('mapping', {
  id: id64('id').primaryKey(),
  /** JSON document as text. */
  rules: text('rules').notNull(),
});

export const federationProtocol = pgTable('federation_protocol', {
  id: id64('id').notNull(),
  idpId: id64('idp_id').notNull(),
  mappingId: id64('mapping_id').notNull(),
  remoteIdAttribute: id64('remote_id_attribute'),
}, (t) => [
  primaryKey({ name: 'federation_protocol_pkey', columns: [t.id, t.idpId] }),
  foreignKey({ name: 'federation_protocol_idp_id_fkey', columns: [t.idpId], foreignColumns: [identityProvider.id] })
    .onDelete('cascade'),
]);

export const federatedUser = pgTable('federated_user', {
  id: serial('id').primaryKey(),
  userId: id64('user_id').notNull(),
  idpId: id64('idp_id').notNull(),
  protocolId: id64('protocol_id').notNull(),
  uniqueId: varchar('unique_id', { length: 255 }).notNull(),
  displayName: varchar('display_name', { length: 255 }),
}, (t) => [
  unique('federated_user_idp_id_protocol_id_unique_id_key').on(t.idpId, t.protocolId, t.uniqueId),
  foreignKey({ name: 'federated_user_user_id_fkey', columns: [t.userId], foreignColumns: [user.id] })
    .onDelete('cascade'),
  foreignKey({ name: 'federated_user_idp_id_fkey', columns: [t.idpId], foreignColumns: [identityProvider.id] })
    .onDelete('cascade'),
  foreignKey({
    name: 'federated_user_protocol_id_fkey',
    columns: [t.protocolId, t.idpId],
    foreignColumns: [federationProtocol.id, federationProtocol.idpId],
  }).onDelete('cascade'),
]);

export const expiringUserGroupMembership = pgTable('expiring_user_group_membership', {
  userId: id64('user_id').notNull(),
  groupId: id64('group_id').notNull(),
  idpId: id64('idp_id').notNull(),
  lastVerified: utc('last_verified').notNull(),
}, (t) => [
  primaryKey({ name: 'expiring_user_group_membership_pkey', columns: [t.userId, t.groupId, t.idpId] }),
  foreignKey({ name: 'expiring_user_group_membership_user_id_fkey', columns: [t.userId], foreignColumns: [user.id] }),
  foreignKey({
    name: 'expiring_user_group_membership_group_id_fkey',
    columns: [t.groupId],
    foreignColumns: [group.id],
  }),
  foreignKey({
    name: 'expiring_user_group_membership_idp_id_fkey',
    columns: [t.idpId],
    foreignColumns: [identityProvider.id],
  }).onDelete('cascade'),
]);

export const serviceProvider = pgTable('service_provider', {
  authUrl: varchar('auth_url', { length: 256 }).notNull(),
  id: id64('id').primaryKey(),
  enabled: boolean('enabled').notNull(),
  description: text('description'),
  spUrl: varchar('sp_url', { length: 256 }).notNull(),
  relayStatePrefix: varchar('relay_state_prefix', { length: 256 }).notNull().default('ss:mem:'),
});

// ---------------------------------------------------------------------------------------------------------------
// assignment: roles, implied roles, grants

export const role = pgTable('role', {
  id: id64('id').primaryKey(),
  name: varchar('name', { length: 255 }).notNull(),
  /** JSON object as text. */
  extra: text('extra'),
  /** NULL_DOMAIN_ID ('<<null>>') for a global role. */
  domainId: id64('domain_id').notNull().default(NULL_DOMAIN_ID),
  description: varchar('description', { length: 255 }),
}, (t) => [unique('ixu_role_name_domain_id').on(t.name, t.domainId)]);

export const roleOption = pgTable('role_option', {
  roleId: id64('role_id').notNull(),
  optionId: varchar('option_id', { length: 4 }).notNull(),
  optionValue: text('option_value'),
}, (t) => [
  primaryKey({ name: 'role_option_pkey', columns: [t.roleId, t.optionId] }),
  foreignKey({ name: 'role_option_role_id_fkey', columns: [t.roleId], foreignColumns: [role.id] }).onDelete('cascade'),
]);

export const impliedRole = pgTable('implied_role', {
  priorRoleId: id64('prior_role_id').notNull(),
  impliedRoleId: id64('implied_role_id').notNull(),
}, (t) => [
  primaryKey({ name: 'implied_role_pkey', columns: [t.priorRoleId, t.impliedRoleId] }),
  foreignKey({ name: 'implied_role_prior_role_id_fkey', columns: [t.priorRoleId], foreignColumns: [role.id] })
    .onDelete('cascade'),
  foreignKey({ name: 'implied_role_implied_role_id_fkey', columns: [t.impliedRoleId], foreignColumns: [role.id] })
    .onDelete('cascade'),
]);

/** Project and domain grants; `target_id` is a project or domain id, `actor_id` a user or group id. */
export const assignment = pgTable('assignment', {
  type: assignmentType('type').notNull(),
  actorId: id64('actor_id').notNull(),
  targetId: id64('target_id').notNull(),
  roleId: id64('role_id').notNull(),
  inherited: boolean('inherited').notNull(),
}, (t) => [
  primaryKey({ name: 'assignment_pkey', columns: [t.type, t.actorId, t.targetId, t.roleId, t.inherited] }),
  index('ix_actor_id').on(t.actorId),
]);

/** System grants: `type` is 'UserSystem' or 'GroupSystem', `target_id` is 'system'. */
export const systemAssignment = pgTable('system_assignment', {
  type: id64('type').notNull(),
  actorId: id64('actor_id').notNull(),
  targetId: id64('target_id').notNull(),
  roleId: id64('role_id').notNull(),
  inherited: boolean('inherited').notNull(),
}, (t) => [
  primaryKey({ name: 'system_assignment_pkey', columns: [t.type, t.actorId, t.targetId, t.roleId, t.inherited] }),
]);

// ---------------------------------------------------------------------------------------------------------------
// catalog: regions, services, endpoints, endpoint filtering

export const region = pgTable('region', {
  id: varchar('id', { length: 255 }).primaryKey(),
  description: varchar('description', { length: 255 }).notNull(),
  parentRegionId: varchar('parent_region_id', { length: 255 }),
  /** JSON object as text. */
  extra: text('extra'),
});

export const service = pgTable('service', {
  id: id64('id').primaryKey(),
  type: varchar('type', { length: 255 }),
  enabled: boolean('enabled').notNull().default(true),
  /** JSON object as text (name and description live here). */
  extra: text('extra'),
});

export const endpoint = pgTable('endpoint', {
  id: id64('id').primaryKey(),
  legacyEndpointId: id64('legacy_endpoint_id'),
  interface: varchar('interface', { length: 8 }).notNull(),
  serviceId: id64('service_id').notNull(),
  url: text('url').notNull(),
  /** JSON object as text. */
  extra: text('extra'),
  enabled: boolean('enabled').notNull().default(true),
  regionId: varchar('region_id', { length: 255 }),
}, (t) => [
  index('service_id').on(t.serviceId),
  foreignKey({ name: 'endpoint_service_id_fkey', columns: [t.serviceId], foreignColumns: [service.id] }),
  foreignKey({ name: 'fk_endpoint_region_id', columns: [t.regionId], foreignColumns: [region.id] }),
]);

export const endpointGroup = pgTable('endpoint_group', {
  id: id64('id').primaryKey(),
  name: varchar('name', { length: 255 }).notNull(),
  description: text('description'),
  /** JSON object as text. */
  filters: text('filters').notNull(),
});

export const projectEndpoint = pgTable('project_endpoint', {
  endpointId: id64('endpoint_id').notNull(),
  projectId: id64('project_id').notNull(),
}, (t) => [primaryKey({ name: 'project_endpoint_pkey', columns: [t.endpointId, t.projectId] })]);

export const projectEndpointGroup = pgTable('project_endpoint_group', {
  endpointGroupId: id64('endpoint_group_id').notNull(),
  projectId: id64('project_id').notNull(),
}, (t) => [
  primaryKey({ name: 'project_endpoint_group_pkey', columns: [t.endpointGroupId, t.projectId] }),
  foreignKey({
    name: 'project_endpoint_group_endpoint_group_id_fkey',
    columns: [t.endpointGroupId],
    foreignColumns: [endpointGroup.id],
  }),
]);

// ---------------------------------------------------------------------------------------------------------------
// policy (the OS-ENDPOINT-POLICY extension's stored blobs)

export const policy = pgTable('policy', {
  id: id64('id').primaryKey(),
  type: varchar('type', { length: 255 }).notNull(),
  blob: text('blob').notNull(),
  /** JSON object as text. */
  extra: text('extra'),
});

export const policyAssociation = pgTable('policy_association', {
  id: id64('id').primaryKey(),
  policyId: id64('policy_id').notNull(),
  endpointId: id64('endpoint_id'),
  serviceId: id64('service_id'),
  regionId: id64('region_id'),
}, (t) => [unique('policy_association_endpoint_id_service_id_region_id_key').on(t.endpointId, t.serviceId, t.regionId)]);

// ---------------------------------------------------------------------------------------------------------------
// credential

export const credential = pgTable('credential', {
  id: id64('id').primaryKey(),
  userId: id64('user_id').notNull(),
  projectId: id64('project_id'),
  type: varchar('type', { length: 255 }).notNull(),
  /** JSON object as text. */
  extra: text('extra'),
  /** Which credential key (sha1 of the key) encrypted the blob. */
  keyHash: id64('key_hash').notNull(),
  encryptedBlob: text('encrypted_blob').notNull(),
});

// ---------------------------------------------------------------------------------------------------------------
// token: revocation events and the legacy (pre-Fernet) token table

export const revocationEvent = pgTable('revocation_event', {
  id: serial('id').primaryKey(),
  domainId: id64('domain_id'),
  projectId: id64('project_id'),
  userId: id64('user_id'),
  roleId: id64('role_id'),
  trustId: id64('trust_id'),
  consumerId: id64('consumer_id'),
  accessTokenId: id64('access_token_id'),
  issuedBefore: utc('issued_before').notNull(),
  expiresAt: utc('expires_at'),
  revokedAt: utc('revoked_at').notNull(),
  auditId: varchar('audit_id', { length: 32 }),
  auditChainId: varchar('audit_chain_id', { length: 32 }),
}, (t) => [
  index('ix_revocation_event_issued_before').on(t.issuedBefore),
  index('ix_revocation_event_new_revoked_at').on(t.revokedAt),
  index('ix_revocation_event_audit_id_issued_before').on(t.auditId, t.issuedBefore),
  index('ix_revocation_event_project_id_issued_before').on(t.projectId, t.issuedBefore),
  index('ix_revocation_event_user_id_issued_before').on(t.userId, t.issuedBefore),
]);

/** Unused since Fernet tokens; kept because db_sync creates it. */
export const token = pgTable('token', {
  id: id64('id').primaryKey(),
  expires: utc('expires'),
  extra: text('extra'),
  valid: boolean('valid').notNull(),
  trustId: id64('trust_id'),
  userId: id64('user_id'),
}, (t) => [
  index('ix_token_expires').on(t.expires),
  index('ix_token_expires_valid').on(t.expires, t.valid),
  index('ix_token_trust_id').on(t.trustId),
  index('ix_token_user_id').on(t.userId),
]);

// ---------------------------------------------------------------------------------------------------------------
// trust

export const trust = pgTable('trust', {
  id: id64('id').primaryKey(),
  trustorUserId: id64('trustor_user_id').notNull(),
  trusteeUserId: id64('trustee_user_id').notNull(),
  projectId: id64('project_id'),
  impersonation: boolean('impersonation').notNull(),
  deletedAt: utc('deleted_at'),
  expiresAt: utc('expires_at'),
  remainingUses: integer('remaining_uses'),
  /** JSON object as text. */
  extra: text('extra'),
  /** Microseconds since the epoch. */
  expiresAtInt: micros('expires_at_int'),
  redelegatedTrustId: id64('redelegated_trust_id'),
  redelegationCount: integer('redelegation_count'),
}, (t) => [
  unique('duplicate_trust_constraint_expanded').on(
    t.trustorUserId,
    t.trusteeUserId,
    t.projectId,
    t.impersonation,
    t.expiresAt,
    t.expiresAtInt,
  ),
]);

export const trustRole = pgTable('trust_role', {
  trustId: id64('trust_id').notNull(),
  roleId: id64('role_id').notNull(),
}, (t) => [primaryKey({ name: 'trust_role_pkey', columns: [t.trustId, t.roleId] })]);

// ---------------------------------------------------------------------------------------------------------------
// application credentials and access rules

export const applicationCredential = pgTable('application_credential', {
  internalId: serial('internal_id').primaryKey(),
  id: id64('id').notNull(),
  name: varchar('name', { length: 255 }).notNull(),
  secretHash: varchar('secret_hash', { length: 255 }).notNull(),
  description: text('description'),
  userId: id64('user_id').notNull(),
  projectId: id64('project_id'),
  /** Microseconds since the epoch. */
  expiresAt: micros('expires_at'),
  system: id64('system'),
  unrestricted: boolean('unrestricted'),
}, (t) => [unique('duplicate_app_cred_constraint').on(t.userId, t.name)]);

export const applicationCredentialRole = pgTable('application_credential_role', {
  applicationCredentialId: integer('application_credential_id').notNull(),
  roleId: id64('role_id').notNull(),
}, (t) => [
  primaryKey({ name: 'application_credential_role_pkey', columns: [t.applicationCredentialId, t.roleId] }),
  foreignKey({
    name: 'application_credential_role_application_credential_id_fkey',
    columns: [t.applicationCredentialId],
    foreignColumns: [applicationCredential.internalId],
  }).onDelete('cascade'),
]);

export const accessRule = pgTable('access_rule', {
  id: serial('id').primaryKey(),
  service: id64('service'),
  path: varchar('path', { length: 128 }),
  method: varchar('method', { length: 16 }),
  externalId: id64('external_id'),
  userId: id64('user_id'),
}, (t) => [
  unique('access_rule_external_id_key').on(t.externalId),
  unique('duplicate_access_rule_for_user_constraint').on(t.userId, t.service, t.path, t.method),
  index('external_id').on(t.externalId),
  index('user_id').on(t.userId),
]);

export const applicationCredentialAccessRule = pgTable('application_credential_access_rule', {
  applicationCredentialId: integer('application_credential_id').notNull(),
  accessRuleId: integer('access_rule_id').notNull(),
}, (t) => [
  primaryKey({
    name: 'application_credential_access_rule_pkey',
    columns: [t.applicationCredentialId, t.accessRuleId],
  }),
  foreignKey({
    // PostgreSQL truncated the generated name to 63 bytes.
    name: 'application_credential_access_ru_application_credential_id_fkey',
    columns: [t.applicationCredentialId],
    foreignColumns: [applicationCredential.internalId],
  }).onDelete('cascade'),
  foreignKey({
    name: 'application_credential_access_rule_access_rule_id_fkey',
    columns: [t.accessRuleId],
    foreignColumns: [accessRule.id],
  }).onDelete('cascade'),
]);

// ---------------------------------------------------------------------------------------------------------------
// limits

export const registeredLimit = pgTable('registered_limit', {
  id: id64('id').notNull(),
  serviceId: varchar('service_id', { length: 255 }),
  regionId: id64('region_id'),
  resourceName: varchar('resource_name', { length: 255 }),
  defaultLimit: integer('default_limit').notNull(),
  description: text('description'),
  internalId: serial('internal_id').primaryKey(),
}, (t) => [unique('registered_limit_id_key').on(t.id)]);

export const limit = pgTable('limit', {
  id: id64('id').notNull(),
  projectId: id64('project_id'),
  resourceLimit: integer('resource_limit').notNull(),
  description: text('description'),
  internalId: serial('internal_id').primaryKey(),
  registeredLimitId: id64('registered_limit_id'),
  domainId: id64('domain_id'),
}, (t) => [unique('limit_id_key').on(t.id)]);

// ---------------------------------------------------------------------------------------------------------------
// OS-OAUTH1

export const consumer = pgTable('consumer', {
  id: id64('id').primaryKey(),
  description: id64('description'),
  secret: id64('secret').notNull(),
  /** JSON object as text. */
  extra: text('extra').notNull(),
});

export const requestToken = pgTable('request_token', {
  id: id64('id').primaryKey(),
  requestSecret: id64('request_secret').notNull(),
  verifier: id64('verifier'),
  authorizingUserId: id64('authorizing_user_id'),
  requestedProjectId: id64('requested_project_id').notNull(),
  roleIds: text('role_ids'),
  consumerId: id64('consumer_id').notNull(),
  expiresAt: id64('expires_at'),
}, (t) => [
  index('ix_request_token_consumer_id').on(t.consumerId),
  foreignKey({ name: 'request_token_consumer_id_fkey', columns: [t.consumerId], foreignColumns: [consumer.id] }),
]);

export const accessToken = pgTable('access_token', {
  id: id64('id').primaryKey(),
  accessSecret: id64('access_secret').notNull(),
  authorizingUserId: id64('authorizing_user_id').notNull(),
  projectId: id64('project_id').notNull(),
  roleIds: text('role_ids').notNull(),
  consumerId: id64('consumer_id').notNull(),
  expiresAt: id64('expires_at'),
}, (t) => [
  index('ix_access_token_authorizing_user_id').on(t.authorizingUserId),
  index('ix_access_token_consumer_id').on(t.consumerId),
  foreignKey({ name: 'access_token_consumer_id_fkey', columns: [t.consumerId], foreignColumns: [consumer.id] }),
]);

// ---------------------------------------------------------------------------------------------------------------
// Row types (select) and insert types

export type AlembicVersionRow = typeof alembicVersion.$inferSelect;
export type ProjectRow = typeof project.$inferSelect;
export type NewProjectRow = typeof project.$inferInsert;
export type ProjectTagRow = typeof projectTag.$inferSelect;
export type ProjectOptionRow = typeof projectOption.$inferSelect;
export type ConfigRegisterRow = typeof configRegister.$inferSelect;
export type SensitiveConfigRow = typeof sensitiveConfig.$inferSelect;
export type WhitelistedConfigRow = typeof whitelistedConfig.$inferSelect;
export type UserRow = typeof user.$inferSelect;
export type NewUserRow = typeof user.$inferInsert;
export type UserOptionRow = typeof userOption.$inferSelect;
export type LocalUserRow = typeof localUser.$inferSelect;
export type NewLocalUserRow = typeof localUser.$inferInsert;
export type PasswordRow = typeof password.$inferSelect;
export type NewPasswordRow = typeof password.$inferInsert;
export type NonlocalUserRow = typeof nonlocalUser.$inferSelect;
export type GroupRow = typeof group.$inferSelect;
export type NewGroupRow = typeof group.$inferInsert;
export type UserGroupMembershipRow = typeof userGroupMembership.$inferSelect;
export type IdMappingRow = typeof idMapping.$inferSelect;
export type IdentityProviderRow = typeof identityProvider.$inferSelect;
export type IdpRemoteIdsRow = typeof idpRemoteIds.$inferSelect;
export type MappingRow = typeof mapping.$inferSelect;
export type FederationProtocolRow = typeof federationProtocol.$inferSelect;
export type FederatedUserRow = typeof federatedUser.$inferSelect;
export type ExpiringUserGroupMembershipRow = typeof expiringUserGroupMembership.$inferSelect;
export type ServiceProviderRow = typeof serviceProvider.$inferSelect;
export type RoleRow = typeof role.$inferSelect;
export type NewRoleRow = typeof role.$inferInsert;
export type RoleOptionRow = typeof roleOption.$inferSelect;
export type ImpliedRoleRow = typeof impliedRole.$inferSelect;
export type AssignmentRow = typeof assignment.$inferSelect;
export type AssignmentType = AssignmentRow['type'];
export type SystemAssignmentRow = typeof systemAssignment.$inferSelect;
export type RegionRow = typeof region.$inferSelect;
export type NewRegionRow = typeof region.$inferInsert;
export type ServiceRow = typeof service.$inferSelect;
export type NewServiceRow = typeof service.$inferInsert;
export type EndpointRow = typeof endpoint.$inferSelect;
export type NewEndpointRow = typeof endpoint.$inferInsert;
export type EndpointGroupRow = typeof endpointGroup.$inferSelect;
export type ProjectEndpointRow = typeof projectEndpoint.$inferSelect;
export type ProjectEndpointGroupRow = typeof projectEndpointGroup.$inferSelect;
export type PolicyRow = typeof policy.$inferSelect;
export type PolicyAssociationRow = typeof policyAssociation.$inferSelect;
export type CredentialRow = typeof credential.$inferSelect;
export type NewCredentialRow = typeof credential.$inferInsert;
export type RevocationEventRow = typeof revocationEvent.$inferSelect;
export type NewRevocationEventRow = typeof revocationEvent.$inferInsert;
export type TokenRow = typeof token.$inferSelect;
export type TrustRow = typeof trust.$inferSelect;
export type NewTrustRow = typeof trust.$inferInsert;
export type TrustRoleRow = typeof trustRole.$inferSelect;
export type ApplicationCredentialRow = typeof applicationCredential.$inferSelect;
export type NewApplicationCredentialRow = typeof applicationCredential.$inferInsert;
export type ApplicationCredentialRoleRow = typeof applicationCredentialRole.$inferSelect;
export type AccessRuleRow = typeof accessRule.$inferSelect;
export type NewAccessRuleRow = typeof accessRule.$inferInsert;
export type ApplicationCredentialAccessRuleRow = typeof applicationCredentialAccessRule.$inferSelect;
export type RegisteredLimitRow = typeof registeredLimit.$inferSelect;
export type NewRegisteredLimitRow = typeof registeredLimit.$inferInsert;
export type LimitRow = typeof limit.$inferSelect;
export type NewLimitRow = typeof limit.$inferInsert;
export type ConsumerRow = typeof consumer.$inferSelect;
export type RequestTokenRow = typeof requestToken.$inferSelect;
export type AccessTokenRow = typeof accessToken.$inferSelect;
