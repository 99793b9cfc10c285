// The schema `keystone-manage db_sync` (py-keystone Zed) leaves in an empty PostgreSQL database, as plain DDL.
// Derived from `pg_dump --schema-only` of a database real db_sync created, regrouped per table (primary key,
// unique and foreign-key constraints inline, `serial` for the columns db_sync backs with an owned sequence).
// Names are unqualified, so everything lands in the connection's current schema exactly where py-keystone's
// tables would. test/db/baseline-matches-keystone-manage.test.ts proves the result is catalog-identical.
// Runs unchanged on PostgreSQL and PGlite. Never edit one statement without rerunning that test.

/** Zed's alembic heads: the expand and contract branches (both no-op migrations over the initial version). */
export const ZED_EXPAND_HEAD = '29e87d24a316';
export const ZED_CONTRACT_HEAD = 'e25ffa003242';
export const ZED_HEADS: readonly string[] = [ZED_CONTRACT_HEAD, ZED_EXPAND_HEAD];

/** db_sync's project row every domain points at; its `enabled` is false and it is never listed. */
const ROOT_DOMAIN = `'<<keystone.domain.root>>'`;

/** The two enum types; `assignment.type` uses the one literally named `type`. */
export const ZED_TYPES: readonly string[] = [
  `CREATE TYPE entity_type AS ENUM ('user', 'group')`,
  `CREATE TYPE "type" AS ENUM ('UserProject', 'GroupProject', 'UserDomain', 'GroupDomain')`,
];

