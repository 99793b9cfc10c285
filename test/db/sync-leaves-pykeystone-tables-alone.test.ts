// On a database py-keystone already owns, our db_sync never touches a legacy table: at the Zed heads it leaves
// every table and row as it found them; at any other heads, or with Keystone tables but no alembic bookkeeping,
// it refuses with a message saying what it found and what to do.
import t, { type Test } from 'tap';
import { sql } from 'drizzle-orm';
import { openPostgres, type Database } from '../../src/db/connection.js';
import { ZED_CONTRACT_HEAD, ZED_EXPAND_HEAD } from '../../src/db/legacy/baseline.js';
import { dbSync, dbVersion, DbSyncRefused } from '../../src/db/sync.js';
import { createLogger } from '../../src/logger.js';
import { scratchDatabase } from '../helpers/services.js';
import { executeRows } from '../../src/db/rows.js';
import { catalogSnapshot, tableContents } from './catalog.js';
import { cloneDatabase, pyDbSync } from './keystone-manage.js';

const logger = createLogger({ level: 'silent' });

// keystone-manage runs once; every test gets its own copy of the database it made.
let template: Awaited<ReturnType<typeof scratchDatabase>>;
t.before(async () => {
  template = await scratchDatabase('py_template');
  await pyDbSync(template.name);
});
t.teardown(async () => {
  await template?.drop();
});

async function pyKeystoneDatabase(t: Test, prefix: string): Promise<Database> {
  const scratch = await cloneDatabase(template.name, prefix);
  const database = openPostgres(scratch.url, { maxPoolSize: 2, logger });
  t.teardown(async () => {
    await database.close();
    await scratch.drop();
  });
  return database;
}

t.test('at the Zed heads, db_sync leaves every legacy table and row as py-keystone left them', async (t) => {
  const database = await pyKeystoneDatabase(t, 'py_zed');
  // Rows py-keystone would have written, so "nothing changed" covers data and not just an empty schema.
  await database.exec(`
    INSERT INTO project (id, name, extra, description, enabled, domain_id, parent_id, is_domain)
      VALUES ('default', 'Default', '{}', 'The default domain', true, '<<keystone.domain.root>>', NULL, true);
    INSERT INTO "user" (id, extra, enabled, default_project_id, created_at, last_active_at, domain_id)
      VALUES ('0123456789abcdef0123456789abcdef', '{}', true, NULL, '2022-10-01 12:00:00.123456', NULL, 'default');
    INSERT INTO role (id, name, extra, domain_id) VALUES ('fedcba9876543210fedcba9876543210', 'admin', '{}', '<<null>>');
  `);
  const catalogBefore = await catalogSnapshot(database.db);
  const rowsBefore = await tableContents(database.db);

  const result = await dbSync(database, { logger });
  t.equal(result.legacy, 'present');
  t.same(await catalogSnapshot(database.db), catalogBefore, 'the legacy schema is untouched');
  t.same(await tableContents(database.db), rowsBefore, 'no legacy row changed');

  const again = await dbSync(database, { logger });
  t.same(again, { legacy: 'present', migrationsApplied: [] }, 'a second run has nothing to do');
});

t.test('new-table migrations land in their own schema, outside py-keystone\'s', async (t) => {
  const database = await pyKeystoneDatabase(t, 'py_newtables');
  const result = await dbSync(database, { logger });
  const version = await dbVersion(database);
  t.same(result.migrationsApplied.length, version.migrations.available, 'the first run applies every migration');
  t.equal(version.migrations.applied, version.migrations.available);
  t.not(version.migrations.latest, null);
  const schemas = await executeRows<{ schema: string; name: string }>(
    database.db,
    sql`SELECT table_schema::text AS schema, table_name::text AS name FROM information_schema.tables
        WHERE table_schema NOT IN ('public', 'pg_catalog', 'information_schema')`,
  );
  t.same(schemas, [{ schema: 'keystone_ts', name: '__drizzle_migrations' }], 'bookkeeping lives in keystone_ts only');
});

t.test('at other alembic heads, db_sync refuses and changes nothing', async (t) => {
  const database = await pyKeystoneDatabase(t, 'py_other');
  // Pretend a newer py-keystone ran its expand migration (a scratch database of our own, not the peer's).
  await database.exec(`UPDATE alembic_version SET version_num = '47147121' WHERE version_num = '${ZED_EXPAND_HEAD}'`);
  const catalogBefore = await catalogSnapshot(database.db);
  const rowsBefore = await tableContents(database.db);

  await t.rejects(dbSync(database, { logger }), DbSyncRefused);
  await t.rejects(dbSync(database, { logger }), {
    message: new RegExp(`47147121, ${ZED_CONTRACT_HEAD}.*${ZED_EXPAND_HEAD} \\(expand\\).*${ZED_CONTRACT_HEAD} \\(contract\\)`),
  });
  t.same(await catalogSnapshot(database.db), catalogBefore, 'the schema is untouched');
  t.same(await tableContents(database.db), rowsBefore, 'no row changed');
  t.same((await dbVersion(database)).heads, ['47147121', ZED_CONTRACT_HEAD], 'db_version still reports what is there');
});

t.test('Keystone tables without alembic_version (a pre-Yoga database) are refused', async (t) => {
  const database = await pyKeystoneDatabase(t, 'py_unversioned');
  await database.exec('DROP TABLE alembic_version');
  await t.rejects(dbSync(database, { logger }), { name: 'DbSyncRefused', message: /no alembic_version table/ });
});

t.test('alembic_version at the Zed heads with legacy tables missing is refused', async (t) => {
  const database = await pyKeystoneDatabase(t, 'py_incomplete');
  await database.exec('DROP TABLE access_token; DROP TABLE request_token');
  await t.rejects(dbSync(database, { logger }), { name: 'DbSyncRefused', message: /missing: request_token, access_token/ });
});
