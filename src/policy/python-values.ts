// Python values as oslo.policy sees them: the `system` credential as enforce() leaves it, and the literal subset
// of `ast.literal_eval` that can stand on the left of a generic check ('x', True, 1).
import { pyFloatRepr, pyStringRepr, pyTruthy } from '../python/values.js';

/**
 * creds['system'] as oslo.policy's enforce() leaves it: it copies a truthy system_scope there before any
 * check runs (a caller-supplied `system` survives otherwise). Read on demand rather than copying the dict.
 */
export function systemCredential(creds: { readonly system_scope?: unknown }): unknown {
  return pyTruthy(creds.system_scope) ? creds.system_scope : (creds as { system?: unknown }).system;
}

export class UnsupportedLiteral extends Error {
  override readonly name = 'UnsupportedLiteral';
}

const INT_PATTERNS: ReadonlyArray<[RegExp, number]> = [
  [/^0[xX](?:_?[0-9a-fA-F])+$/, 16],
  [/^0[oO](?:_?[0-7])+$/, 8],
  [/^0[bB](?:_?[01])+$/, 2],
  [/^(?:[1-9](?:_?\d)*|0(?:_?0)*)$/, 10],
];
const DIGITS = String.raw`\d(?:_?\d)*`;
const FLOAT = new RegExp(
  String.raw`^(?:(?:${DIGITS})?\.${DIGITS}|${DIGITS}\.)(?:[eE][+-]?${DIGITS})?$|^${DIGITS}[eE][+-]?${DIGITS}$`,
);

/**
 * What str(ast.literal_eval(text)) gives for the left side of a generic check, or undefined when Python's
 * literal_eval would raise ValueError (the text is then a path into the credentials, e.g. `token.user.id`).
 * Container literals (`[1]`, `{...}`) and complex numbers are refused rather than half-supported.
 */
export function pyLiteralStr(text: string): string | undefined {
  if (text === 'True' || text === 'False' || text === 'None') return text;
  const str = parseStringLiterals(text);
  if (str !== undefined) return str;
  const num = parseNumber(text);
  if (num !== undefined) return num;
  if (/^[[{]/.test(text)) throw new UnsupportedLiteral(`container literal ${text} is not supported on the left of a check`);
  if (/^[+-]?(?:\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d[\d_]*)[jJ]$/.test(text)) {
    throw new UnsupportedLiteral(`complex literal ${text} is not supported on the left of a check`);
  }
  return undefined;
}

function parseNumber(text: string): string | undefined {
  // literal_eval accepts exactly one unary sign in front of a number.
  const sign = text[0] === '-' || text[0] === '+' ? text[0] : '';
  const body = sign ? text.slice(1) : text;
  for (const [pattern, radix] of INT_PATTERNS) {
    if (!pattern.test(body)) continue;
    const clean = body.replace(/_/g, '');
    const digits = radix === 10 ? clean : clean.slice(2);
    let value = 0n;
    for (const d of digits.toLowerCase()) value = value * BigInt(radix) + BigInt(parseInt(d, radix));
    if (sign === '-') value = -value;
    return value.toString();
  }
  if (FLOAT.test(body)) {
    const value = Number(body.replace(/_/g, ''));
    return pyFloatRepr(sign === '-' ? -value : value);
  }
  return undefined;
}

const STRING_PREFIX = /^(?:[rRuU]|[bB]|[bB][rR]|[rR][bB])?(?=['"])/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** One or more adjacent Python string literals ('a' "b" concatenate, as the parser does). */
function parseStringLiterals(text: string): string | undefined {
  let pos = 0;
  let result = '';
  let bytes: boolean | undefined;
  while (pos < text.length) {
    const prefix = STRING_PREFIX.exec(text.slice(pos));
    if (!prefix) return undefined;
    const p = prefix[0].toLowerCase();
    const isBytes = p.includes('b');
    if (bytes !== undefined && bytes !== isBytes) return undefined;
    bytes = isBytes;
    pos += prefix[0].length;
    const quote = text.startsWith(text[pos]!.repeat(3), pos) ? text[pos]!.repeat(3) : text[pos]!;
    pos += quote.length;
    let closed = false;
    while (pos < text.length) {
      if (text.startsWith(quote, pos)) {
        pos += quote.length;
        closed = true;
        break;
      }
      const ch = text[pos]!;
      if (ch === '\\' && !p.includes('r')) {
        const [decoded, used] = decodeEscape(text, pos + 1, isBytes);
        result += decoded;
        pos += 1 + used;
      } else if (ch === '\\') {
        result += text.slice(pos, pos + 2);
        pos += 2;
      } else {
        result += ch;
        pos += 1;
      }
    }
    if (!closed) return undefined;
  }
  if (bytes) return `b${pyStringRepr(result)}`;
  return result;
}

function decodeEscape(text: string, at: number, isBytes: boolean): [string, number] {
  const ch = text[at];
  if (ch === undefined) return ['\\', 0];
  if (ch in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[ch]!, 1];
  const octal = /^[0-7]{1,3}/.exec(text.slice(at));
  if (octal) return [String.fromCodePoint(parseInt(octal[0], 8)), octal[0].length];
  const hexLen = ch === 'x' ? 2 : !isBytes && ch === 'u' ? 4 : !isBytes && ch === 'U' ? 8 : 0;
  if (hexLen) {
    const hex = text.slice(at + 1, at + 1 + hexLen);
    if (new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) return [String.fromCodePoint(parseInt(hex, 16)), 1 + hexLen];
  }
  // Python keeps unknown escapes verbatim.
  return [`\\${ch}`, 1];
}
