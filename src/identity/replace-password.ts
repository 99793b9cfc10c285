// Setting a user's password as py-keystone's User.password setter does: keep only the newest
// unique_last_password_count rows (at least one) as history, make every kept row expire now at the latest, then
// add the new row, which becomes the current password.
import type { KeystoneConfig } from '../config/schema.js';
import type { Executor } from '../db/connection.js';
import { deletePasswords, expirePasswords, insertPasswordRow, listPasswords } from './store.js';

export interface NewPassword {
  hash: string | null;
  now: Date;
  expiresAt: Date | null;
  selfService: boolean;
}

export async function replacePassword(
  db: Executor,
  localUserId: number,
  compliance: KeystoneConfig['security_compliance'],
  next: NewPassword,
): Promise<void> {
  const history = await listPasswords(db, localUserId);
  const keep = Math.max(compliance.unique_last_password_count, 1);
  const kept = history.slice(-keep);
  await deletePasswords(db, history.slice(0, Math.max(history.length - keep, 0)).map((p) => p.id));
  const nowMicros = next.now.getTime() * 1000;
  await expirePasswords(
    db,
    kept.filter((p) => p.expiresMicros === null || p.expiresMicros > nowMicros).map((p) => p.id),
    next.now,
  );
  await insertPasswordRow(db, { localUserId, hash: next.hash, createdAt: next.now, expiresAt: next.expiresAt, selfService: next.selfService });
}
