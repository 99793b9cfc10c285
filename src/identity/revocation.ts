// py-keystone's revoke_by_user: one revocation event naming the user, issued_before = revoked_at = now to the
// second, which kills every token the user holds (in both implementations, which read the same table).
import type { Executor } from '../db/connection.js';
import { insertRevocationEvent } from '../revoke/store.js';

export async function revokeUserTokens(db: Executor, userId: string, now: Date): Promise<void> {
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  await insertRevocationEvent(db, { userId, issuedBefore: at, revokedAt: at });
}
