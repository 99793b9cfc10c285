-- keystone-ts's own schema. IF NOT EXISTS because drizzle-orm's migrator creates it first, to hold its
-- __drizzle_migrations bookkeeping table.
CREATE SCHEMA IF NOT EXISTS "keystone_ts";
