// The unmodified `openstack` CLI (python3-openstackclient) driving OS-EP-FILTER against py-keystone and against
// keystone-ts on the same database: endpoint group create / add project / list (all, of a project, projects of a
// group), endpoint add project / list --project. Both servers are reached with the peer's admin token and an
// endpoint override (the catalog in the shared database points at the peer).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { adminTokenEnv, openstack as openstackRun, openstackJson } from '../helpers/openstack-cli.js';
import { PEER } from '../helpers/services.js';
import { createPeerFixture, removePeerFixture } from '../interop/fixtures.js';
import { startParity, uniqueName, type Server } from '../catalog/parity.js';

const parity = await startParity();
const fixture = await createPeerFixture();
const work = mkdtempSync(join(tmpdir(), 'kts-epf-osc-'));
const created: string[] = [];
t.teardown(async () => {
  for (const id of created) await parity.send('keystone-ts', 'DELETE', `/v3/OS-EP-FILTER/endpoint_groups/${id}`);
  rmSync(work, { recursive: true, force: true });
  await removePeerFixture(fixture);
  await parity.cleanup();
});

const service = await parity.service();
const endpoint = await parity.endpoint(service.id, { interface: 'internal' });
const filters = join(work, 'filters.json');
writeFileSync(filters, JSON.stringify({ service_id: service.id }));

const env = (server: Server) => adminTokenEnv(server === 'py-keystone' ? PEER.url : parity.ks.url, parity.token);
const openstack = (server: Server, ...args: string[]) => openstackJson(env(server), ...args);
/** A command without JSON output; throws unless it succeeds. */
const succeed = async (server: Server, ...args: string[]) => {
  const r = await openstackRun(env(server), ...args);
  if (r.code !== 0) throw new Error(`openstack ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
};

t.test('endpoint group create, add project and list answer alike', async (t) => {
  const out = {} as Record<Server, any>;
  for (const server of ['py-keystone', 'keystone-ts'] as const) {
    const name = uniqueName(`osc-${server}`);
    const group = await openstack(server, 'endpoint', 'group', 'create', '--description', 'from the CLI', name, filters);
    created.push(group.id);
    await succeed(server, 'endpoint', 'group', 'add', 'project', group.id, fixture.project.id);
    out[server] = { group, name };
  }
  const shape = (g: any, name: string) => ({ ...g, id: 'ID', name: g.name === name ? 'NAME' : g.name });
  t.same(shape(out['keystone-ts'].group, out['keystone-ts'].name), shape(out['py-keystone'].group, out['py-keystone'].name), 'create');
  t.same(out['keystone-ts'].group.filters ?? out['keystone-ts'].group, out['py-keystone'].group.filters ?? out['py-keystone'].group);
  for (const args of [['endpoint', 'group', 'list'], ['endpoint', 'group', 'list', '--project', fixture.project.id]]) {
    const [theirs, mine] = [await openstack('py-keystone', ...args), await openstack('keystone-ts', ...args)];
    const sorted = (rows: any[]) => [...rows].sort((a, b) => String(a.ID).localeCompare(String(b.ID)));
    t.same(sorted(mine), sorted(theirs), args.join(' '));
  }
  const ids = (rows: any[]) => rows.map((r) => r.ID).sort();
  const mine = await openstack('keystone-ts', 'endpoint', 'group', 'list', '--project', fixture.project.id);
  t.same(ids(mine), [out['py-keystone'].group.id, out['keystone-ts'].group.id].sort(), "the project's groups");
  const projects = await openstack('keystone-ts', 'endpoint', 'group', 'list', '--endpointgroup', out['py-keystone'].group.id);
  const peerProjects = await openstack('py-keystone', 'endpoint', 'group', 'list', '--endpointgroup', out['py-keystone'].group.id);
  t.same(projects, peerProjects, 'projects of a group');
});

t.test('endpoint add project and endpoint list --project answer alike', async (t) => {
  await succeed('keystone-ts', 'endpoint', 'add', 'project', endpoint.id, fixture.project.id);
  const args = ['endpoint', 'list', '--project', fixture.project.id];
  const [theirs, mine] = [await openstack('py-keystone', ...args), await openstack('keystone-ts', ...args)];
  const sorted = (rows: any[]) => [...rows].sort((a, b) => String(a.ID).localeCompare(String(b.ID)));
  t.same(sorted(mine), sorted(theirs));
  t.ok(mine.some((e: any) => e.ID === endpoint.id), 'the associated endpoint is listed');
});
