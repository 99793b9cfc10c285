// `expires_at` of a new application credential, read as py-keystone's utils.parse_expiration_date reads it: a
// 'Z' is appended unless the text ends with one, the result must parse as ISO 8601 (so "2030-01-02" and
// "...+02:00" are refused, having no room for the added zone), and it may not lie in the past.
import { ValidationError } from '../errors.js';
import { parseIsoTimestamp } from '../identity/iso8601.js';

const MALFORMED_TAIL =
  ' The server could not comply with the request since it is either malformed or otherwise incorrect.' +
  ' The client is assumed to be in error.';

/** Microseconds since the epoch (the unit of the expires_at column). */
export function parseExpirationDate(text: string, now: Date): number {
  const micros = parseIsoTimestamp(text.endsWith('Z') ? text : `${text}Z`);
  if (micros === undefined) throw new ValidationError(`Timestamp not in expected format.${MALFORMED_TAIL}`);
  if (now.getTime() * 1000 > micros) throw new ValidationError(`The 'expires_at' must not be before now.${MALFORMED_TAIL}`);
  return micros;
}
