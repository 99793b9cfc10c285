// py-keystone Zed's registered policy defaults, as generated into policies/keystone-zed-defaults.json by
// policies/generate-defaults.sh from the installed python3-keystone.
import { readFileSync } from 'node:fs';
import type { RuleDefault } from './rule-set.js';

interface GeneratedRule {
  name: string;
  check_str: string;
  scope_types: string[];
  deprecated_rule: { name: string; check_str: string } | null;
  deprecated_for_removal: boolean;
  operations: Array<{ methods: string[]; path: string }>;
}

export interface KeystoneRuleDefault extends RuleDefault {
  /** The API calls the rule guards, as py-keystone documents them. */
  readonly operations: ReadonlyArray<{ readonly methods: readonly string[]; readonly path: string }>;
}

// Resolved from src/policy/ and from dist/policy/ alike: both sit two levels below the repository root.
const DEFAULTS_FILE = new URL('../../policies/keystone-zed-defaults.json', import.meta.url);

let cached: readonly KeystoneRuleDefault[] | undefined;

/** The 202 Zed defaults (8 base rules + 194 identity:*), read once per process. */
export function keystoneDefaults(): readonly KeystoneRuleDefault[] {
  cached ??= (JSON.parse(readFileSync(DEFAULTS_FILE, 'utf8')) as { rules: GeneratedRule[] }).rules.map((r) => ({
    name: r.name,
    checkStr: r.check_str,
    scopeTypes: r.scope_types,
    deprecatedRule: r.deprecated_rule && { name: r.deprecated_rule.name, checkStr: r.deprecated_rule.check_str },
    deprecatedForRemoval: r.deprecated_for_removal,
    operations: r.operations,
  }));
  return cached;
}
