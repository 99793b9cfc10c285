// Keystone's timestamp spellings: token times as "2026-11-23T20:35:29.000000Z" (utils.isotime with subsecond),
// other API times without the Z (e.g. password_expires_at "2026-11-23T20:35:29.000000").

export function isoMicros(date: Date): string {
  return `${date.toISOString().slice(0, 19)}.${String(date.getUTCMilliseconds()).padStart(3, '0')}000Z`;
}

export function isoMicrosNaive(date: Date): string {
  return isoMicros(date).slice(0, -1);
}
