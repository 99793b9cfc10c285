// The oslo.policy rule language, parsed into a tree. Tokenising follows oslo.policy's own quirks exactly
// (split on whitespace, parentheses peeled off the ends of a token, and/or/not in any case, a token wholly in
// quotes is a string and not a check), and the grammar gives `not` > `and` > `or` precedence, which is what
// oslo's greedy shift-reduce parser produces for every rule it accepts.
// Where oslo.policy logs "Failed to understand rule" and silently denies, we refuse with the position instead:
// an operator's typo must not turn into a quietly different policy.
import { pyLiteralStr, UnsupportedLiteral } from './python-values.js';

/** `%(key)s` substitutions into a check's right-hand side, rendered against the flattened target. */
export interface MatchTemplate {
  readonly text: string;
  /** Literal text and substitutions in order; a template without substitutions is one string. */
  readonly parts: ReadonlyArray<string | { readonly key: string; readonly repr: boolean }>;
}

export type RuleNode =
  | { readonly type: 'constant'; readonly allow: boolean }
  | { readonly type: 'and'; readonly nodes: readonly RuleNode[] }
  | { readonly type: 'or'; readonly nodes: readonly RuleNode[] }
  | { readonly type: 'not'; readonly node: RuleNode }
  | { readonly type: 'rule'; readonly name: string }
  | { readonly type: 'role'; readonly match: MatchTemplate }
  | {
      readonly type: 'generic';
      readonly kind: string;
      /** str() of the literal on the left (`'admin'`, `True`, `None`), or the path into the credentials. */
      readonly left: { readonly literal: string } | { readonly path: readonly string[] };
      readonly match: MatchTemplate;
    };

export class PolicySyntaxError extends Error {
  override readonly name = 'PolicySyntaxError';
  constructor(
    readonly reason: string,
    /** 1-based column in the check string. */
    readonly column: number,
  ) {
    super(`${reason} at column ${column}`);
  }
}

export const ALLOW: RuleNode = { type: 'constant', allow: true };
export const DENY: RuleNode = { type: 'constant', allow: false };

type Token =
  | { readonly type: '(' | ')' | 'and' | 'or' | 'not'; readonly column: number; readonly text: string }
  | { readonly type: 'string'; readonly column: number; readonly text: string }
  | { readonly type: 'check'; readonly column: number; readonly text: string; readonly node: RuleNode };

// Python's \s for str patterns (str.isspace), not JavaScript's.
const WHITESPACE = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

/** Parses a check string; an empty string allows everything, as in oslo.policy. */
export function parseRule(text: string): RuleNode {
  if (text === '') return ALLOW;
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new PolicySyntaxError('the rule is only whitespace', 1);
  const parser = new Parser(tokens, text.length + 1);
  const node = parser.parseOr();
  parser.expectEnd();
  return node;
}

/** The legacy JSON list form: [["a", "b"], ["c"]] means (a and b) or c; [] allows. */
export function parseListRule(rule: unknown[]): RuleNode {
  if (rule.length === 0) return ALLOW;
  const alternatives: RuleNode[] = [];
  for (const inner of rule) {
    const all = typeof inner === 'string' ? [inner] : inner;
    if (!Array.isArray(all)) throw new PolicySyntaxError('list rules hold strings or lists of strings', 1);
    if (all.length === 0) continue;
    const checks = all.map((c) => {
      if (typeof c !== 'string') throw new PolicySyntaxError('list rules hold strings or lists of strings', 1);
      return parseCheck(c, 1);
    });
    alternatives.push(checks.length === 1 ? checks[0]! : { type: 'and', nodes: checks });
  }
  if (alternatives.length === 0) return DENY;
  return alternatives.length === 1 ? alternatives[0]! : { type: 'or', nodes: alternatives };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  WHITESPACE.lastIndex = 0;
  let start = 0;
  const chunks: Array<[string, number]> = [];
  for (let m = WHITESPACE.exec(text); m; m = WHITESPACE.exec(text)) {
    chunks.push([text.slice(start, m.index), start]);
    start = m.index + m[0].length;
  }
  chunks.push([text.slice(start), start]);

  for (const [chunk, offset] of chunks) {
    if (!chunk) continue;
    let lead = 0;
    while (chunk[lead] === '(') tokens.push({ type: '(', column: offset + ++lead, text: '(' });
    const tok = chunk.slice(lead);
    if (!tok) continue;
    let end = tok.length;
    while (end > 0 && tok[end - 1] === ')') end--;
    const clean = tok.slice(0, end);
    const column = offset + lead + 1;
    const lowered = clean.toLowerCase();
    if (lowered === 'and' || lowered === 'or' || lowered === 'not') {
      tokens.push({ type: lowered, column, text: clean });
    } else if (clean) {
      // oslo.policy looks at the token with its trailing parentheses still on when deciding "quoted string".
      const quoted = tok.length >= 2 && (tok[0] === '"' || tok[0] === "'") && tok[tok.length - 1] === tok[0];
      if (quoted) tokens.push({ type: 'string', column, text: tok });
      else tokens.push({ type: 'check', column, text: clean, node: parseCheck(clean, column) });
    }
    for (let i = end; i < tok.length; i++) tokens.push({ type: ')', column: column + i, text: ')' });
  }
  return tokens;
}