/** Tables in dependency order, each with its constraints. */
export const ZED_TABLES: readonly string[] = [
  `CREATE TABLE alembic_version (
    version_num character varying(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
  )`,
  `CREATE TABLE project (
    id character varying(64) NOT NULL,
    name character varying(64) NOT NULL,
    extra text,
    description text,
    enabled boolean,
    domain_id character varying(64) NOT NULL,
    parent_id character varying(64),
    is_domain boolean DEFAULT false NOT NULL,
    CONSTRAINT project_pkey PRIMARY KEY (id),
    CONSTRAINT ixu_project_name_domain_id UNIQUE (domain_id, name),
    CONSTRAINT project_domain_id_fkey FOREIGN KEY (domain_id) REFERENCES project(id),
    CONSTRAINT project_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES project(id)
  )`,
  `CREATE TABLE project_tag (
    project_id character varying(64) NOT NULL,
    name character varying(255) NOT NULL,
    CONSTRAINT project_tag_pkey PRIMARY KEY (project_id, name),
    CONSTRAINT project_tag_project_id_fkey FOREIGN KEY (project_id) REFERENCES project(id) ON DELETE CASCADE
  )`,
  `CREATE TABLE project_option (
    project_id character varying(64) NOT NULL,
    option_id character varying(4) NOT NULL,
    option_value text,
    CONSTRAINT project_option_pkey PRIMARY KEY (project_id, option_id),
    CONSTRAINT project_option_project_id_fkey FOREIGN KEY (project_id) REFERENCES project(id) ON DELETE CASCADE
  )`,
  `CREATE TABLE config_register (
    type character varying(64) NOT NULL,
    domain_id character varying(64) NOT NULL,
    CONSTRAINT config_register_pkey PRIMARY KEY (type)
  )`,
  `CREATE TABLE sensitive_config (
    domain_id character varying(64) NOT NULL,
    "group" character varying(255) NOT NULL,
    option character varying(255) NOT NULL,
    value text NOT NULL,
    CONSTRAINT sensitive_config_pkey PRIMARY KEY (domain_id, "group", option)
  )`,
  `CREATE TABLE whitelisted_config (
    domain_id character varying(64) NOT NULL,
    "group" character varying(255) NOT NULL,
    option character varying(255) NOT NULL,
    value text NOT NULL,
    CONSTRAINT whitelisted_config_pkey PRIMARY KEY (domain_id, "group", option)
  )`,
  `CREATE TABLE "user" (
    id character varying(64) NOT NULL,
    extra text,
    enabled boolean,
    default_project_id character varying(64),
    created_at timestamp without time zone,
    last_active_at date,
    domain_id character varying(64) NOT NULL,
    CONSTRAINT user_pkey PRIMARY KEY (id),
    CONSTRAINT ixu_user_id_domain_id UNIQUE (id, domain_id)
  )`,
  `CREATE TABLE user_option (
    user_id character varying(64) NOT NULL,
    option_id character varying(4) NOT NULL,
    option_value text,
    CONSTRAINT user_option_pkey PRIMARY KEY (user_id, option_id),
    CONSTRAINT user_option_user_id_fkey FOREIGN KEY (user_id) REFERENCES "user"(id) ON DELETE CASCADE
  )`,
  `CREATE TABLE local_user (
    id serial NOT NULL,
    user_id character varying(64) NOT NULL,
    domain_id character varying(64) NOT NULL,
    name character varying(255) NOT NULL,
    failed_auth_count integer,
    failed_auth_at timestamp without time zone,
    CONSTRAINT local_user_pkey PRIMARY KEY (id),
    CONSTRAINT local_user_domain_id_name_key UNIQUE (domain_id, name),
    CONSTRAINT local_user_user_id_key UNIQUE (user_id),
    CONSTRAINT local_user_user_id_fkey FOREIGN KEY (user_id, domain_id) REFERENCES "user"(id, domain_id) ON UPDATE CASCADE ON DELETE CASCADE
  )`,
  `CREATE TABLE password (
    id serial NOT NULL,
    local_user_id integer NOT NULL,
    expires_at timestamp without time zone,
    self_service boolean DEFAULT false NOT NULL,
    password_hash character varying(255),
    created_at_int bigint DEFAULT '0'::bigint NOT NULL,
    expires_at_int bigint,
    created_at timestamp without time zone NOT NULL,
    CONSTRAINT password_pkey PRIMARY KEY (id),
    CONSTRAINT password_local_user_id_fkey FOREIGN KEY (local_user_id) REFERENCES local_user(id) ON DELETE CASCADE
  )`,
  `CREATE TABLE nonlocal_user (
    domain_id character varying(64) NOT NULL,
    name character varying(255) NOT NULL,
    user_id character varying(64) NOT NULL,
    CONSTRAINT nonlocal_user_pkey PRIMARY KEY (domain_id, name),
    CONSTRAINT ixu_nonlocal_user_user_id UNIQUE (user_id),
    CONSTRAINT nonlocal_user_user_id_fkey FOREIGN KEY (user_id, domain_id) REFERENCES "user"(id, domain_id) ON UPDATE CASCADE ON DELETE CASCADE
  )`,
  `CREATE TABLE "group" (
    id character varying(64) NOT NULL,
    domain_id character varying(64) NOT NULL,
    name character varying(64) NOT NULL,
    description text,
    extra text,
    CONSTRAINT group_pkey PRIMARY KEY (id),
    CONSTRAINT ixu_group_name_domain_id UNIQUE (domain_id, name)
  )`,
  `CREATE TABLE user_group_membership (
    user_id character varying(64) NOT NULL,
    group_id character varying(64) NOT NULL,
    CONSTRAINT user_group_membership_pkey PRIMARY KEY (user_id, group_id),
    CONSTRAINT fk_user_group_membership_group_id FOREIGN KEY (group_id) REFERENCES "group"(id),
    CONSTRAINT fk_user_group_membership_user_id FOREIGN KEY (user_id) REFERENCES "user"(id)
  )`,
  `CREATE TABLE id_mapping (
    public_id character varying(64) NOT NULL,
    domain_id character varying(64) NOT NULL,
    local_id character varying(255) NOT NULL,
    entity_type entity_type NOT NULL,
    CONSTRAINT id_mapping_pkey PRIMARY KEY (public_id),
    CONSTRAINT domain_id UNIQUE (domain_id, local_id, entity_type)
  )`,
  `CREATE TABLE identity_provider (
    id character varying(64) NOT NULL,
    enabled boolean NOT NULL,
    description text,
    domain_id character varying(64) NOT NULL,
    authorization_ttl integer,
    CONSTRAINT identity_provider_pkey PRIMARY KEY (id)
  )`,
  `CREATE TABLE idp_remote_ids (
    idp_id character varying(64),
    remote_id character varying(255) NOT NULL,
    CONSTRAINT idp_remote_ids_pkey PRIMARY KEY (remote_id),
    CONSTRAINT idp_remote_ids_idp_id_fkey FOREIGN KEY (idp_id) REFERENCES identity_provider(id) ON DELETE CASCADE
  )`,
  `CREATE TABLE mapping (
    id character varying(64) NOT NULL,
    rules text NOT NULL,
    CONSTRAINT mapping_pkey PRIMARY KEY (id)
  )`,
  `CREATE TABLE federation_protocol (
    id character varying(64) NOT NULL,
    idp_id character varying(64) NOT NULL,
    mapping_id character varying(64) NOT NULL,
    remote_id_attribute character varying(64),
    CONSTRAINT federation_protocol_pkey PRIMARY KEY (id, idp_id),
    CONSTRAINT federation_protocol_idp_id_fkey FOREIGN KEY (idp_id) REFERENCES identity_provider(id) ON DELETE CASCADE
  )`,
  `CREATE TABLE federated_user (
    id serial NOT NULL,
    user_id character varying(64) NOT NULL,
    idp_id character varying(64) NOT NULL,
    protocol_id character varying(64) NOT NULL,
    unique_id character varying(255) NOT NULL,
    display_name character varying(255),
    CONSTRAINT federated_user_pkey PRIMARY KEY (id),
    CONSTRAINT federated_user_idp_id_protocol_id_unique_id_key UNIQUE (idp_id, protocol_id, unique_id),
    CONSTRAINT federated_user_idp_id_fkey FOREIGN KEY (idp_id) REFERENCES identity_provider(id) ON DELETE CASCADE,
    CONSTRAINT federated_user_protocol_id_fkey FOREIGN KEY (protocol_id, idp_id) REFERENCES federation_protocol(id, idp_id) ON DELETE CASCADE,
    CONSTRAINT federated_user_user_id_fkey FOREIGN KEY (user_id) REFERENCES "user"(id) ON DELETE CASCADE
  )`,
  `CREATE TABLE expiring_user_group_membership (
    user_id character varying(64) NOT NULL,
    group_id character varying(64) NOT NULL,
    idp_id character varying(64) NOT NULL,
    last_verified timestamp without time zone NOT NULL,
    CONSTRAINT expiring_user_group_membership_pkey PRIMARY KEY (user_id, group_id, idp_id),
    CONSTRAINT expiring_user_group_membership_group_id_fkey FOREIGN KEY (group_id) REFERENCES "group"(id),
    CONSTRAINT expiring_user_group_membership_idp_id_fkey FOREIGN KEY (idp_id) REFERENCES identity_provider(id) ON DELETE CASCADE,
    CONSTRAINT expiring_user_group_membership_user_id_fkey FOREIGN KEY (user_id) REFERENCES "user"(id)
  )`,
  `CREATE TABLE service_provider (
    auth_url character varying(256) NOT NULL,
    id character varying(64) NOT NULL,
    enabled boolean NOT NULL,
    description text,
    sp_url character varying(256) NOT NULL,
    relay_state_prefix character varying(256) DEFAULT 'ss:mem:'::character varying NOT NULL,
    CONSTRAINT service_provider_pkey PRIMARY KEY (id)
  )`,
  `CREATE TABLE role (
    id character varying(64) NOT NULL,
    name character varying(255) NOT NULL,
    extra text,
    domain_id character varying(64) DEFAULT '<<null>>'::character varying NOT NULL,
    description character varying(255),
    CONSTRAINT role_pkey PRIMARY KEY (id),
    CONSTRAINT ixu_role_name_domain_id UNIQUE (name, domain_id)
  )`,
  `CREATE TABLE role_option (
    role_id character varying(64) NOT NULL,
    option_id character varying(4) NOT NULL,
    option_value text,
    CONSTRAINT role_option_pkey PRIMARY KEY (role_id, option_id),
    CONSTRAINT role_option_role_id_fkey FOREIGN KEY (role_id) REFERENCES role(id) ON DELETE CASCADE
  )`,
  `CREATE TABLE implied_role (
    prior_role_id character varying(64) NOT NULL,
    implied_role_id character varying(64) NOT NULL,
    CONSTRAINT implied_role_pkey PRIMARY KEY (prior_role_id, implied_role_id),
    CONSTRAINT implied_role_implied_role_id_fkey FOREIGN KEY (implied_role_id) REFERENCES role(id) ON DELETE CASCADE,
    CONSTRAINT implied_role_prior_role_id_fkey FOREIGN KEY (prior_role_id) REFERENCES role(id) ON DELETE CASCADE
  )`,
  `CREATE TABLE assignment (
    type "type" NOT NULL,
    actor_id character varying(64) NOT NULL,
    target_id character varying(64) NOT NULL,
    role_id character varying(64) NOT NULL,
    inherited boolean NOT NULL,
    CONSTRAINT assignment_pkey PRIMARY KEY (type, actor_id, target_id, role_id, inherited)
  )`,
  `CREATE TABLE system_assignment (
    type character varying(64) NOT NULL,
    actor_id character varying(64) NOT NULL,
    target_id character varying(64) NOT NULL,
    role_id character varying(64) NOT NULL,
    inherited boolean NOT NULL,
    CONSTRAINT system_assignment_pkey PRIMARY KEY (type, actor_id, target_id, role_id, inherited)
  )`,
  `CREATE TABLE region (
    id character varying(255) NOT NULL,
    description character varying(255) NOT NULL,
    parent_region_id character varying(255),
    extra text,
    CONSTRAINT region_pkey PRIMARY KEY (id)
  )`,
  `CREATE TABLE service (
    id character varying(64) NOT NULL,
    type character varying(255),
    enabled boolean DEFAULT true NOT NULL,
    extra text,
    CONSTRAINT service_pkey PRIMARY KEY (id)
  )`,
  `CREATE TABLE endpoint (
    id character varying(64) NOT NULL,
    legacy_endpoint_id character varying(64),
    interface character varying(8) NOT NULL,
    service_id character varying(64) NOT NULL,
    url text NOT NULL,
    extra text,
    enabled boolean DEFAULT true NOT NULL,
    region_id character varying(255),
    CONSTRAINT endpoint_pkey PRIMARY KEY (id),
    CONSTRAINT endpoint_service_id_fkey FOREIGN KEY (service_id) REFERENCES service(id),
    CONSTRAINT fk_endpoint_region_id FOREIGN KEY (region_id) REFERENCES region(id)
  )`,
  `CREATE TABLE endpoint_group (
    id character varying(64) NOT NULL,
    name character varying(255) NOT NULL,
    description text,
    filters text NOT NULL,
    CONSTRAINT endpoint_group_pkey PRIMARY KEY (id)
  )`,
  `CREATE TABLE project_endpoint (
    endpoint_id character varying(64) NOT NULL,
    project_id character varying(64) NOT NULL,
    CONSTRAINT project_endpoint_pkey PRIMARY KEY (endpoint_id, project_id)
  )`,
  `CREATE TABLE project_endpoint_group (
    endpoint_group_id character varying(64) NOT NULL,
    project_id character varying(64) NOT NULL,
    CONSTRAINT project_endpoint_group_pkey PRIMARY KEY (endpoint_group_id, project_id),
    CONSTRAINT project_endpoint_group_endpoint_group_id_fkey FOREIGN KEY (endpoint_group_id) REFERENCES endpoint_group(id)
  )`,
  `CREATE TABLE policy (
    id character varying(64) NOT NULL,
    type character varying(255) NOT NULL,
    blob text NOT NULL,
    extra text,
    CONSTRAINT policy_pkey PRIMARY KEY (id)
  )`,
  `CREATE TABLE policy_association (
    id character varying(64) NOT NULL,
    policy_id character varying(64) NOT NULL,
    endpoint_id character varying(64),
    service_id character varying(64),
    region_id character varying(64),
    CONSTRAINT policy_association_pkey PRIMARY KEY (id),
    CONSTRAINT policy_association_endpoint_id_service_id_region_id_key UNIQUE (endpoint_id, service_id, region_id)
  )`,
  `CREATE TABLE credential (
    id character varying(64) NOT NULL,
    user_id character varying(64) NOT NULL,
    project_id character varying(64),
    type character varying(255) NOT NULL,
    extra text,
    key_hash character varying(64) NOT NULL,
    encrypted_blob text NOT NULL,
    CONSTRAINT credential_pkey PRIMARY KEY (id)
  )`,
  `CREATE TABLE revocation_event (
    id serial NOT NULL,
    domain_id character varying(64),
    project_id character varying(64),
    user_id character varying(64),
    role_id character varying(64),
    trust_id character varying(64),
    consumer_id character varying(64),
    access_token_id character varying(64),
    issued_before timestamp without time zone NOT NULL,
    expires_at timestamp without time zone,
    revoked_at timestamp without time zone NOT NULL,
    audit_id character varying(32),
    audit_chain_id character varying(32),
    CONSTRAINT revocation_event_pkey PRIMARY KEY (id)
  )`,
  `CREATE TABLE token (
    id character varying(64) NOT NULL,
    expires timestamp without time zone,
    extra text,
    valid boolean NOT NULL,
    trust_id character varying(64),
    user_id character varying(64),
    CONSTRAINT token_pkey PRIMARY KEY (id)
  )`,
  `CREATE TABLE trust (
    id character varying(64) NOT NULL,
    trustor_user_id character varying(64) NOT NULL,
    trustee_user_id character varying(64) NOT NULL,
    project_id character varying(64),
    impersonation boolean NOT NULL,
    deleted_at timestamp without time zone,
    expires_at timestamp without time zone,
    remaining_uses integer,
    extra text,
    expires_at_int bigint,
    redelegated_trust_id character varying(64),
    redelegation_count integer,
    CONSTRAINT trust_pkey PRIMARY KEY (id),
    CONSTRAINT duplicate_trust_constraint_expanded UNIQUE (trustor_user_id, trustee_user_id, project_id, impersonation, expires_at, expires_at_int)
  )`,
  `CREATE TABLE trust_role (
    trust_id character varying(64) NOT NULL,
    role_id character varying(64) NOT NULL,
    CONSTRAINT trust_role_pkey PRIMARY KEY (trust_id, role_id)
  )`,
  `CREATE TABLE application_credential (
    internal_id serial NOT NULL,
    id character varying(64) NOT NULL,
    name character varying(255) NOT NULL,
    secret_hash character varying(255) NOT NULL,
    description text,
    user_id character varying(64) NOT NULL,
    project_id character varying(64),
    expires_at bigint,
    system character varying(64),
    unrestricted boolean,
    CONSTRAINT application_credential_pkey PRIMARY KEY (internal_id),
    CONSTRAINT duplicate_app_cred_constraint UNIQUE (user_id, name)
  )`,
  `CREATE TABLE application_credential_role (
    application_credential_id integer NOT NULL,
    role_id character varying(64) NOT NULL,
    CONSTRAINT application_credential_role_pkey PRIMARY KEY (application_credential_id, role_id),
    CONSTRAINT application_credential_role_application_credential_id_fkey FOREIGN KEY (application_credential_id) REFERENCES application_credential(internal_id) ON DELETE CASCADE
  )`,
  `CREATE TABLE access_rule (
    id serial NOT NULL,
    service character varying(64),
    path character varying(128),
    method character varying(16),
    external_id character varying(64),
    user_id character varying(64),
    CONSTRAINT access_rule_pkey PRIMARY KEY (id),
    CONSTRAINT access_rule_external_id_key UNIQUE (external_id),
    CONSTRAINT duplicate_access_rule_for_user_constraint UNIQUE (user_id, service, path, method)
  )`,
  `CREATE TABLE application_credential_access_rule (
    application_credential_id integer NOT NULL,
    access_rule_id integer NOT NULL,
    CONSTRAINT application_credential_access_rule_pkey PRIMARY KEY (application_credential_id, access_rule_id),
    CONSTRAINT application_credential_access_ru_application_credential_id_fkey FOREIGN KEY (application_credential_id) REFERENCES application_credential(internal_id) ON DELETE CASCADE,
    CONSTRAINT application_credential_access_rule_access_rule_id_fkey FOREIGN KEY (access_rule_id) REFERENCES access_rule(id) ON DELETE CASCADE
  )`,
  `CREATE TABLE registered_limit (
    id character varying(64) NOT NULL,
    service_id character varying(255),
    region_id character varying(64),
    resource_name character varying(255),
    default_limit integer NOT NULL,
    description text,
    internal_id serial NOT NULL,
    CONSTRAINT registered_limit_pkey PRIMARY KEY (internal_id),
    CONSTRAINT registered_limit_id_key UNIQUE (id)
  )`,
  `CREATE TABLE "limit" (
    id character varying(64) NOT NULL,
    project_id character varying(64),
    resource_limit integer NOT NULL,
    description text,
    internal_id serial NOT NULL,
    registered_limit_id character varying(64),
    domain_id character varying(64),
    CONSTRAINT limit_pkey PRIMARY KEY (internal_id),
    CONSTRAINT limit_id_key UNIQUE (id)
  )`,
  `CREATE TABLE consumer (
    id character varying(64) NOT NULL,
    description character varying(64),
    secret character varying(64) NOT NULL,
    extra text NOT NULL,
    CONSTRAINT consumer_pkey PRIMARY KEY (id)
  )`,
  `CREATE TABLE request_token (
    id character varying(64) NOT NULL,
    request_secret character varying(64) NOT NULL,
    verifier character varying(64),
    authorizing_user_id character varying(64),
    requested_project_id character varying(64) NOT NULL,
    role_ids text,
    consumer_id character varying(64) NOT NULL,
    expires_at character varying(64),
    CONSTRAINT request_token_pkey PRIMARY KEY (id),
    CONSTRAINT request_token_consumer_id_fkey FOREIGN KEY (consumer_id) REFERENCES consumer(id)
  )`,
  `CREATE TABLE access_token (
    id character varying(64) NOT NULL,
    access_secret character varying(64) NOT NULL,
    authorizing_user_id character varying(64) NOT NULL,
    project_id character varying(64) NOT NULL,
    role_ids text NOT NULL,
    consumer_id character varying(64) NOT NULL,
    expires_at character varying(64),
    CONSTRAINT access_token_pkey PRIMARY KEY (id),
    CONSTRAINT access_token_consumer_id_fkey FOREIGN KEY (consumer_id) REFERENCES consumer(id)
  )`,
];

