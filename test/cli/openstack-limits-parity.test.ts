// The unmodified `openstack` CLI against py-keystone and against keystone-ts on the same database: registered limit
// and limit (create, list, show, set, delete), each server running the same sequence with its own resource names at
// the same time, and each server's limits read through the other. Writes are the peer admin's (admin_token auth);
// limits are listed as well with the fixture user's own project-scoped token.
import t from 'tap';
import { issueToken, passwordAuth, uniqueName } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { SERVERS, type Server } from '../catalog/parity.js';
import { newMasks, openstack, other, startCliParity } from './cli-parity.js';

const { parity, fixture, adminEnv, both, alike, sameRows } = await startCliParity({ passwordAuth: false });
const login = await issueToken(PEER.url, passwordAuth({ id: fixture.user.id }, fixture.user.password, { project: { id: fixture.project.id } }));
const service = await parity.service({ name: uniqueName('osc-limits') });
const made = {} as Record<Server, { resource: string; registered: any; limit: any }>;
// After startCliParity's own teardown: whatever a failed run left, through the peer, then the service again.
t.teardown(async () => {
  for (const { limit } of Object.values(made)) if (limit?.id) await parity.send('py-keystone', 'DELETE', `/v3/limits/${limit.id}`);
  for (const { registered } of Object.values(made)) if (registered?.id) await parity.send('py-keystone', 'DELETE', `/v3/registered_limits/${registered.id}`);
  await parity.send('py-keystone', 'DELETE', `/v3/services/${service.id}`);
});
const admin = (s: Server, ...args: string[]) => openstack(adminEnv(s), args);
const adminQuiet = (s: Server, ...args: string[]) => openstack(adminEnv(s), args, false);
const member = (s: Server, ...args: string[]) => openstack(adminEnv(s, login.id), args);

t.test('registered limit and limit commands answer alike', async (t) => {
  const masks = newMasks();
  const registered = await both(async (s) => {
    const resource = uniqueName('osc-cores');
    masks[s][resource] = 'RESOURCE';
    const r = await admin(s, 'registered', 'limit', 'create', '--service', service.id, '--default-limit', '10', '--region', 'RegionOne', '--description', 'from the CLI', resource);
    made[s] = { resource, registered: r.out, limit: undefined };
    masks[s][r.out?.id] = 'REGISTERED-ID';
    return r;
  });
  alike(t, registered, masks, 'registered limit create');
  const rl = (s: Server): string => made[s].registered?.id;
  const create = (s: Server) =>
    admin(s, 'registered', 'limit', 'create', '--service', service.id, '--default-limit', '10', '--region', 'RegionOne', made[s].resource);
  const duplicate = await both(create);
  alike(t, duplicate, masks, 'registered limit create twice', 1);
  t.equal(duplicate['py-keystone'].error?.status, 409);
  alike(t, await both((s) => admin(s, 'registered', 'limit', 'show', rl(s))), masks, 'registered limit show');
  alike(t, await both((s) => admin(s, 'registered', 'limit', 'set', '--default-limit', '20', '--description', 'changed', rl(s))), masks, 'registered limit set');
  sameRows(t, await both((s) => admin(s, 'registered', 'limit', 'list', '--service', service.id)), 'registered limit list --service', 'ID', SERVERS.map(rl));
  const byName = await both((s) => admin(s, 'registered', 'limit', 'list', '--resource-name', made[s].resource, '--region', 'RegionOne'));
  alike(t, byName, masks, 'registered limit list --resource-name --region');

  const limits = await both(async (s) => {
    const r = await admin(s, 'limit', 'create', '--project', fixture.project.id, '--service', service.id, '--resource-limit', '5', '--region', 'RegionOne', '--description', 'from the CLI', made[s].resource);
    made[s].limit = r.out;
    masks[s][r.out?.id] = 'LIMIT-ID';
    return r;
  });
  alike(t, limits, masks, 'limit create');
  const limit = (s: Server): string => made[s].limit?.id;
  const orphan = await both((s) => admin(s, 'limit', 'create', '--project', fixture.project.id, '--service', service.id, '--resource-limit', '5', made[s].resource));
  alike(t, orphan, masks, 'a limit without a registered limit (no region) is refused', 1);
  t.equal(orphan['py-keystone'].error?.status, 403);
  alike(t, await both((s) => admin(s, 'limit', 'show', limit(s))), masks, 'limit show');
  alike(t, await both((s) => admin(s, 'limit', 'set', '--resource-limit', '7', '--description', 'changed', limit(s))), masks, 'limit set');
  // A member may not look the service up by id (--service), so lists the whole project, which is the fixture's own.
  sameRows(t, await both((s) => member(s, 'limit', 'list')), "limit list by the project's member", 'ID', SERVERS.map(limit));
  alike(t, await both((s) => member(s, 'limit', 'list', '--resource-name', made[s].resource)), masks, 'limit list --resource-name');
  // A project-scoped token lists its own project's limits, whatever --project says.
  sameRows(t, await both((s) => admin(s, 'limit', 'list', '--service', service.id, '--project', fixture.project.id)), 'limit list by an admin of another project', 'ID', []);

  const crossed = await both((s) => admin(s, 'registered', 'limit', 'show', rl(other(s))));
  const crossedLimit = await both((s) => admin(s, 'limit', 'show', limit(other(s))));
  const shown = await both((s) => admin(s, 'limit', 'show', limit(s)));
  for (const s of SERVERS) {
    t.same(crossed[s].out, { ...made[other(s)].registered, default_limit: 20, description: 'changed' }, `${s} shows the other's registered limit`);
    t.same(crossedLimit[s].out, shown[other(s)].out, `${s} shows the other's limit`);
  }

  const inUse = await both((s) => adminQuiet(s, 'registered', 'limit', 'delete', rl(s)));
  alike(t, inUse, masks, 'registered limit delete while a limit uses it', 1);
  t.equal(inUse['py-keystone'].error?.status, 403);
  const renamed = await both((s) => admin(s, 'registered', 'limit', 'set', '--resource-name', `${made[s].resource}-renamed`, rl(s)));
  alike(t, renamed, masks, 'registered limit renamed while a limit uses it', 1);
  alike(t, await both((s) => adminQuiet(s, 'limit', 'delete', limit(s))), masks, 'limit delete');
  alike(t, await both((s) => admin(s, 'limit', 'show', limit(s))), masks, 'limit show once deleted', 1);
  alike(t, await both((s) => adminQuiet(s, 'registered', 'limit', 'delete', rl(s))), masks, 'registered limit delete');
  const gone = await both((s) => admin(s, 'registered', 'limit', 'show', rl(s)));
  alike(t, gone, masks, 'registered limit show once deleted', 1);
  t.equal(gone['py-keystone'].error?.status, 404);
});
