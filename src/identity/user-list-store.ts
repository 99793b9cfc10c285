// The SQL behind user lists (GET /v3/users, GET /v3/groups/{id}/users): the filters py-keystone's SQL driver
// satisfies in the database, on the same columns. `name` is local_user.name (py-keystone's User.name expression);
// a case-insensitive inexact filter is an ILIKE, whose % and _ stay wildcards as they do there.
import { and, eq, exists, ilike, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { federatedUser, localUser, password, user, userGroupMembership } from '../db/legacy/schema.js';
import type { ExpiryFilter } from './expiry-filter.js';

export interface LikeFilter {
  readonly column: 'name' | 'domain_id';
  /** An ILIKE pattern, e.g. "%abc%". */
  readonly pattern: string;
}

export interface UserQuery {
  readonly domainIds?: readonly string[];
  readonly enabled?: readonly boolean[];
  readonly names?: readonly string[];
  readonly likes?: readonly LikeFilter[];
  readonly expiry?: readonly ExpiryFilter[];
  /** Only members of this group. */
  readonly groupId?: string;
  /** Only users with a federated_user row matching all of these (py-keystone's get_federated_users). */
  readonly federated?: {
    readonly idpIds: readonly string[];
    readonly protocolIds: readonly string[];
    readonly uniqueIds: readonly string[];
    readonly displayNames: readonly string[];
  };
  /** At most this many ids. */
  readonly limit?: number;
}

const COMPARE: Record<ExpiryFilter['op'], string> = { lt: '<', lte: '<=', gt: '>', gte: '>=', eq: '=', neq: '<>' };

export async function listUserIds(db: Executor, q: UserQuery): Promise<string[]> {
  const where: SQL[] = [];
  for (const id of q.domainIds ?? []) where.push(eq(user.domainId, id));
  for (const value of q.enabled ?? []) where.push(eq(user.enabled, value));
  for (const name of q.names ?? []) where.push(eq(localUser.name, name));
  for (const like of q.likes ?? []) where.push(ilike(like.column === 'name' ? localUser.name : user.domainId, like.pattern));
  for (const f of q.expiry ?? []) {
    // Any password row of the user, not only the current one, as py-keystone's join on `password` does.
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(password)
          .where(and(eq(password.localUserId, localUser.id), sql`${password.expiresAtInt} ${sql.raw(COMPARE[f.op])} ${f.micros}`)),
      ),
    );
  }
  if (q.groupId !== undefined) {
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(userGroupMembership)
          .where(and(eq(userGroupMembership.userId, user.id), eq(userGroupMembership.groupId, q.groupId))),
      ),
    );
  }
  const fed = q.federated;
  if (fed) {
    const conditions: SQL[] = [eq(federatedUser.userId, user.id)];
    for (const id of fed.idpIds) conditions.push(eq(federatedUser.idpId, id));
    for (const id of fed.protocolIds) conditions.push(eq(federatedUser.protocolId, id));
    for (const id of fed.uniqueIds) conditions.push(eq(federatedUser.uniqueId, id));
    for (const name of fed.displayNames) conditions.push(eq(federatedUser.displayName, name));
    where.push(exists(db.select({ one: sql`1` }).from(federatedUser).where(and(...conditions))));
  }
  const query = db
    .select({ id: user.id })
    .from(user)
    .leftJoin(localUser, eq(localUser.userId, user.id))
    .where(and(...where));
  const rows = q.limit !== undefined ? await query.limit(q.limit) : await query;
  return rows.map((r) => r.id);
}
