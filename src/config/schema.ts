// keystone.conf options keystone-ts understands, with py-keystone Zed's names and defaults.
// Options py-keystone has but keystone-ts ignores are accepted and left alone, as oslo.config does with
// options no code registered. keystone-ts's own knobs live in [keystone_ts] and [opa].
import { z } from 'zod';

const bool = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  return v;
}, z.boolean());
const int = z.coerce.number().int();
const optionalInt = z.preprocess((v) => (v === '' || v === 'None' ? undefined : v), int.optional());
const optionalStr = z.preprocess((v) => (v === '' || v === 'None' ? undefined : v), z.string().optional());
const list = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
  z.array(z.string()),
);

export const DEFAULT_AUTH_METHODS = ['external', 'password', 'token', 'oauth1', 'mapped', 'application_credential'];

export const configSchema = z.object({
  DEFAULT: z
    .object({
      public_endpoint: optionalStr,
      max_project_tree_depth: int.min(1).default(5),
      max_param_size: int.min(1).default(64),
      max_token_size: int.min(1).default(255),
      list_limit: optionalInt,
      strict_password_check: bool.default(false),
      insecure_debug: bool.default(false),
      debug: bool.default(false),
      max_request_body_size: int.min(1).default(114688),
    })
    .prefault({}),
  database: z.object({ connection: optionalStr, max_pool_size: int.min(1).default(10) }).prefault({}),
  token: z
    .object({
      expiration: int.min(0).default(3600),
      provider: z.enum(['fernet']).default('fernet'),
      caching: bool.default(true),
      cache_time: optionalInt,
      revoke_by_id: bool.default(true),
      allow_rescope_scoped_token: bool.default(true),
      allow_expired_window: int.min(0).default(48 * 60 * 60),
    })
    .prefault({}),
  fernet_tokens: z
    .object({ key_repository: z.string().default('/etc/keystone/fernet-keys/'), max_active_keys: int.min(1).default(3) })
    .prefault({}),
  fernet_receipts: z
    .object({ key_repository: z.string().default('/etc/keystone/fernet-keys/'), max_active_keys: int.min(1).default(3) })
    .prefault({}),
  credential: z
    .object({ key_repository: z.string().default('/etc/keystone/credential-keys/'), user_limit: int.default(-1) })
    .prefault({}),
  identity: z
    .object({
      default_domain_id: z.string().default('default'),
      max_password_length: int.min(1).default(4096),
      password_hash_algorithm: z.enum(['bcrypt', 'bcrypt_sha256', 'scrypt', 'pbkdf2_sha512']).default('bcrypt'),
      password_hash_rounds: optionalInt,
      /** Bytes of salt for scrypt and pbkdf2_sha512 hashes (passlib's default, 16, when unset or 0). */
      salt_bytesize: z.preprocess((v) => (v === '' || v === 'None' ? undefined : v), int.min(0).max(96).optional()),
      /** scrypt's r (passlib's default, 8, when unset or 0). */
      scrypt_block_size: optionalInt,
      /** scrypt's p (passlib's default, 1, when unset or 0). py-keystone's Python name is `scrypt_paralellism`; the option is this. */
      scrypt_parallelism: optionalInt,
      list_limit: optionalInt,
    })
    .prefault({}),
  auth: z.object({ methods: list.default(DEFAULT_AUTH_METHODS) }).prefault({}),
  catalog: z.object({ list_limit: optionalInt }).prefault({}),
  /** With false, a token whose project has no OS-EP-FILTER associations (or a domain or system token) gets an empty catalog. */
  endpoint_filter: z.object({ return_all_endpoints_if_no_filter: bool.default(true) }).prefault({}),
  /** The /v3/policies API (stored policy blobs), not the authorization rules of [oslo_policy]. */
  policy: z.object({ list_limit: optionalInt }).prefault({}),
  resource: z
    .object({ list_limit: optionalInt, admin_project_domain_name: optionalStr, admin_project_name: optionalStr })
    .prefault({}),
  unified_limit: z
    .object({
      /** How project and domain limits are checked against the hierarchy (py-keystone's model names). */
      enforcement_model: z.enum(['flat', 'strict_two_level']).default('flat'),
      list_limit: optionalInt,
    })
    .prefault({}),
  trust: z
    .object({
      /** Registered by py-keystone Zed but read nowhere (a trust's own allow_redelegation decides); the same here. */
      allow_redelegation: bool.default(false),
      /** The longest chain of redelegated trusts, and the redelegation_count a redelegatable trust starts with. */
      max_redelegation_count: int.default(3),
    })
    .prefault({}),
  security_compliance: z
    .object({
      disable_user_account_days_inactive: optionalInt,
      lockout_failure_attempts: optionalInt,
      lockout_duration: int.default(1800),
      password_expires_days: optionalInt,
      unique_last_password_count: int.min(0).default(0),
      minimum_password_age: int.min(0).default(0),
      password_regex: optionalStr,
      password_regex_description: optionalStr,
      change_password_upon_first_use: bool.default(false),
    })
    .prefault({}),
  oslo_policy: z
    .object({
      enforce_scope: bool.default(false),
      enforce_new_defaults: bool.default(false),
      policy_file: z.string().default('policy.yaml'),
      policy_default_rule: z.string().default('default'),
    })
    .prefault({}),
  keystone_ts: z
    .object({
      bind: z.string().regex(/^[^:]+:\d+$/, 'must be HOST:PORT').default('127.0.0.1:5000'),
      /** 0 = one per core (PostgreSQL only; the embedded database is single-process). */
      workers: int.min(0).default(0),
      /** Where the embedded database (PGlite) keeps its files when [database] connection is unset. */
      data_dir: z.string().default('data/pglite'),
      /** Upper bound, in seconds, on how long a validated token stays cached before revocations are re-read. */
      validation_cache_seconds: z.coerce.number().min(0).default(2),
      validation_cache_entries: int.min(0).default(10000),
    })
    .prefault({}),
  opa: z
    .object({
      url: optionalStr,
      wasm_bundle: optionalStr,
      timeout_ms: int.min(1).default(500),
      decision_cache_seconds: z.coerce.number().min(0).default(0),
    })
    .prefault({}),
});

export type KeystoneConfig = z.infer<typeof configSchema>;
