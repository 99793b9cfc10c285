// The ceiling the bench holds keystone-ts against: fastify with one route and nothing else, in as many node:cluster
// worker processes sharing the port as keystone-ts runs. Whatever keystone-ts loses against this is its own work.
// Run: node --import tsx bench/ceiling-server.ts PORT WORKERS
import cluster from 'node:cluster';
import Fastify from 'fastify';

const port = Number(process.argv[2]);
const workers = Number(process.argv[3] ?? 1);
if (!Number.isInteger(port) || !Number.isInteger(workers) || workers < 1) {
  process.stderr.write('usage: ceiling-server.ts PORT WORKERS\n');
  process.exit(2);
}

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  const app = Fastify({ logger: false });
  app.get('/ceiling', async () => ({ version: { id: 'v3.14', status: 'stable' } }));
  await app.listen({ host: '127.0.0.1', port });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
