// drizzle-kit reads only keystone-ts's NEW tables: py-keystone's legacy tables (src/db/legacy/schema.ts) are
// shaped by the Zed baseline or by py-keystone and must never appear in a generated migration.
// `npx drizzle-kit generate` writes drizzle/NNNN_*.sql; `db_sync` applies them (src/db/sync.ts).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/new/schema.ts',
  out: './drizzle',
  schemaFilter: ['keystone_ts'],
  migrations: { schema: 'keystone_ts', table: '__drizzle_migrations' },
  dbCredentials: { url: process.env.KEYSTONE_DATABASE_URL ?? 'postgresql://keystone:keystone@127.0.0.1:5432/keystone_ts_dev' },
  strict: true,
});
