// ISO 8601 timestamps as py-keystone reads them in query filters (oslo_utils.timeutils.parse_isotime, which is
// the `iso8601` package): "2030", "2030-01-02", "20300102T030405", "2030-01-02 03:04:05.5+02:00" and the like;
// no zone means UTC. The result is microseconds since the epoch, the unit of py-keystone's *_int columns.

const PATTERN = new RegExp(
  '^(?<year>[0-9]{4})' +
    '(' +
    '((-(?<monthdash>[0-9]{1,2}))|(?<month>[0-9]{2})(?!$))' +
    '(' +
    '((-(?<daydash>[0-9]{1,2}))|(?<day>[0-9]{2}))' +
    '(' +
    '(?<separator>[ T])(?<hour>[0-9]{2})(:?(?<minute>[0-9]{2}))?' +
    '(:?(?<second>[0-9]{1,2})([.,](?<fraction>[0-9]+))?)?' +
    '(?<timezone>Z|((?<tzsign>[-+])(?<tzhour>[0-9]{2}):?(?<tzminute>[0-9]{2})?))?' +
    ')?' +
    ')?' +
    ')?' +
    // Python's `$` also matches just before a final newline.
    '\\n?$',
);

/** Microseconds since the epoch, or undefined where the iso8601 package raises ParseError. */
export function parseIsoTimestamp(text: string): number | undefined {
  const g = PATTERN.exec(text)?.groups;
  if (!g) return undefined;
  const year = Number(g.year);
  const month = Number(g.month ?? g.monthdash ?? 1);
  const day = Number(g.day ?? g.daydash ?? 1);
  const hour = Number(g.hour ?? 0);
  const minute = Number(g.minute ?? 0);
  const second = Number(g.second ?? 0);
  // int(Decimal('0.<digits>') * 1000000): the fraction truncated to microseconds.
  const micro = g.fraction ? Number(g.fraction.slice(0, 6).padEnd(6, '0')) : 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (g.timezone && g.timezone !== 'Z') {
    const sign = g.tzsign === '-' ? -1 : 1;
    offsetMinutes = sign * (Number(g.tzhour) * 60 + Number(g.tzminute ?? 0));
    // datetime.timezone needs an offset strictly within a day.
    if (Math.abs(offsetMinutes) >= 24 * 60) return undefined;
  }
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second));
  // setUTCFullYear, because Date.UTC reads years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  return (date.getTime() - offsetMinutes * 60_000) * 1000 + micro;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}