/** One `kind:match` check (or `@` / `!`). */
function parseCheck(text: string, column: number): RuleNode {
  if (text === '@') return ALLOW;
  if (text === '!') return DENY;
  const colon = text.indexOf(':');
  if (colon < 0) throw new PolicySyntaxError(`'${text}' is not a check (expected kind:match, @ or !)`, column);
  const kind = text.slice(0, colon);
  const matchText = text.slice(colon + 1);
  const matchColumn = column + colon + 1;
  if (kind === 'http' || kind === 'https') {
    throw new PolicySyntaxError(`'${kind}:' checks call a remote server and are not supported by keystone-ts`, column);
  }
  if (kind === 'rule') return { type: 'rule', name: matchText };
  const match = parseTemplate(matchText, matchColumn);
  if (kind === 'role') return { type: 'role', match };
  let literal: string | undefined;
  try {
    literal = pyLiteralStr(kind);
  } catch (err) {
    if (err instanceof UnsupportedLiteral) throw new PolicySyntaxError(err.message, column);
    throw err;
  }
  const left = literal !== undefined ? { literal } : { path: kind.split('.') };
  return { type: 'generic', kind, left, match };
}

/** Python's `%` formatting with a mapping, limited to `%(key)s`, `%(key)r` and `%%`. */
function parseTemplate(text: string, column: number): MatchTemplate {
  const parts: Array<string | { key: string; repr: boolean }> = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== '%') {
      literal += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '%') {
      literal += '%';
      i += 2;
      continue;
    }
    if (next !== '(') throw new PolicySyntaxError(`unsupported substitution '${text.slice(i, i + 2)}' (use %(name)s)`, column + i);
    // Python allows balanced parentheses inside the key.
    let depth = 1;
    let j = i + 2;
    while (j < text.length && depth > 0) {
      if (text[j] === '(') depth++;
      else if (text[j] === ')') depth--;
      j++;
    }
    if (depth > 0) throw new PolicySyntaxError(`unterminated substitution '${text.slice(i)}'`, column + i);
    const conversion = text[j];
    if (conversion !== 's' && conversion !== 'r') {
      throw new PolicySyntaxError(`unsupported substitution '${text.slice(i, j + 1)}' (use %(name)s)`, column + i);
    }
    if (literal) parts.push(literal);
    literal = '';
    parts.push({ key: text.slice(i + 2, j - 1), repr: conversion === 'r' });
    i = j + 1;
  }
  if (literal || parts.length === 0) parts.push(literal);
  return { text, parts };
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly endColumn: number,
  ) {}

  parseOr(): RuleNode {
    const nodes = [this.parseAnd()];
    while (this.peek()?.type === 'or') {
      this.pos++;
      nodes.push(this.parseAnd());
    }
    return nodes.length === 1 ? nodes[0]! : { type: 'or', nodes };
  }

  expectEnd(): void {
    const extra = this.peek();
    if (!extra) return;
    if (extra.type === ')') throw new PolicySyntaxError("unbalanced ')'", extra.column);
    throw new PolicySyntaxError(`expected 'and', 'or' or the end of the rule, found '${extra.text}'`, extra.column);
  }

  private parseAnd(): RuleNode {
    const nodes = [this.parseNot()];
    while (this.peek()?.type === 'and') {
      this.pos++;
      nodes.push(this.parseNot());
    }
    return nodes.length === 1 ? nodes[0]! : { type: 'and', nodes };
  }

  private parseNot(): RuleNode {
    if (this.peek()?.type === 'not') {
      this.pos++;
      return { type: 'not', node: this.parseNot() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): RuleNode {
    const tok = this.tokens[this.pos];
    if (!tok) throw new PolicySyntaxError('the rule ends where a check was expected', this.endColumn);
    this.pos++;
    switch (tok.type) {
      case 'check':
        return tok.node;
      case '(': {
        const inner = this.parseOr();
        const close = this.tokens[this.pos];
        if (!close) throw new PolicySyntaxError("'(' is never closed", tok.column);
        if (close.type !== ')') {
          throw new PolicySyntaxError(`expected 'and', 'or' or ')', found '${close.text}'`, close.column);
        }
        this.pos++;
        return inner;
      }
      case 'string':
        throw new PolicySyntaxError(`${tok.text} is a quoted string, not a check`, tok.column);
      default:
        throw new PolicySyntaxError(`expected a check, found '${tok.text}'`, tok.column);
    }
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
}

/** A rule tree written back in the rule language (oslo.policy's str() of a check), for logs and docs. */
export function formatRule(node: RuleNode): string {
  switch (node.type) {
    case 'constant':
      return node.allow ? '@' : '!';
    case 'and':
    case 'or':
      return `(${node.nodes.map(formatRule).join(` ${node.type} `)})`;
    case 'not':
      return `not ${formatRule(node.node)}`;
    case 'rule':
      return `rule:${node.name}`;
    case 'role':
      return `role:${node.match.text}`;
    case 'generic':
      return `${node.kind}:${node.match.text}`;
  }
}
