// The `password_expires_at` list filter: `lt:2030-01-01T00:00:00Z` (operators lt, lte, gt, gte, eq, neq) or a bare
// timestamp meaning eq, read as py-keystone's _translate_expired_password_hints reads it. A user matches when
// any of their password rows (current or historic) expires as asked.
import { KeystoneError, ValidationError } from '../errors.js';
import { parseIsoTimestamp } from './iso8601.js';

export type ExpiryOperator = 'lt' | 'lte' | 'gt' | 'gte' | 'eq' | 'neq';

export interface ExpiryFilter {
  readonly op: ExpiryOperator;
  /** Microseconds since the epoch, compared with password.expires_at_int. */
  readonly micros: number;
}

const OPERATORS = new Set<string>(['lt', 'lte', 'gt', 'gte', 'eq', 'neq']);

/** py-keystone's ValidationTimeStampError: a 400 whose text is not ValidationError's "Expecting to find...". */
class TimestampFormatError extends KeystoneError {
  readonly code = 400;
  readonly title = 'Bad Request';
  constructor() {
    super(
      'Timestamp not in expected format. The server could not comply with the request since it is either ' +
        'malformed or otherwise incorrect. The client is assumed to be in error.',
    );
  }
}

export function parseExpiryFilter(value: string): ExpiryFilter {
  // An operator is recognised only by a ':' at index 2 or 3 ("lt:", "gte:"); otherwise the whole value is the time.
  const hasOperator = value.slice(2, 4).includes(':');
  const cut = value.indexOf(':');
  const op = hasOperator ? value.slice(0, cut) : 'eq';
  const timestamp = hasOperator ? value.slice(cut + 1) : value;
  const micros = parseIsoTimestamp(timestamp);
  if (micros === undefined) throw new TimestampFormatError();
  if (!OPERATORS.has(op)) {
    throw new ValidationError(
      `The given operator ${op} is not valid. It must be one of the following: 'eq', 'neq', 'lt', 'lte', 'gt', or 'gte'.`,
    );
  }
  return { op: op as ExpiryOperator, micros };
}
