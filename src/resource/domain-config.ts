// The domain configuration API (/v3/domains/{id}/config...) with py-keystone's DomainConfigManager rules: only
// whitelisted or sensitive options of the identity and ldap groups, sensitive values never shown, an update or
// delete of a group or option needs it to exist, and `security_compliance` is a read-only view of keystone.conf for
// the default domain. Errors about the configuration itself are 403 "Invalid domain specific configuration".
import type { AuthContext } from '../auth/context.js';
import { Forbidden, NotFound, UnexpectedError, ValidationError } from '../errors.js';
import { isPlainObject } from '../python/values.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { bodyMember } from './body.js';
import { defaultValue, isKnownGroup, isKnownOption, isSensitive, isWhitelisted, WHITELISTED } from './domain-config-options.js';
import {
  deleteConfigOptions,
  insertConfigOptions,
  listConfigOptions,
  type ConfigOption,
} from './domain-config-store.js';
import { loadDomain } from './project-rules.js';
import type { ResourceDeps } from './service.js';

export type DomainConfig = Record<string, unknown>;

export type ConfigPath = {
  domain_id: string;
  group?: string | undefined;
  option?: string | undefined;
};

const invalid = (reason: string) => new Forbidden(`Invalid domain specific configuration: ${reason}.`);

const SECURITY_COMPLIANCE_READABLE = ['password_regex', 'password_regex_description'] as const;

export class DomainConfigService {
  constructor(private readonly deps: ResourceDeps) {}

  /**
   * GET .../config[/group[/option]]. py-keystone looks the domain up first but raises its 404 only after policy
   * and the config lookup, so an unauthorised caller cannot learn whether the domain exists.
   */
  async get(caller: AuthContext, path: ConfigPath, body: unknown): Promise<DomainConfig> {
    const domain = await loadDomain(this.deps.db, path.domain_id).catch((err: unknown) => err as Error);
    let config: DomainConfig;
    if (path.group === 'security_compliance') {
      await this.authorize(caller, 'identity:get_security_compliance_domain_config', path, body);
      config = this.securityCompliance(path.domain_id, path.option);
    } else {
      await this.authorize(caller, 'identity:get_domain_config', path, body);
      config = await this.whitelistedConfig(path);
    }
    if (domain instanceof Error) throw domain;
    return config;
  }

  /** PUT .../config: replaces the whole configuration; `created` when the domain had none. */
  async create(caller: AuthContext, domainId: string, body: unknown): Promise<{ config: DomainConfig; created: boolean }> {
    await this.authorize(caller, 'identity:create_domain_config', { domain_id: domainId }, body);
    await loadDomain(this.deps.db, domainId);
    const config = bodyMember(body, 'config');
    const hadConfig = (await this.allOptions(domainId)).length > 0;
    const options = toOptionList(assertValidConfig(config));
    const stored = await this.deps.transaction(async (tx) => {
      await deleteConfigOptions(tx, domainId);
      await insertConfigOptions(tx, domainId, options);
      return listConfigOptions(tx, domainId, { sensitive: false });
    });
    return { config: toConfig(stored), created: !hadConfig };
  }

  /** PATCH .../config[/group[/option]]: merges options in; a named group or option must already exist. */
  async update(caller: AuthContext, path: ConfigPath, body: unknown): Promise<DomainConfig> {
    await this.authorize(caller, 'identity:update_domain_config', path, body);
    await loadDomain(this.deps.db, path.domain_id);
    const { domain_id: domainId, group, option } = path;
    const raw = bodyMember(body, 'config');
    const config = assertValidConfig(group && option ? { [group]: raw } : raw);
    assertValidGroupAndOption(group, option);
    if (group) {
      const groupOptions = config[group];
      if (Object.keys(config).length !== 1 || (option && Object.keys(groupOptions ?? {}).length !== 1)) {
        throw invalid(
          option
            ? `Trying to update option ${option} in group ${group}, so that, and only that, option must be specified  in the config`
            : `Trying to update group ${group}, so that, and only that, group must be specified in the config`,
        );
      }
      if (!groupOptions) {
        throw invalid(`request to update group ${group}, but config provided contains group ${Object.keys(config)[0]!} instead`);
      }
      if (option && !Object.hasOwn(groupOptions, option)) {
        throw invalid(
          `Trying to update option ${option} in group ${group}, but config provided contains option ` +
            `${Object.keys(groupOptions)[0]!} instead`,
        );
      }
      if ((await this.allOptions(domainId, group, option)).length === 0) throw notFoundIn(domainId, group, option);
    }
    const options = toOptionList(config);
    await this.deps.transaction(async (tx) => {
      for (const o of options) {
        await deleteConfigOptions(tx, domainId, o.group, o.option);
        await insertConfigOptions(tx, domainId, [o]);
      }
    });
    return this.whitelistedConfig({ domain_id: domainId });
  }

  /** DELETE .../config[/group[/option]]: a named group or option must exist (with a value Python finds true). */
  async delete(caller: AuthContext, path: ConfigPath, body: unknown): Promise<void> {
    await this.authorize(caller, 'identity:delete_domain_config', path, body);
    await loadDomain(this.deps.db, path.domain_id);
    const { domain_id: domainId, group, option } = path;
    assertValidGroupAndOption(group, option);
    if (group) {
      const current = toConfig(await this.allOptions(domainId));
      const currentGroup = current[group] as Record<string, unknown> | undefined;
      if (!currentGroup) throw notFoundIn(domainId, group);
      if (option && !pythonTruthy(currentGroup[option])) throw notFoundIn(domainId, group, option);
    }
    await deleteConfigOptions(this.deps.db, domainId, group, option);
  }

