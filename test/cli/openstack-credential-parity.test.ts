// The unmodified `openstack` CLI against py-keystone and against keystone-ts on the same database: credential
// (create, list, show, set, delete) and ec2 credentials (create, list, show, delete), each server running the same
// sequence with its own objects at the same time, and each server's objects read through the other.
// `credential` needs no identity from auth_ref: it runs with admin_token auth carrying the fixture user's own
// token. `ec2 credentials` takes the user from auth_ref: it runs with password auth (see cli-parity.ts).
import t from 'tap';
import { issueToken, passwordAuth, uniqueName } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { baseOf, comparable, SERVERS, type Server } from '../catalog/parity.js';
import { masked, newMasks, openstack, other, startCliParity } from './cli-parity.js';

const { parity, fixture, adminEnv, userEnv, both, alike, sameRows, checkRouting } = await startCliParity();
const login = await issueToken(PEER.url, passwordAuth({ id: fixture.user.id }, fixture.user.password, { project: { id: fixture.project.id } }));
const userToken = login.id;
const asUser = (s: Server, ...args: string[]) => openstack(adminEnv(s, userToken), args);
const asUserQuiet = (s: Server, ...args: string[]) => openstack(adminEnv(s, userToken), args, false);
const viaPassword = (s: Server, ...args: string[]) => openstack(userEnv(s), args);

/** What the API (not the CLI) lists afterwards, through both servers. */
const listedAfter = async (path: string, key: string, field: string) =>
  (await Promise.all(SERVERS.map((s) => parity.send(s, 'GET', path, undefined, userToken)))).flatMap((r) => r.body[key].map((c: any) => c[field]));

t.test('password auth sends the CLI to the server it is pointed at', checkRouting);

t.test('credential create, list, show, set and delete answer alike', async (t) => {
  const masks = newMasks();
  const ids = {} as Record<Server, { ec2: string; cert: string }>;
  const created = await both(async (s) => {
    const access = uniqueName('osc-access');
    masks[s][access] = 'ACCESS';
    const blob = JSON.stringify({ access, secret: 'osc-secret' });
    const ec2 = await asUser(s, 'credential', 'create', '--type', 'ec2', '--project', fixture.project.id, fixture.user.id, blob);
    const cert = await asUser(s, 'credential', 'create', fixture.user.id, `cert-${access}`);
    ids[s] = { ec2: ec2.out?.id, cert: cert.out?.id };
    masks[s][ids[s].ec2] = 'EC2-ID';
    masks[s][ids[s].cert] = 'CERT-ID';
    return { ...ec2, out: [ec2.out, cert.out] };
  });
  alike(t, created, masks, 'create (ec2 with a project, cert without)');
  const all = SERVERS.flatMap((s) => [ids[s].ec2, ids[s].cert]);
  sameRows(t, await both((s) => asUser(s, 'credential', 'list')), 'list', 'ID', all);
  const ec2 = SERVERS.map((s) => ids[s].ec2);
  sameRows(t, await both((s) => asUser(s, 'credential', 'list', '--user', fixture.user.id, '--type', 'ec2')), 'list --user --type ec2', 'ID', ec2);
  alike(t, await both((s) => asUser(s, 'credential', 'show', ids[s].ec2)), masks, 'show');
  // Each server decrypts the blob the other encrypted (one credential key repository).
  const crossed = await both((s) => asUser(s, 'credential', 'show', ids[other(s)].ec2));
  for (const s of SERVERS) t.same(crossed[s].out, created[other(s)].out?.[0], `${s} shows the other's credential`);
  // Debian's Zed schema for an update allows only the blob, and the CLI always sends the user and the type.
  const set = await both((s) => asUserQuiet(s, 'credential', 'set', '--user', fixture.user.id, '--type', 'cert', '--data', 'changed', ids[s].cert));
  alike(t, set, masks, 'set is refused', 1);
  t.equal(set['py-keystone'].error?.status, 400);
  alike(t, await both((s) => asUserQuiet(s, 'credential', 'delete', ids[s].cert)), masks, 'delete');
  // A credential that is gone: the policy check cannot build its target and refuses.
  alike(t, await both((s) => asUserQuiet(s, 'credential', 'delete', ids[s].cert)), masks, 'delete again', 1);
  alike(t, await both((s) => asUserQuiet(s, 'credential', 'delete', ids[s].ec2)), masks, 'delete the ec2 one');
  t.same((await listedAfter('/v3/credentials', 'credentials', 'id')).filter((id: string) => all.includes(id)), [], 'none left');
});

t.test('ec2 credentials create, list, show and delete answer alike', async (t) => {
  const masks = newMasks();
  const keys = {} as Record<Server, { own: string; named: string }>;
  const mask = (s: Server, out: any, label: string) => {
    masks[s][out?.access] = `${label}-ACCESS`;
    masks[s][out?.secret] = `${label}-SECRET`;
    return out?.access as string;
  };
  const created = await both(async (s) => {
    const own = await viaPassword(s, 'ec2', 'credentials', 'create');
    const named = await viaPassword(s, 'ec2', 'credentials', 'create', '--project', fixture.project.id, '--user', fixture.user.id);
    keys[s] = { own: mask(s, own.out, 'OWN'), named: mask(s, named.out, 'NAMED') };
    return { ...own, out: [own.out, named.out] };
  });
  alike(t, created, masks, "create (for the token's project and user, and for a named project and user)");
  const all = SERVERS.flatMap((s) => [keys[s].own, keys[s].named]);
  sameRows(t, await both((s) => viaPassword(s, 'ec2', 'credentials', 'list')), 'list', 'Access', all);
  alike(t, await both((s) => viaPassword(s, 'ec2', 'credentials', 'show', keys[s].own)), masks, 'show');
  const crossed = await both((s) => viaPassword(s, 'ec2', 'credentials', 'show', keys[other(s)].own));
  for (const s of SERVERS) {
    const own = created[other(s)].out?.[0];
    t.same(comparable(crossed[s].out, baseOf(s, parity)), comparable(own, baseOf(other(s), parity)), `${s} shows the other's ec2 credential`);
  }
  alike(t, await both((s) => openstack(userEnv(s), ['ec2', 'credentials', 'delete', keys[s].own, keys[s].named], false)), masks, 'delete');
  // The credential's id in the message is a hash of the access key.
  const again = await both(async (s) => masked(await openstack(userEnv(s), ['ec2', 'credentials', 'delete', keys[s].own], false), /[0-9a-f]{64}/, 'HASH'));
  alike(t, again, masks, 'delete again', 1);
  t.equal(again['py-keystone'].error?.status, 404);
  const left = await listedAfter(`/v3/users/${fixture.user.id}/credentials/OS-EC2`, 'credentials', 'access');
  t.same(left.filter((access: string) => all.includes(access)), [], 'none left');
});
