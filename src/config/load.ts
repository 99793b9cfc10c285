// Builds the validated configuration from a keystone.conf file and OS_<SECTION>__<OPTION> environment overrides.
// Invalid values stop start-up with a message naming the section and option, as oslo.config does.
import { readFileSync } from 'node:fs';
import { parseIni } from './ini.js';
import { configSchema, type KeystoneConfig } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type RawConfig = Record<string, Record<string, string>>;

/** Precedence, lowest first: `defaults`, the config file, OS_* environment variables, `overrides`. */
export function loadConfig(
  options: { file?: string | undefined; env?: NodeJS.ProcessEnv; defaults?: RawConfig; overrides?: RawConfig } = {},
): KeystoneConfig {
  const raw: RawConfig = {};
  if (options.defaults) mergeRaw(raw, options.defaults);
  if (options.file) mergeRaw(raw, readConfigFile(options.file));
  mergeRaw(raw, envOverrides(options.env ?? process.env));
  if (options.overrides) mergeRaw(raw, options.overrides);
  return validateConfig(raw);
}

export function validateConfig(raw: RawConfig): KeystoneConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const [section, option] = issue.path.map(String);
    const value = section && option ? raw[section]?.[option] : undefined;
    return `[${section}] ${option ?? ''}${value !== undefined ? ` = ${JSON.stringify(value)}` : ''}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
}

function readConfigFile(file: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  const raw: RawConfig = {};
  for (const [section, options] of parseIni(text, file)) {
    raw[section] = {};
    // A single-valued option takes the last occurrence, as oslo.config does.
    for (const [key, values] of options) raw[section][key] = values[values.length - 1]!;
  }
  return raw;
}

/** OS_TOKEN__EXPIRATION=600 sets [token] expiration; OS_DEFAULT__DEBUG sets [DEFAULT] debug. */
function envOverrides(env: NodeJS.ProcessEnv): RawConfig {
  const raw: RawConfig = {};
  for (const [name, value] of Object.entries(env)) {
    const m = /^OS_([A-Z0-9_]+?)__([A-Z0-9_]+)$/.exec(name);
    if (!m || value === undefined) continue;
    const section = m[1] === 'DEFAULT' ? 'DEFAULT' : m[1]!.toLowerCase();
    (raw[section] ??= {})[m[2]!.toLowerCase()] = value;
  }
  return raw;
}

function mergeRaw(into: RawConfig, from: RawConfig): void {
  for (const [section, options] of Object.entries(from)) into[section] = { ...into[section], ...options };
}