  /** GET /v3/domains/config[/group[/option]]/default: what keystone.conf gives the whitelisted options. */
  async getDefault(caller: AuthContext, path: { group?: string | undefined; option?: string | undefined }, body: unknown) {
    await this.authorize(caller, 'identity:get_domain_config_default', path, body);
    const { group, option } = path;
    assertValidGroupAndOption(group, option);
    const value = (g: string, o: string) => defaultValue(this.deps.config, g, o);
    if (group && option) {
      if (!isWhitelisted(group, option)) {
        throw invalid(`Reading the default for option ${option} in group ${group} is not supported`);
      }
      return { [option]: value(group, option) };
    }
    const groups = group ? [group] : Object.keys(WHITELISTED);
    return Object.fromEntries(groups.map((g) => [g, Object.fromEntries(WHITELISTED[g]!.map((o) => [o, value(g, o)]))]));
  }

  private async whitelistedConfig(path: ConfigPath): Promise<DomainConfig> {
    const { domain_id: domainId, group, option } = path;
    assertValidGroupAndOption(group, option);
    const options = await listConfigOptions(this.deps.db, domainId, { group, option, sensitive: false });
    if (options.length === 0) throw notFoundIn(domainId, group, option);
    return toConfig(options, option);
  }

  private securityCompliance(domainId: string, option: string | undefined): DomainConfig {
    if (domainId !== this.deps.config.identity.default_domain_id) {
      throw invalid(
        'Reading security compliance information for any domain other than the default domain is not allowed or supported.',
      );
    }
    const readable: readonly string[] = SECURITY_COMPLIANCE_READABLE;
    if (option && !readable.includes(option)) {
      throw invalid('Reading security compliance values other than password_regex and password_regex_description is not allowed.');
    }
    const settings = this.deps.config.security_compliance;
    const valueOf = (o: string) => settings[o as (typeof SECURITY_COMPLIANCE_READABLE)[number]] ?? null;
    if (option) return { [option]: valueOf(option) };
    return { security_compliance: Object.fromEntries(readable.map((o) => [o, valueOf(o)])) };
  }

  /** Whitelisted and sensitive options together (py-keystone's _get_config_with_sensitive_info). */
  private async allOptions(domainId: string, group?: string, option?: string): Promise<ConfigOption[]> {
    const [whitelisted, sensitive] = await Promise.all([
      listConfigOptions(this.deps.db, domainId, { group, option, sensitive: false }),
      listConfigOptions(this.deps.db, domainId, { group, option, sensitive: true }),
    ]);
    return [...whitelisted, ...sensitive];
  }

  private authorize(caller: AuthContext, rule: string, params: Record<string, unknown>, body: unknown): Promise<void> {
    const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    return this.deps.authorize(caller, rule, policyDict({ params: defined, body }));
  }
}

function notFoundIn(domainId: string, group?: string, option?: string): NotFound {
  const what = option ? `option ${option} in group ${group}` : group ? `group ${group}` : 'any options';
  return new NotFound(`Could not find ${what} in domain configuration for domain ${domainId}.`);
}

function assertValidGroupAndOption(group: string | undefined, option: string | undefined): void {
  if (!group) return;
  if (!isKnownGroup(group)) throw invalid(`Group ${group} is not supported for domain specific configurations`);
  if (option && !isKnownOption(group, option)) {
    throw invalid(`Option ${option} in group ${group} is not supported for domain specific configurations`);
  }
}

/**
 * py-keystone's _assert_valid_config: something must be given, every group must be a non-empty object of
 * supported options. A non-object config fails the way Python iterating it fails (400).
 */
function assertValidConfig(config: unknown): Record<string, Record<string, unknown>> {
  if (!pythonTruthy(config)) throw invalid('No options specified');
  if (typeof config === 'string') throw new ValidationError("string indices must be integers, not 'str'");
  if (!isPlainObject(config)) {
    const type = Array.isArray(config) ? 'list' : typeof config === 'number' && !Number.isInteger(config) ? 'float' : typeof config === 'boolean' ? 'bool' : 'int';
    throw new ValidationError(
      Array.isArray(config) ? 'list indices must be integers or slices, not str' : `'${type}' object is not iterable`,
    );
  }
  for (const [group, options] of Object.entries(config)) {
    if (!pythonTruthy(options) || !isPlainObject(options)) {
      throw invalid(`The value of group ${group} specified in the config should be a dictionary of options`);
    }
    for (const option of Object.keys(options)) assertValidGroupAndOption(group, option);
  }
  return config as Record<string, Record<string, unknown>>;
}

function toOptionList(config: Record<string, Record<string, unknown>>): ConfigOption[] {
  return Object.entries(config).flatMap(([group, options]) =>
    Object.entries(options).map(([option, value]) => ({ group, option, value, sensitive: isSensitive(group, option) })),
  );
}

/** py-keystone's _list_to_config: `{group: {option: value}}`, or `{option: value}` when one option was asked for. */
function toConfig(options: readonly ConfigOption[], requestedOption?: string): DomainConfig {
  if (options.length === 0) return {};
  if (requestedOption) {
    if (options.length > 1 || options[0]!.option !== requestedOption) {
      throw new UnexpectedError('An unexpected error occurred when retrieving domain configs');
    }
    return { [requestedOption]: options[0]!.value };
  }
  const config: Record<string, Record<string, unknown>> = {};
  for (const o of options) (config[o.group] ??= {})[o.option] = o.value;
  return config;
}

/** Python's truth value of a JSON value. */
function pythonTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}
