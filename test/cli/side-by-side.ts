// What the admin CLI parity tests share: one command sequence run by the `openstack` CLI against py-keystone and
// keystone-ts at once (each with its own objects), the two records compared step by step, and REST fixtures made
// through keystone-ts (milliseconds, where a CLI call takes a second or two) removed at teardown.
import t, { type Test } from 'tap';
import { baseOf, SERVERS, startParity, type Parity, type Server } from '../catalog/parity.js';
import { uniqueName } from '../helpers/identity-api.js';
import { adminTokenEnv, CliRun, type CliEnv } from '../helpers/openstack-cli.js';

export interface SideBySide {
  /** Runs `sequence` once per server, concurrently, and compares the two records step by step. */
  compare(t: Test, sequence: (run: CliRun, server: Server) => Promise<void>, envs?: Record<Server, CliEnv>): Promise<void>;
  /** A fixture made through keystone-ts's REST API, shown as <placeholder> in `run`'s records, removed at teardown. */
  fixture(run: CliRun, placeholder: string, collection: 'domains' | 'projects' | 'users' | 'groups' | 'roles', body?: Record<string, unknown>): Promise<any>;
  /** Removes `path` at teardown (through keystone-ts; a domain is disabled first). Already gone is fine. */
  removeLater(path: string): void;
  cleanup(): Promise<void>;
}

/** keystone-ts beside the peer and a side-by-side runner on it, both cleaned up when the test file ends. */
export async function startSideBySide(): Promise<{ parity: Parity; cli: SideBySide }> {
  const parity = await startParity();
  const cli = sideBySide(parity);
  t.teardown(async () => {
    await cli.cleanup();
    await parity.cleanup();
  });
  return { parity, cli };
}

function sideBySide(parity: Parity): SideBySide {
  const paths: string[] = [];
  const removeLater = (path: string) => paths.push(path);
  return {
    removeLater,
    compare: async (t, sequence, envs) => {
      const runs = new Map(
        SERVERS.map((s) => [s, new CliRun(envs?.[s] ?? adminTokenEnv(baseOf(s, parity), parity.token))]),
      );
      await Promise.all(SERVERS.map((s) => sequence(runs.get(s)!, s)));
      const theirs = runs.get('py-keystone')!.records();
      const mine = runs.get('keystone-ts')!.records();
      t.same(mine.map((s) => s.what), theirs.map((s) => s.what), 'the same steps');
      theirs.forEach((step, i) => t.same(mine[i]?.out, step.out, step.what));
    },
    fixture: async (run, placeholder, collection, body = {}) => {
      const member = collection.slice(0, -1);
      const name = uniqueName(`osc-${placeholder}`);
      const created = (await parity.must('POST', `/v3/${collection}`, { [member]: { name, ...body } }, 'keystone-ts'))[member];
      run.known(placeholder, created.id);
      run.known(`${placeholder}-name`, name);
      removeLater(`/v3/${collection}/${created.id}`);
      return created;
    },
    cleanup: async () => {
      for (const path of paths.reverse()) {
        if (path.startsWith('/v3/domains/')) await parity.send('keystone-ts', 'PATCH', path, { domain: { enabled: false } });
        await parity.send('keystone-ts', 'DELETE', path);
      }
    },
  };
}
