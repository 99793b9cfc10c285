// db_sync is all or nothing and safe to start twice at once: two workers racing on an empty database build
// the baseline once, and a failing new-table migration leaves the database as empty as it found it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openPostgres } from '../../src/db/connection.js';
import { dbSync, dbVersion, legacyState } from '../../src/db/sync.js';
import { createLogger } from '../../src/logger.js';
import { scratchDatabase } from '../helpers/services.js';
import { catalogSnapshot, tableContents } from './catalog.js';

const logger = createLogger({ level: 'silent' });

t.test('two db_sync runs started together build the baseline once', async (t) => {
  const scratch = await scratchDatabase('sync_race');
  const first = openPostgres(scratch.url, { maxPoolSize: 2, logger });
  const second = openPostgres(scratch.url, { maxPoolSize: 2, logger });
  t.teardown(async () => {
    await first.close();
    await second.close();
    await scratch.drop();
  });
  const results = await Promise.all([dbSync(first, { logger }), dbSync(second, { logger })]);
  t.same(results.map((r) => r.legacy).sort(), ['created', 'present']);
  const applied = results.flatMap((r) => r.migrationsApplied);
  t.equal(applied.length, (await dbVersion(first)).migrations.available, 'each migration applied once, by one of them');
  t.equal(new Set(applied).size, applied.length);
  const rows = await tableContents(first.db);
  t.equal(JSON.parse(rows.alembic_version ?? '[]').length, 2, 'alembic_version holds the two heads once');
  t.equal(JSON.parse(rows.project ?? '[]').length, 1, 'one root domain project');
});

t.test('a failing new-table migration undoes the whole db_sync, baseline included', async (t) => {
  const scratch = await scratchDatabase('sync_fail');
  const database = openPostgres(scratch.url, { maxPoolSize: 2, logger });
  const folder = await mkdtemp(join(tmpdir(), 'kts-migrations-'));
  t.teardown(async () => {
    await database.close();
    await scratch.drop();
    await rm(folder, { recursive: true, force: true });
  });
  await mkdir(join(folder, 'meta'));
  await writeFile(
    join(folder, 'meta', '_journal.json'),
    JSON.stringify({
      version: '7',
      dialect: 'postgresql',
      entries: [{ idx: 0, version: '7', when: 1700000000000, tag: '0000_broken', breakpoints: true }],
    }),
  );
  await writeFile(
    join(folder, '0000_broken.sql'),
    'CREATE SCHEMA IF NOT EXISTS "keystone_ts";\n--> statement-breakpoint\nCREATE TABLE "keystone_ts"."x" (id no_such_type);\n',
  );
  const before = await catalogSnapshot(database.db);
  await t.rejects(dbSync(database, { logger, migrationsFolder: folder }), /no_such_type/);
  t.same(await legacyState(database.db), { kind: 'empty' }, 'no legacy table was left behind');
  t.same(await catalogSnapshot(database.db), before, 'the schema is as it was');
  t.same((await dbVersion(database, { migrationsFolder: folder })).migrations.applied, 0);
});
