// Tables keystone-ts adds (v4 features). They live in their own PostgreSQL schema so py-keystone, which only
// looks at its own tables, never sees them, and so no legacy table is ever altered to make room for them.
// `drizzle-kit generate` reads this file (see drizzle.config.ts) and writes migrations to drizzle/.
import { pgSchema } from 'drizzle-orm/pg-core';

export const KEYSTONE_TS_SCHEMA = 'keystone_ts';

/** Declare new tables as `keystoneTs.table('name', {...})`. */
export const keystoneTs = pgSchema(KEYSTONE_TS_SCHEMA);
