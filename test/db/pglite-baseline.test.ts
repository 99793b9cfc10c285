// The embedded database runs the same baseline: with no [database] connection, keystone-ts opens PGlite in
// [keystone_ts] data_dir, db_sync builds py-keystone's schema there, and the Drizzle tables read and write it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { eq } from 'drizzle-orm';
import { configSchema } from '../../src/config/schema.js';
import { openDatabase, openPostgres, type Database } from '../../src/db/connection.js';
import { localUser, password, project, user } from '../../src/db/schema.js';
import { ZED_TABLE_NAMES } from '../../src/db/legacy/baseline.js';
import { dbSync, dbVersion } from '../../src/db/sync.js';
import { createLogger } from '../../src/logger.js';
import { scratchDatabase } from '../helpers/services.js';
import { catalogSnapshot } from './catalog.js';
import { pyDbSync } from './keystone-manage.js';

const logger = createLogger({ level: 'silent' });
let dataDir: string;
let database: Database;

t.before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kts-pglite-'));
  const config = configSchema.parse({ keystone_ts: { data_dir: join(dataDir, 'pglite') } });
  database = await openDatabase(config, logger);
});
t.teardown(async () => {
  await database?.close();
  await rm(dataDir, { recursive: true, force: true });
});

t.test('with no [database] connection the embedded PGlite database is opened in data_dir', async (t) => {
  t.equal(database.kind, 'pglite');
});

t.test('db_sync creates every py-keystone table and the Zed heads on PGlite', async (t) => {
  const result = await dbSync(database, { logger });
  t.equal(result.legacy, 'created');
  const catalog = await catalogSnapshot(database.db);
  t.same(Object.keys(catalog.tables).sort(), [...ZED_TABLE_NAMES].sort());
  const version = await dbVersion(database);
  t.same(version.heads, ['29e87d24a316', 'e25ffa003242']);
  t.equal(version.migrations.applied, version.migrations.available);
  const [root] = await database.db.select().from(project).where(eq(project.id, '<<keystone.domain.root>>'));
  t.match(root, { isDomain: true, enabled: false, domainId: '<<keystone.domain.root>>', extra: '{}' });
  t.same(await dbSync(database, { logger }), { legacy: 'present', migrationsApplied: [] }, 'and is idempotent');
});

t.test('the PGlite schema is the one keystone-manage db_sync builds on PostgreSQL', async (t) => {
  const scratch = await scratchDatabase('pglite_ref');
  const reference = openPostgres(scratch.url, { maxPoolSize: 1, logger });
  t.teardown(async () => {
    await reference.close();
    await scratch.drop();
  });
  await pyDbSync(scratch.name);
  const theirs = await catalogSnapshot(reference.db);
  const ours = await catalogSnapshot(database.db);
  for (const [name, table] of Object.entries(theirs.tables)) {
    t.same(ours.tables[name]?.columns, table.columns, `${name}: columns`);
    t.same(withoutNotNull(ours.tables[name]?.constraints), table.constraints, `${name}: constraints`);
    t.same(ours.tables[name]?.indexes, table.indexes, `${name}: indexes`);
  }
  t.same(ours.sequences, theirs.sequences, 'sequences');
  t.same(ours.enums, theirs.enums, 'enum types');
});

/**
 * PGlite is a newer PostgreSQL (18), which also lists each NOT NULL as a constraint ('n') in pg_constraint;
 * PostgreSQL 15 does not. Nullability itself is compared with the columns.
 */
function withoutNotNull(constraints: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!constraints) return constraints;
  return Object.fromEntries(Object.entries(constraints).filter(([, def]) => !def.startsWith('n: ')));
}

t.test('a user, its local_user and its password round-trip through the Drizzle tables', async (t) => {
  const userId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const createdAt = new Date('2022-10-05T08:30:15.250Z');
  await database.db.transaction(async (tx) => {
    await tx.insert(project).values({
      id: 'default', name: 'Default', extra: '{}', description: '', enabled: true,
      domainId: '<<keystone.domain.root>>', isDomain: true,
    });
    await tx.insert(user).values({ id: userId, extra: '{"email": "a@example.org"}', enabled: true, createdAt, domainId: 'default' });
    const [local] = await tx.insert(localUser).values({ userId, domainId: 'default', name: 'alice' }).returning();
    t.ok(local && local.id > 0, 'local_user.id comes from its sequence');
    await tx.insert(password).values({
      localUserId: local!.id,
      passwordHash: '$2b$12$abcdefghijklmnopqrstuu5Kx4bVvAIaW1jTiGFxDNy5hhq0Yc9Wq',
      createdAt,
      createdAtInt: createdAt.getTime() * 1000,
    });
  });
  const [row] = await database.db
    .select({ user, localUser, password })
    .from(user)
    .innerJoin(localUser, eq(localUser.userId, user.id))
    .innerJoin(password, eq(password.localUserId, localUser.id))
    .where(eq(user.id, userId));
  t.ok(row);
  t.same(row?.user.createdAt, createdAt, 'timestamps read back as the same UTC instant');
  t.equal(row?.user.lastActiveAt, null);
  t.equal(row?.localUser.name, 'alice');
  t.equal(row?.password.createdAtInt, 1664958615250000, 'bigint microseconds read back as a number');
  t.equal(row?.password.selfService, false, 'column default applies');
  t.equal(row?.password.expiresAt, null);
});