/** Non-unique indexes (unique ones come with their constraints above). */
export const ZED_INDEXES: readonly string[] = [
  `CREATE INDEX external_id ON access_rule (external_id)`,
  `CREATE INDEX group_id ON user_group_membership (group_id)`,
  `CREATE INDEX ix_access_token_authorizing_user_id ON access_token (authorizing_user_id)`,
  `CREATE INDEX ix_access_token_consumer_id ON access_token (consumer_id)`,
  `CREATE INDEX ix_actor_id ON assignment (actor_id)`,
  `CREATE INDEX ix_default_project_id ON "user" (default_project_id)`,
  `CREATE INDEX ix_request_token_consumer_id ON request_token (consumer_id)`,
  `CREATE INDEX ix_revocation_event_audit_id_issued_before ON revocation_event (audit_id, issued_before)`,
  `CREATE INDEX ix_revocation_event_issued_before ON revocation_event (issued_before)`,
  `CREATE INDEX ix_revocation_event_new_revoked_at ON revocation_event (revoked_at)`,
  `CREATE INDEX ix_revocation_event_project_id_issued_before ON revocation_event (project_id, issued_before)`,
  `CREATE INDEX ix_revocation_event_user_id_issued_before ON revocation_event (user_id, issued_before)`,
  `CREATE INDEX ix_token_expires ON token (expires)`,
  `CREATE INDEX ix_token_expires_valid ON token (expires, valid)`,
  `CREATE INDEX ix_token_trust_id ON token (trust_id)`,
  `CREATE INDEX ix_token_user_id ON token (user_id)`,
  `CREATE INDEX service_id ON endpoint (service_id)`,
  `CREATE INDEX user_id ON access_rule (user_id)`,
];

