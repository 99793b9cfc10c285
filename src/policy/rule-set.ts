// Which check each rule name ends up with, given the registered defaults, the operator's policy file and
// [oslo_policy] enforce_new_defaults. This is oslo.policy's Enforcer.load_rules/_handle_deprecated_rule:
//  - a rule named in the policy file is used as written (its default and deprecated forms are ignored);
//  - a default with a deprecated form whose check string differs is OR-ed with it, unless
//    enforce_new_defaults is on;
//  - if the deprecated rule had another name and the operator overrode that old name, the override is used for
//    the new name too (unless it merely points at the new name), so a rename never loosens a policy.
import { parseRule, type RuleNode } from './rule-parser.js';

export interface RuleDefault {
  readonly name: string;
  readonly checkStr: string;
  /** Token scopes the API is meant for; checked against the token when [oslo_policy] enforce_scope is on. */
  readonly scopeTypes: readonly string[];
  readonly deprecatedRule?: { readonly name: string; readonly checkStr: string } | null;
  readonly deprecatedForRemoval?: boolean;
}

/** A default with its check strings parsed once. */
export interface ParsedDefault {
  readonly spec: RuleDefault;
  readonly check: RuleNode;
  readonly deprecatedCheck: RuleNode | undefined;
}

export function parseDefaults(defaults: readonly RuleDefault[]): Map<string, ParsedDefault> {
  const parsed = new Map<string, ParsedDefault>();
  for (const spec of defaults) {
    if (parsed.has(spec.name)) throw new Error(`policy rule ${spec.name} is registered twice`);
    try {
      parsed.set(spec.name, {
        spec,
        check: parseRule(spec.checkStr),
        deprecatedCheck: spec.deprecatedRule ? parseRule(spec.deprecatedRule.checkStr) : undefined,
      });
    } catch (err) {
      throw new Error(`default policy rule ${spec.name}: ${(err as Error).message}`);
    }
  }
  return parsed;
}

export function effectiveRules(
  defaults: ReadonlyMap<string, ParsedDefault>,
  fileRules: ReadonlyMap<string, RuleNode>,
  enforceNewDefaults: boolean,
): Map<string, RuleNode> {
  const rules = new Map(fileRules);
  for (const [name, { spec, check, deprecatedCheck }] of defaults) {
    if (rules.has(name)) continue;
    rules.set(name, withDeprecatedRule(name, spec, check, deprecatedCheck, fileRules, enforceNewDefaults));
  }
  return rules;
}

function withDeprecatedRule(
  name: string,
  spec: RuleDefault,
  check: RuleNode,
  deprecatedCheck: RuleNode | undefined,
  fileRules: ReadonlyMap<string, RuleNode>,
  enforceNewDefaults: boolean,
): RuleNode {
  const deprecated = spec.deprecatedRule;
  if (!deprecated || !deprecatedCheck) return check;
  if (deprecated.name !== name) {
    const renamedOverride = fileRules.get(deprecated.name);
    if (renamedOverride && !(renamedOverride.type === 'rule' && renamedOverride.name === name)) return renamedOverride;
  }
  if (!enforceNewDefaults && deprecated.checkStr !== spec.checkStr) {
    return { type: 'or', nodes: [check, deprecatedCheck] };
  }
  return check;
}
