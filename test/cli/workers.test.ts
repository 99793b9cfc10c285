// With PostgreSQL, `serve --workers N` runs N processes on one port; the embedded database runs one.
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { main } from '../../src/main.js';
import { issueToken, passwordAuth } from '../helpers/identity-api.js';
import { freePort, startProcess, waitForUrl } from '../helpers/processes.js';
import { PEER, REPO_ROOT } from '../helpers/services.js';

const work = mkdtempSync(join(tmpdir(), 'kts-workers-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

/** keystone-ts worker processes forked by `pid` (tsx's own esbuild helper process is not one). */
function workerPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)])
      .toString()
      .split('\n')
      .filter((line) => line.includes('src/bin.ts'))
      .map((line) => Number.parseInt(line, 10));
  } catch {
    return [];
  }
}

async function serve(configText: string, workers: number) {
  const configFile = join(work, `keystone-${workers}.conf`);
  writeFileSync(configFile, configText);
  const port = await freePort();
  const proc = startProcess('node', ['--import', 'tsx', 'src/bin.ts', 'serve', '--config-file', configFile, '--bind', `127.0.0.1:${port}`, '--workers', String(workers)], {
    cwd: REPO_ROOT,
    env: process.env,
  });
  await waitForUrl(`http://127.0.0.1:${port}/v3`, proc.child, 60_000);
  return { ...proc, url: `http://127.0.0.1:${port}` };
}

t.test('with PostgreSQL, --workers 2 forks two workers that share the port and serve tokens', async (t) => {
  const server = await serve(
    `[database]\nconnection = ${PEER.databaseUrl}\n[fernet_tokens]\nkey_repository = ${PEER.fernetKeys}\n`,
    2,
  );
  t.teardown(server.stop);
  t.equal(workerPids(server.child.pid!).length, 2, 'two worker processes');
  const results = await Promise.all(
    Array.from({ length: 4 }, () => issueToken(server.url, passwordAuth({ name: 'admin', domainId: 'default' }, PEER.adminPassword))),
  );
  t.same(results.map((r) => r.status), [201, 201, 201, 201]);

  // A revocation made by one worker is seen at once by the other, whose cache held the token too.
  const [caller, victim] = [results[0]!.id, results[1]!.id];
  const check = () => statusOnNewConnection(server.url, '/v3/auth/tokens', { 'X-Auth-Token': caller, 'X-Subject-Token': victim });
  const before = await Promise.all(Array.from({ length: 8 }, check));
  t.same(before, Array(8).fill(200), 'both workers validate (and cache) the token');
  t.equal(await statusOnNewConnection(server.url, '/v3/auth/tokens', { 'X-Auth-Token': caller, 'X-Subject-Token': victim }, 'DELETE'), 204);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const after = [];
  for (let i = 0; i < 8; i++) after.push(await check());
  t.same(after, Array(8).fill(404), 'neither worker answers from its cache after the revocation');
});

/** One request on a connection of its own: node:cluster hands each new connection to the next worker. */
function statusOnNewConnection(base: string, path: string, headers: Record<string, string>, method = 'HEAD'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('the embedded database runs one process whatever --workers says', async (t) => {
  const config = `[keystone_ts]\ndata_dir = ${join(work, 'pglite')}\n[fernet_tokens]\nkey_repository = ${join(work, 'fernet')}\n`;
  writeFileSync(join(work, 'setup.conf'), config);
  t.equal(await main(['fernet_setup', '--config-file', join(work, 'setup.conf')]), 0);
  const server = await serve(config, 4);
  t.teardown(server.stop);
  t.equal(workerPids(server.child.pid!).length, 0, 'no forked workers');
});