/**
 * Leftovers of pre-Zed data migrations: db_sync creates these trigger functions on PostgreSQL although no trigger
 * uses them any more. Kept, byte for byte, so a later py-keystone migration that drops them finds them.
 */
export const ZED_FUNCTIONS: readonly string[] = [
  `CREATE FUNCTION keystone_read_only_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  RAISE EXCEPTION 'Identity provider migration in progress. Cannot insert new rows into the identity_provider table at this time.';
END
$$`,
  `CREATE FUNCTION keystone_read_only_update() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF NEW.encrypted_blob IS NULL THEN
    RAISE EXCEPTION 'Credential migration in progress. Cannot perform writes to credential table.';
  END IF;
  IF NEW.encrypted_blob IS NOT NULL AND OLD.blob IS NULL THEN
    RAISE EXCEPTION 'Credential migration in progress. Cannot perform writes to credential table.';
  END IF;
  RETURN NEW;
END
$$`,
  `CREATE FUNCTION update_federated_user_domain_id() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE "user" SET domain_id = (
        SELECT domain_id FROM identity_provider WHERE id = NEW.idp_id)
        WHERE id = NEW.user_id and domain_id IS NULL;
    RETURN NULL;
END
$$`,
  `CREATE FUNCTION update_user_domain_id() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE "user" SET domain_id = NEW.domain_id
        WHERE id = NEW.user_id;
    RETURN NULL;
END
$$`,
];

