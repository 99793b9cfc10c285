// The unmodified `openstack` CLI against py-keystone and against keystone-ts on the same database: trust create
// (impersonating with an expiry, plain, a duplicate, an expiry in the past), show, list and delete, each server
// running the same sequence with its own trustee at the same time, and each server's trusts read through the other.
// The trustor is the fixture user with password auth (see cli-parity.ts); listing every trust is an admin's.
import t from 'tap';
import { uniqueName } from '../helpers/identity-api.js';
import { SERVERS, type Server } from '../catalog/parity.js';
import { masked, newMasks, openstack, other, startCliParity } from './cli-parity.js';

const { parity, fixture, adminEnv, userEnv, both, alike, sameRows } = await startCliParity();
const trustees = {} as Record<Server, string>;
t.teardown(async () => {
  for (const id of Object.values(trustees)) await parity.send('py-keystone', 'DELETE', `/v3/users/${id}`);
});
for (const server of SERVERS) {
  const body = { user: { name: uniqueName('osc-trustee'), domain_id: fixture.domain.id } };
  trustees[server] = (await parity.must('POST', '/v3/users', body)).user.id;
}
const user = (s: Server, ...args: string[]) => openstack(userEnv(s), args);
const quiet = (s: Server, ...args: string[]) => openstack(userEnv(s), args, false);
const admin = (s: Server, ...args: string[]) => openstack(adminEnv(s), args);
/** What the API (not the CLI) lists afterwards through both servers, as the peer's admin. */
const listedAfter = async (path: string, key: string) =>
  (await Promise.all(SERVERS.map((s) => parity.send(s, 'GET', path)))).flatMap((r) => r.body[key].map((c: any) => c.id as string));

t.test('trust create, list, show and delete answer alike', async (t) => {
  const masks = newMasks();
  const trusts = {} as Record<Server, { impersonating: string; plain: string }>;
  const create = (s: Server, ...options: string[]) =>
    user(s, 'trust', 'create', '--project', fixture.project.id, '--role', fixture.roles.member, ...options, fixture.user.id, trustees[s]);
  const created = await both(async (s) => {
    masks[s][trustees[s]] = 'TRUSTEE';
    const impersonating = await create(s, '--impersonate', '--expiration', '2099-01-01T00:00:00');
    const plain = await create(s);
    trusts[s] = { impersonating: impersonating.out?.id, plain: plain.out?.id };
    Object.assign(masks[s], { [trusts[s].impersonating]: 'TRUST', [trusts[s].plain]: 'TRUST2' });
    return { ...impersonating, out: [impersonating.out, plain.out] };
  });
  alike(t, created, masks, 'create (impersonating with an expiry, and plain)');
  // The same trustor, trustee, project, impersonation and expiry twice breaks a unique constraint; the message
  // names the id generated for the refused trust.
  const duplicate = await both(async (s) => masked(await create(s, '--impersonate', '--expiration', '2099-01-01T00:00:00'), /[0-9a-f]{32}/, 'NEW-ID'));
  alike(t, duplicate, masks, 'a duplicate is refused', 1);
  t.equal(duplicate['py-keystone'].error?.status, 409);
  alike(t, await both((s) => create(s, '--expiration', '2000-01-01T00:00:00')), masks, 'an expiry in the past is refused', 1);
  const lacking = (s: Server) =>
    user(s, 'trust', 'create', '--project', fixture.project.id, '--role', fixture.roles.admin, fixture.user.id, trustees[s]);
  alike(t, await both(lacking), masks, 'a role the trustor does not hold on the project is refused', 1);

  alike(t, await both((s) => user(s, 'trust', 'show', trusts[s].impersonating)), masks, 'show by the trustor');
  alike(t, await both((s) => admin(s, 'trust', 'show', trusts[s].plain)), masks, 'show by an admin');
  const crossed = await both((s) => user(s, 'trust', 'show', trusts[other(s)].impersonating));
  for (const s of SERVERS) t.same(crossed[s].out, created[other(s)].out?.[0], `${s} shows the other's trust`);
  // Listing every trust needs an admin; the shared database may hold other tests' trusts.
  const all = SERVERS.flatMap((s) => [trusts[s].impersonating, trusts[s].plain]);
  const listed = await both(async (s) => {
    const r = await admin(s, 'trust', 'list');
    return { ...r, out: r.out?.filter((row: any) => row['Trustor User ID'] === fixture.user.id) };
  });
  sameRows(t, listed, 'list by an admin', 'ID', all);
  alike(t, await both((s) => user(s, 'trust', 'list')), masks, 'list by the trustor is refused', 1);

  alike(t, await both((s) => quiet(s, 'trust', 'delete', trusts[s].impersonating)), masks, 'delete');
  // Not found by id, the CLI looks the trust up in a list the trustor may not read.
  alike(t, await both((s) => quiet(s, 'trust', 'delete', trusts[s].impersonating)), masks, 'delete again', 1);
  alike(t, await both((s) => quiet(s, 'trust', 'delete', trusts[s].plain)), masks, 'delete the plain one');
  t.same((await listedAfter(`/v3/OS-TRUST/trusts?trustor_user_id=${fixture.user.id}`, 'trusts')).filter((id) => all.includes(id)), [], 'none left');
});
