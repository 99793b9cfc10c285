// Endpoint URLs are Python %-format templates: py-keystone turns `$(` into `%(` and applies `url % substitutions`
// with a mapping. Both the create-time check (utils.check_endpoint_url) and the catalog (utils.format_url) rest on
// what that expression accepts, so this is Python's printf-style formatting with a mapping argument: `%%`,
// `%(key)s` with flags, width and precision, `%s` without a key (which formats the mapping itself), and the errors
// Python raises (unknown key, a number conversion of a string, an unsupported or incomplete format).
import { pyRepr } from '../python/values.js';

/** A substitution value as Python holds it: str, int, or None. */
export type PyValue = string | number | null;

export class UrlFormatError extends Error {}

/**
 * `template % mapping` in Python. `whole` is what an unkeyed conversion (`%s`) formats, standing for the mapping
 * object itself; without it an unkeyed conversion is an error.
 */
export function pyPercentFormat(template: string, mapping: ReadonlyMap<string, PyValue>, whole?: PyValue): string {
  let out = '';
  let i = 0;
  let unkeyedUsed = false;
  const fail = (why: string): never => {
    throw new UrlFormatError(why);
  };
  while (i < template.length) {
    const ch = template[i]!;
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    i++;
    if (i >= template.length) fail('incomplete format');
    // Only a bare `%%` is a literal percent sign; after a key, flags or a width, `%` is an unsupported conversion.
    if (template[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    let key: string | undefined;
    if (template[i] === '(') {
      let depth = 1;
      let j = i + 1;
      for (; j < template.length && depth > 0; j++) {
        if (template[j] === '(') depth++;
        else if (template[j] === ')') depth--;
      }
      if (depth > 0) fail('incomplete format key');
      key = template.slice(i + 1, j - 1);
      i = j;
    }
    let flags = '';
    while (i < template.length && '-+ #0'.includes(template[i]!)) flags += template[i++];
    let width = 0;
    if (template[i] === '*') fail('* wants int');
    while (i < template.length && /[0-9]/.test(template[i]!)) width = width * 10 + Number(template[i++]);
    let precision: number | undefined;
    if (template[i] === '.') {
      i++;
      if (template[i] === '*') fail('* wants int');
      precision = 0;
      while (i < template.length && /[0-9]/.test(template[i]!)) precision = precision * 10 + Number(template[i++]);
    }
    if (i < template.length && 'hlL'.includes(template[i]!)) i++;
    if (i >= template.length) fail('incomplete format');
    const conversion = template[i++]!;
    let value: PyValue;
    if (key !== undefined) {
      if (!mapping.has(key)) fail(`unknown key ${key}`);
      value = mapping.get(key)!;
    } else {
      if (whole === undefined || unkeyedUsed) fail('not enough arguments for format string');
      unkeyedUsed = true;
      value = whole!;
    }
    out += convert(conversion, value, flags, width, precision, fail);
  }
  return out;
}

function convert(
  conversion: string,
  value: PyValue,
  flags: string,
  width: number,
  precision: number | undefined,
  fail: (why: string) => never,
): string {
  let text: string;
  let numeric = false;
  switch (conversion) {
    case 's':
      text = value === null ? 'None' : typeof value === 'string' ? value : String(value);
      if (precision !== undefined) text = [...text].slice(0, precision).join('');
      break;
    case 'r':
    case 'a':
      text = pyRepr(value);
      if (precision !== undefined) text = [...text].slice(0, precision).join('');
      break;
    case 'd':
    case 'i':
    case 'u':
      if (typeof value !== 'number') return fail(`%${conversion} format: a number is required`);
      text = integerText(Math.trunc(value), flags, precision);
      numeric = true;
      break;
    case 'c':
      if (typeof value === 'string' && [...value].length === 1) text = value;
      else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0x10ffff) text = String.fromCodePoint(value);
      else return fail('%c requires int or char');
      break;
    case 'o': case 'x': case 'X': case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
      // Only reachable with a number, which no catalog substitution other than a port is; a port formatted as
      // hex or float is not a URL anyone writes, so it is refused rather than imitated.
      return fail(`%${conversion} is not supported for endpoint URLs`);
    default:
      return fail(`unsupported format character '${conversion}'`);
  }
  return pad(text, width, flags, numeric);
}

function integerText(n: number, flags: string, precision: number | undefined): string {
  let digits = Math.abs(n).toString();
  if (precision !== undefined) digits = digits.padStart(precision, '0');
  const sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  return sign + digits;
}

function pad(text: string, width: number, flags: string, numeric: boolean): string {
  const length = [...text].length;
  if (length >= width) return text;
  const fill = width - length;
  if (flags.includes('-')) return text + ' '.repeat(fill);
  if (numeric && flags.includes('0')) {
    const sign = /^[-+ ]/.test(text) ? text[0]! : '';
    return sign + '0'.repeat(fill) + text.slice(sign.length);
  }
  return ' '.repeat(fill) + text;
}

/** utils.check_endpoint_url's whitelist: the only keys an endpoint URL may name. */
export const WHITELISTED_URL_KEYS = [
  'tenant_id',
  'project_id',
  'user_id',
  'public_bind_host',
  'admin_bind_host',
  'compute_host',
  'admin_port',
  'public_port',
  'public_endpoint',
] as const;

const CHECK_SUBSTITUTIONS: ReadonlyMap<string, PyValue> = new Map(WHITELISTED_URL_KEYS.map((k) => [k, '']));

/** True when py-keystone's check_endpoint_url accepts the URL (every whitelisted key formatted as ''). */
export function isValidEndpointUrl(url: string): boolean {
  try {
    pyPercentFormat(url.replaceAll('$(', '%('), CHECK_SUBSTITUTIONS, '');
    return true;
  } catch (err) {
    if (err instanceof UrlFormatError) return false;
    throw err;
  }
}
