// Turns parsed rules into closures once, so a decision is a few function calls and string compares.
// Each check behaves as its oslo.policy class does (_checks.py): RoleCheck lower-cases both sides,
// GenericCheck compares str() of a literal or of a credential reached by a dotted path (fanning out over
// lists), and a `%(key)s` missing from the target makes the check false rather than an error.
import { pyRepr, pyStr } from '../python/values.js';
import type { PolicyCredentials } from './credentials.js';
import { systemCredential } from './python-values.js';
import type { MatchTemplate, RuleNode } from './rule-parser.js';
import type { FlatTarget } from './target.js';

export type CompiledCheck = (creds: PolicyCredentials, target: FlatTarget) => boolean;

export class PolicyCycleError extends Error {
  override readonly name = 'PolicyCycleError';
  constructor(readonly rules: readonly string[]) {
    super(`rules reference each other in a cycle: ${rules.join(' -> ')}`);
  }
}

/**
 * A rule table compiled as a whole. `rule:x` is resolved when evaluated, against this table, falling back to
 * the default rule ([oslo_policy] policy_default_rule) when x is undefined, exactly as oslo's Rules dict does.
 */
export class CompiledRules {
  private readonly checks = new Map<string, CompiledCheck>();
  private readonly fallback: CompiledCheck | undefined;

  constructor(rules: ReadonlyMap<string, RuleNode>, defaultRule: string | undefined) {
    assertNoCycles(rules, defaultRule);
    for (const [name, node] of rules) this.checks.set(name, this.compile(node));
    this.fallback = defaultRule ? this.checks.get(defaultRule) : undefined;
  }

  /** The check for a rule name, the default rule when the name is undefined, or undefined (deny). */
  get(name: string): CompiledCheck | undefined {
    return this.checks.get(name) ?? this.fallback;
  }

  private compile(node: RuleNode): CompiledCheck {
    switch (node.type) {
      case 'constant':
        return node.allow ? () => true : () => false;
      case 'not': {
        const inner = this.compile(node.node);
        return (c, t) => !inner(c, t);
      }
      case 'and':
        return all(node.nodes.map((n) => this.compile(n)));
      case 'or':
        return any(node.nodes.map((n) => this.compile(n)));
      case 'rule': {
        const name = node.name;
        return (c, t) => {
          const check = this.get(name);
          return check !== undefined && check(c, t);
        };
      }
      case 'role':
        return compileRole(node.match);
      case 'generic':
        return compileGeneric(node);
    }
  }
}

function all(checks: CompiledCheck[]): CompiledCheck {
  if (checks.length === 2) {
    const [a, b] = checks as [CompiledCheck, CompiledCheck];
    return (c, t) => a(c, t) && b(c, t);
  }
  return (c, t) => {
    for (const check of checks) if (!check(c, t)) return false;
    return true;
  };
}

function any(checks: CompiledCheck[]): CompiledCheck {
  if (checks.length === 2) {
    const [a, b] = checks as [CompiledCheck, CompiledCheck];
    return (c, t) => a(c, t) || b(c, t);
  }
  return (c, t) => {
    for (const check of checks) if (check(c, t)) return true;
    return false;
  };
}

/** Renders a match against the target; undefined stands for Python's KeyError (the check is then false). */
type Render = (target: FlatTarget) => string | undefined;

function compileTemplate(match: MatchTemplate): Render {
  const parts = match.parts;
  if (parts.length === 1 && typeof parts[0] === 'string') {
    const text = parts[0];
    return () => text;
  }
  if (parts.length === 1 && typeof parts[0] === 'object') {
    const { key, repr } = parts[0];
    const format = repr ? pyRepr : pyStr;
    return (t) => (key in t ? format(t[key]) : undefined);
  }
  return (t) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else if (part.key in t) out += (part.repr ? pyRepr : pyStr)(t[part.key]);
      else return undefined;
    }
    return out;
  };
}

function compileRole(match: MatchTemplate): CompiledCheck {
  const render = compileTemplate(match);
  const constant = match.parts.every((p) => typeof p === 'string') ? render({})!.toLowerCase() : undefined;
  return (c, t) => {
    const wanted = constant ?? render(t)?.toLowerCase();
    if (wanted === undefined || !Array.isArray(c.roles)) return false;
    for (const role of c.roles) if (role.toLowerCase() === wanted) return true;
    return false;
  };
}

function compileGeneric(node: Extract<RuleNode, { type: 'generic' }>): CompiledCheck {
  const render = compileTemplate(node.match);
  if ('literal' in node.left) {
    const literal = node.left.literal;
    return (_c, t) => render(t) === literal;
  }
  const path = node.left.path;
  if (path[0] === 'system') {
    return (c, t) => {
      const wanted = render(t);
      const system = systemCredential(c);
      return wanted !== undefined && system !== undefined && matchesChild(system, path, 1, wanted);
    };
  }
  if (path.length === 1) {
    const key = path[0]!;
    return (c, t) => {
      const wanted = render(t);
      if (wanted === undefined || !Object.hasOwn(c, key)) return false;
      return matchesChild((c as unknown as Record<string, unknown>)[key], path, 1, wanted);
    };
  }
  return (c, t) => {
    const wanted = render(t);
    return wanted !== undefined && matchesValue(c, path, 0, wanted);
  };
}

/**
 * oslo's GenericCheck._find_in_dict: follow the path through dicts; a list on the way is searched element by
 * element. Where Python would raise TypeError (indexing a string or None), the check is simply false.
 */
function matchesValue(value: unknown, path: readonly string[], i: number, wanted: string): boolean {
  if (i === path.length) return wanted === pyStr(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const key = path[i]!;
  if (!Object.hasOwn(value, key)) return false;
  return matchesChild((value as Record<string, unknown>)[key], path, i + 1, wanted);
}

/** A value just reached by one path step: a list is searched element by element, even at the path's end. */
function matchesChild(child: unknown, path: readonly string[], i: number, wanted: string): boolean {
  if (!Array.isArray(child)) return matchesValue(child, path, i, wanted);
  for (const element of child) if (matchesValue(element, path, i, wanted)) return true;
  return false;
}

/** oslo.policy only warns about cycles and then overflows the stack at enforcement; we refuse them up front. */
function assertNoCycles(rules: ReadonlyMap<string, RuleNode>, defaultRule: string | undefined): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const resolve = (name: string): string | undefined =>
    rules.has(name) ? name : defaultRule && rules.has(defaultRule) ? defaultRule : undefined;
  const visit = (name: string): void => {
    const status = state.get(name);
    if (status === 'done') return;
    if (status === 'visiting') throw new PolicyCycleError([...stack.slice(stack.indexOf(name)), name]);
    state.set(name, 'visiting');
    stack.push(name);
    for (const ref of references(rules.get(name)!)) {
      const target = resolve(ref);
      if (target !== undefined) visit(target);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of rules.keys()) visit(name);
}

/** Names a rule refers to with `rule:`. */
export function references(node: RuleNode): string[] {
  switch (node.type) {
    case 'rule':
      return [node.name];
    case 'and':
    case 'or':
      return node.nodes.flatMap(references);
    case 'not':
      return references(node.node);
    default:
      return [];
  }
}
