// Our db_sync on an empty database builds exactly what py-keystone's `keystone-manage db_sync` builds, and
// py-keystone then accepts that database as its own: its db_sync finds nothing to do and changes nothing.
import t, { type Test } from 'tap';
import { openPostgres, type Database } from '../../src/db/connection.js';
import { ZED_CONTRACT_HEAD, ZED_EXPAND_HEAD } from '../../src/db/legacy/baseline.js';
import { dbSync, dbVersion } from '../../src/db/sync.js';
import { createLogger } from '../../src/logger.js';
import { scratchDatabase } from '../helpers/services.js';
import { catalogSnapshot, tableContents, type CatalogSnapshot } from './catalog.js';
import { keystoneManage, pyDbSync } from './keystone-manage.js';

const logger = createLogger({ level: 'silent' });

function compareCatalogs(t: Test, ours: CatalogSnapshot, theirs: CatalogSnapshot): void {
  t.same(Object.keys(ours.tables).sort(), Object.keys(theirs.tables).sort(), 'the same tables');
  for (const [name, table] of Object.entries(theirs.tables)) {
    const mine = ours.tables[name];
    if (!mine) continue;
    t.same(mine.columns, table.columns, `${name}: columns (order, type, nullability, default)`);
    t.same(mine.constraints, table.constraints, `${name}: constraints`);
    t.same(mine.indexes, table.indexes, `${name}: indexes`);
    t.same(mine.triggers, table.triggers, `${name}: triggers`);
    t.same({ kind: mine.kind, persistence: mine.persistence }, { kind: table.kind, persistence: table.persistence }, `${name}: kind`);
  }
  t.same(ours.sequences, theirs.sequences, 'sequences');
  t.same(ours.enums, theirs.enums, 'enum types');
  t.same(ours.otherTypes, theirs.otherTypes, 'other types');
  t.same(ours.functions, theirs.functions, 'functions');
}

type Scratch = Awaited<ReturnType<typeof scratchDatabase>>;
let reference: Scratch;
let ours: Scratch;
let refDb: Database;
let ourDb: Database;

t.before(async () => {
  reference = await scratchDatabase('ref_zed');
  ours = await scratchDatabase('ours_zed');
  await pyDbSync(reference.name);
  refDb = openPostgres(reference.url, { maxPoolSize: 2, logger });
  ourDb = openPostgres(ours.url, { maxPoolSize: 2, logger });
});
t.teardown(async () => {
  await refDb?.close();
  await ourDb?.close();
  await reference?.drop();
  await ours?.drop();
});

t.test('db_sync on an empty database builds the schema keystone-manage db_sync builds', async (t) => {
  const result = await dbSync(ourDb, { logger });
  t.equal(result.legacy, 'created');
  compareCatalogs(t, await catalogSnapshot(ourDb.db), await catalogSnapshot(refDb.db));
});

t.test('it writes the rows keystone-manage db_sync writes: both alembic heads and the root domain project', async (t) => {
  const mine = await tableContents(ourDb.db);
  const theirs = await tableContents(refDb.db);
  t.same(mine, theirs, 'every table holds the same rows');
  t.match(mine.alembic_version, ZED_EXPAND_HEAD);
  t.match(mine.alembic_version, ZED_CONTRACT_HEAD);
  t.match(mine.project, '<<keystone.domain.root>>');
});

t.test('db_version reports the Zed heads and the applied new-table migrations', async (t) => {
  const version = await dbVersion(ourDb);
  t.same(version.heads, [ZED_EXPAND_HEAD, ZED_CONTRACT_HEAD].sort());
  t.equal(version.expand, ZED_EXPAND_HEAD);
  t.equal(version.contract, ZED_CONTRACT_HEAD);
  t.equal(version.migrations.applied, version.migrations.available, 'every shipped migration is applied');
  t.same((await dbVersion(refDb)).heads, version.heads, 'the same heads as a py-keystone database');
});

t.test('py-keystone considers our database up to date at its own heads', async (t) => {
  const check = await keystoneManage(ours.name, 'db_sync', '--check');
  t.equal(check.code, 0, 'db_sync --check exits 0 (nothing to upgrade)');
  const output = check.stdout + check.stderr;
  t.match(output, `Expand: ${ZED_EXPAND_HEAD} (head: ${ZED_EXPAND_HEAD})`);
  t.match(output, `Contract: ${ZED_CONTRACT_HEAD} (head: ${ZED_CONTRACT_HEAD})`);
  const version = await keystoneManage(ours.name, 'db_version');
  t.equal(version.code, 0);
  t.match(version.stdout, ZED_EXPAND_HEAD, 'keystone-manage db_version reads our alembic_version');
});

t.test('keystone-manage db_sync over our database succeeds and changes nothing', async (t) => {
  const catalogBefore = await catalogSnapshot(ourDb.db);
  const rowsBefore = await tableContents(ourDb.db);
  await pyDbSync(ours.name);
  compareCatalogs(t, await catalogSnapshot(ourDb.db), catalogBefore);
  t.same(await tableContents(ourDb.db), rowsBefore, 'no row changed');
});
