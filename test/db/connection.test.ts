// keystone.conf's `[database] connection` is read as py-keystone's operators write it (SQLAlchemy URLs), and
// either engine gives stores the same Drizzle handle: queries, transactions that commit or roll back, raw scripts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { eq, sql } from 'drizzle-orm';
import { configSchema } from '../../src/config/schema.js';
import { openDatabase, openPglite, parseConnectionUrl, type Database, type Executor } from '../../src/db/connection.js';
import { region } from '../../src/db/schema.js';
import { executeRows } from '../../src/db/rows.js';
import { dbSync } from '../../src/db/sync.js';
import { createLogger } from '../../src/logger.js';
import { PG_HOST, PG_PORT, scratchDatabase } from '../helpers/services.js';

const logger = createLogger({ level: 'silent' });

t.test('a SQLAlchemy URL with a +driver suffix names the same server as a plain one', async (t) => {
  const withDriver = parseConnectionUrl('postgresql+psycopg2://keystone:s%40cret@db.example.org:6432/keystone');
  const plain = parseConnectionUrl('postgresql://keystone:s%40cret@db.example.org:6432/keystone');
  t.same(withDriver, plain);
  t.match(withDriver.options, {
    host: 'db.example.org',
    port: 6432,
    database: 'keystone',
    username: 'keystone',
    password: 's@cret',
  });
});

t.test('postgres:// and a Unix socket directory in ?host= are accepted', async (t) => {
  const socket = parseConnectionUrl('postgres://keystone@/keystone?host=/var/run/postgresql');
  t.equal(socket.options.host, '/var/run/postgresql');
  t.equal(socket.options.port, 5432);
  t.equal(parseConnectionUrl('postgresql://[::1]/keystone').options.host, '::1');
});

t.test('sslmode is honoured and SQLAlchemy-only parameters are reported, not sent to the server', async (t) => {
  const target = parseConnectionUrl('postgresql+psycopg2://k:p@h/keystone?sslmode=require&charset=utf8');
  t.equal(target.options.ssl, 'require');
  t.same(target.ignoredParameters, ['charset']);
  t.same(target.options.connection, { application_name: 'keystone-ts' });
});

t.test('a database other than PostgreSQL is refused with the option named', async (t) => {
  t.throws(() => parseConnectionUrl('mysql+pymysql://keystone:pw@localhost/keystone'), {
    message: /\[database\] connection must be a PostgreSQL URL .*mysql:/,
  });
  t.throws(() => parseConnectionUrl('sqlite:///keystone.db'), { message: /PostgreSQL URL/ });
});

/** A store-style function: takes the database or a transaction alike. */
async function regionDescription(executor: Executor, id: string): Promise<string | undefined> {
  const [row] = await executor.select({ description: region.description }).from(region).where(eq(region.id, id));
  return row?.description;
}

async function exerciseEngine(t: Test, database: Database): Promise<void> {
  await dbSync(database, { logger });
  await database.db.transaction(async (tx) => {
    await tx.insert(region).values({ id: 'RegionOne', description: 'committed', extra: '{}' });
  });
  t.equal(await regionDescription(database.db, 'RegionOne'), 'committed', 'a committed transaction is visible');

  await t.rejects(
    database.db.transaction(async (tx) => {
      await tx.insert(region).values({ id: 'RegionTwo', description: 'rolled back', extra: '{}' });
      t.equal(await regionDescription(tx, 'RegionTwo'), 'rolled back', 'visible inside its transaction');
      throw new Error('abort');
    }),
    { message: 'abort' },
  );
  t.equal(await regionDescription(database.db, 'RegionTwo'), undefined, 'a failed transaction leaves nothing');

  await database.exec(`
    INSERT INTO region (id, description, extra) VALUES ('RegionThree', 'script', '{}');
    UPDATE region SET description = 'script, second statement' WHERE id = 'RegionThree';
  `);
  t.equal(await regionDescription(database.db, 'RegionThree'), 'script, second statement', 'exec runs every statement');
  await t.rejects(
    database.exec(`
      INSERT INTO region (id, description, extra) VALUES ('RegionFour', 'script', '{}');
      INSERT INTO region (id, description, extra) VALUES ('RegionOne', 'duplicate', '{}');
    `),
  );
  t.equal(await regionDescription(database.db, 'RegionFour'), undefined, 'a failing script is undone as a whole');

  const [count] = await executeRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM region`);
  t.equal(count?.n, 2);
}

t.test('PostgreSQL from [database] connection: queries, transactions and scripts', async (t) => {
  const scratch = await scratchDatabase('connection');
  const config = configSchema.parse({
    database: { connection: `postgresql+psycopg2://keystone:keystone@${PG_HOST}:${PG_PORT}/${scratch.name}`, max_pool_size: '3' },
  });
  const database = await openDatabase(config, logger);
  t.teardown(async () => {
    await database.close();
    await scratch.drop();
  });
  t.equal(database.kind, 'postgres');
  await exerciseEngine(t, database);
});

t.test('PGlite: the same queries, transactions and scripts, kept in data_dir across restarts', async (t) => {
  // One data directory for both checks: initialising a PGlite data directory costs seconds.
  const dir = await mkdtemp(join(tmpdir(), 'kts-conn-'));
  let open: Database | undefined;
  t.teardown(async () => {
    await open?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const first = await openPglite(join(dir, 'data'), logger);
  open = first;
  t.equal(first.kind, 'pglite');
  await exerciseEngine(t, first);
  await first.close();

  const second = await openPglite(join(dir, 'data'), logger);
  open = second;
  t.equal(await regionDescription(second.db, 'RegionOne'), 'committed', 'committed rows survive a restart');
  t.same(await dbSync(second, { logger }), { legacy: 'present', migrationsApplied: [] }, 'db_sync has nothing to do');
});
