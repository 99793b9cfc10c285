// The operator's policy override file ([oslo_policy] policy_file): where it is, and what rules it holds.
// Like oslo.policy it may be YAML or JSON (JSON is read as YAML), maps rule names to check strings (or the
// legacy list form), and a rule it names replaces the default. Unlike oslo.policy, which logs and then denies
// a rule it cannot parse, a malformed file is refused as a whole with the rule and its position.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ALLOW, parseListRule, parseRule, PolicySyntaxError, type RuleNode } from './rule-parser.js';

export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
}

export interface PolicyFileRules {
  readonly rules: ReadonlyMap<string, RuleNode>;
  /** Rules written as `name:` with no value; oslo.policy reads them as "allow everyone". */
  readonly emptyRules: readonly string[];
}

/**
 * Where oslo.config's find_file would find a relative policy_file: the keystone.conf directories first, then
 * ~/.keystone, ~, /etc/keystone, /etc. The default `policy.yaml` falls back to a `policy.json`, as oslo does.
 */
export function locatePolicyFile(configured: string, configDirs: readonly string[]): string | undefined {
  const names = configured === 'policy.yaml' ? ['policy.yaml', 'policy.json'] : [configured];
  for (const name of names) {
    if (isAbsolute(name)) {
      if (existsSync(name)) return name;
      continue;
    }
    const dirs = [...configDirs, join(homedir(), '.keystone'), homedir(), '/etc/keystone', '/etc'];
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export function parsePolicyFile(text: string, path: string): PolicyFileRules {
  const lines = new LineCounter();
  // PyYAML reads YAML 1.1 (yes/no/on/off are booleans) and lets a later duplicate key win.
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = lines.linePos(syntax.pos[0]);
    throw new PolicyFileError(`${path}:${at.line}:${at.col}: not valid YAML or JSON: ${firstLine(syntax.message)}`);
  }
  const rules = new Map<string, RuleNode>();
  const emptyRules: string[] = [];
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { rules, emptyRules };
  if (!isMap(root)) throw new PolicyFileError(`${path}: the file must map rule names to check strings`);

  for (const pair of root.items) {
    const keyNode = pair.key as Node | null;
    const name = isScalar(keyNode) ? keyNode.value : undefined;
    const where = position(path, lines, keyNode);
    if (typeof name !== 'string') throw new PolicyFileError(`${where}: rule names must be strings`);
    const valueNode = pair.value as Node | null;
    const value = valueNode === null ? null : valueNode.toJSON();
    try {
      if (value === null) {
        rules.set(name, ALLOW);
        emptyRules.push(name);
      } else if (typeof value === 'string') {
        rules.set(name, parseRule(value));
      } else if (Array.isArray(value) && isSeq(valueNode)) {
        rules.set(name, parseListRule(value));
      } else {
        throw new PolicySyntaxError(`expected a check string, found ${JSON.stringify(value)}`, 1);
      }
    } catch (err) {
      if (!(err instanceof PolicySyntaxError)) throw err;
      const at = position(path, lines, valueNode ?? keyNode);
      throw new PolicyFileError(`${at}: rule "${name}": ${err.reason} (column ${err.column} of ${JSON.stringify(value)})`);
    }
  }
  return { rules, emptyRules };
}

function position(path: string, lines: LineCounter, node: Node | null): string {
  const offset = node?.range?.[0];
  if (offset === undefined) return path;
  const at = lines.linePos(offset);
  return `${path}:${at.line}:${at.col}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
