// The running py-keystone peer's database (read only here) is exactly the schema our baseline builds, so
// keystone-ts can share it: db_sync would classify it as "py-keystone at the Zed heads" and leave it alone.
import t from 'tap';
import { openPostgres, type Database } from '../../src/db/connection.js';
import { dbSync, legacyState } from '../../src/db/sync.js';
import { createLogger } from '../../src/logger.js';
import { PEER, scratchDatabase } from '../helpers/services.js';
import { catalogSnapshot } from './catalog.js';

const logger = createLogger({ level: 'silent' });

t.test('the peer database is at the Zed heads and has the schema our db_sync creates', async (t) => {
  const peer: Database = openPostgres(PEER.databaseUrl, { maxPoolSize: 1, logger });
  const scratch = await scratchDatabase('peer_cmp');
  const ours = openPostgres(scratch.url, { maxPoolSize: 1, logger });
  t.teardown(async () => {
    await peer.close();
    await ours.close();
    await scratch.drop();
  });
  t.match(await legacyState(peer.db), { kind: 'zed' });
  await dbSync(ours, { logger });
  t.same(await catalogSnapshot(ours.db), await catalogSnapshot(peer.db));
});
