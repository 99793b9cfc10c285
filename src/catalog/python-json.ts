// The text py-keystone writes into `extra` columns: oslo jsonutils.dumps, i.e. Python's json.dumps with its
// defaults (", " and ": " separators, ensure_ascii). Rows keystone-ts writes then read byte-for-byte like rows
// py-keystone writes, which keeps a shared database indistinguishable whichever server wrote it.
import { pyFloatRepr } from '../python/values.js';

export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  // JSON.parse keeps no int/float distinction: whole numbers print as ints, except from 1e16 on, where a JSON
  // number is a float to Python whenever it was written with an exponent (and an exact int cannot survive JS).
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : pyFloatRepr(value);
  if (typeof value === 'string') return asciiString(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${asciiString(k)}: ${pyJsonDumps(v)}`).join(', ')}}`;
}

const NAMED: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** ensure_ascii: everything outside printable ASCII becomes \uXXXX (astral characters as surrogate pairs). */
function asciiString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (NAMED[ch] !== undefined) out += NAMED[ch];
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
