// Starts keystone-ts in-process on a loopback port, configured like an operator running it beside the
// py-keystone peer: the peer's database and key repositories, unless the test says otherwise.
import type { AddressInfo } from 'node:net';
import { validateConfig } from '../../src/config/load.js';
import type { KeystoneConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { PEER } from './services.js';

export interface RunningKeystone {
  readonly url: string;
  readonly runtime: Runtime;
  readonly config: KeystoneConfig;
  close(): Promise<void>;
}

export function besidePeerConfig(overrides: Record<string, Record<string, string>> = {}): KeystoneConfig {
  const raw: Record<string, Record<string, string>> = {
    database: { connection: PEER.databaseUrl, max_pool_size: '4' },
    fernet_tokens: { key_repository: PEER.fernetKeys },
    fernet_receipts: { key_repository: PEER.receiptKeys },
    credential: { key_repository: PEER.credentialKeys },
  };
  for (const [section, options] of Object.entries(overrides)) raw[section] = { ...raw[section], ...options };
  return validateConfig(raw);
}

/** Listens on `port` (default: any free one). */
export async function startKeystoneTs(config: KeystoneConfig = besidePeerConfig(), port = 0): Promise<RunningKeystone> {
  const runtime = await createRuntime(config, createLogger({ level: process.env.KEYSTONE_TEST_LOG ?? 'silent' }));
  await runtime.app.listen({ host: '127.0.0.1', port });
  const { port: bound } = runtime.app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}`, runtime, config, close: () => runtime.close() };
}