/** The rows db_sync writes: both alembic heads, and the root of all domains. */
export const ZED_SEED_ROWS: readonly string[] = [
  `INSERT INTO alembic_version (version_num) VALUES ('${ZED_CONTRACT_HEAD}'), ('${ZED_EXPAND_HEAD}')`,
  `INSERT INTO project (id, name, extra, description, enabled, domain_id, parent_id, is_domain)
    VALUES (${ROOT_DOMAIN}, ${ROOT_DOMAIN}, '{}', '', false, ${ROOT_DOMAIN}, NULL, true)`,
];

/** Every statement, in order, that turns an empty schema into py-keystone Zed's. */
export const ZED_BASELINE: readonly string[] = [
  ...ZED_TYPES,
  ...ZED_FUNCTIONS,
  ...ZED_TABLES,
  ...ZED_INDEXES,
  ...ZED_SEED_ROWS,
];

/** Legacy table names, for telling a py-keystone database from an empty or foreign one. */
export const ZED_TABLE_NAMES: readonly string[] = ZED_TABLES.map((ddl) => {
  const name = /^CREATE TABLE "?([a-z_]+)"?/.exec(ddl)?.[1];
  if (!name) throw new Error(`baseline statement is not a CREATE TABLE: ${ddl.slice(0, 40)}`);
  return name;
});
