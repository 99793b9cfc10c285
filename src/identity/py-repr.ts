// Python's repr() of a decoded JSON value. py-keystone's 400s for a body that fails its JSON schema quote the
// offending value the way jsonschema prints it (`1 is not of type 'string'`, `'  ' does not match '[\\S]+'`),
// so our messages print values the same way.

export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return numberRepr(value);
  if (typeof value === 'string') return stringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const items = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${stringRepr(k)}: ${pyRepr(v)}`);
    return `{${items.join(', ')}}`;
  }
  return String(value);
}

/** Python writes exponents with at least two digits (1e-07); JSON parsing has already lost 1.0 vs 1. */
function numberRepr(n: number): string {
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** str.__repr__: single quotes unless the text holds a ' and no ", backslash escapes for the rest. */
function stringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}
