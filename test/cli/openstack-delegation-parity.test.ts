// The unmodified `openstack` CLI against py-keystone and against keystone-ts on the same database: application
// credential (create with roles, expiration, --unrestricted, --access-rules; list, show, delete) and access rule
// (list, show, delete), each server running the same sequence with its own objects at the same time, and each
// server's application credentials authenticating at the other. The caller is the fixture user with password auth
// (see cli-parity.ts); trusts are in openstack-trust-parity.test.ts.
import t from 'tap';
import { issueToken, passwordAuth, uniqueName } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { SERVERS, type Server } from '../catalog/parity.js';
import { newMasks, openstack, other, startCliParity, type Outcome } from './cli-parity.js';

const { parity, fixture, authEnv, userEnv, both, alike, sameRows, checkRouting } = await startCliParity();
const login = await issueToken(PEER.url, passwordAuth({ id: fixture.user.id }, fixture.user.password, { project: { id: fixture.project.id } }));
const user = (s: Server, ...args: string[]) => openstack(userEnv(s), args);
const quiet = (s: Server, ...args: string[]) => openstack(userEnv(s), args, false);
const appCredEnv = (server: Server, credential: { id: string; secret: string }) =>
  authEnv(server, {
    OS_AUTH_TYPE: 'v3applicationcredential',
    OS_APPLICATION_CREDENTIAL_ID: credential.id,
    OS_APPLICATION_CREDENTIAL_SECRET: credential.secret,
  });
/** What the API (not the CLI) lists afterwards through both servers, to the fixture user. */
const listedAfter = async (path: string, key: string) =>
  (await Promise.all(SERVERS.map((s) => parity.send(s, 'GET', path, undefined, login.id)))).flatMap((r) => r.body[key].map((c: any) => c.id as string));

t.test('password auth sends the CLI to the server it is pointed at', checkRouting);

t.test('application credential and access rule commands answer alike', async (t) => {
  const masks = newMasks();
  const made = {} as Record<Server, { restricted: any; unrestricted: any; name: string; secret: string; rule: string }>;
  const created = await both(async (s) => {
    const [name, name2] = [uniqueName('osc-appcred'), uniqueName('osc-appcred')];
    // A user's identical rules are one rule: each server's sequence asks for its own path.
    const rules = JSON.stringify([{ service: 'compute', method: 'GET', path: `/v2.1/servers/${name}` }]);
    const secret = `secret-${name2}`;
    const restricted = await user(s, 'application', 'credential', 'create', '--role', 'member', '--expiration', '2099-01-01T00:00:00', '--description', 'from the CLI', '--access-rules', rules, name);
    const unrestricted = await user(s, 'application', 'credential', 'create', '--unrestricted', '--secret', secret, name2);
    made[s] = { restricted: restricted.out, unrestricted: unrestricted.out, name, secret, rule: restricted.out?.access_rules?.[0]?.id };
    Object.assign(masks[s], { [name]: 'NAME', [name2]: 'NAME2', [secret]: 'SECRET2', [made[s].rule]: 'RULE' });
    Object.assign(masks[s], { [restricted.out?.id]: 'ID', [restricted.out?.secret]: 'SECRET', [unrestricted.out?.id]: 'ID2' });
    return { ...restricted, out: [restricted.out, unrestricted.out] };
  });
  alike(t, created, masks, 'create (roles, expiration, access rules; unrestricted with a secret)');
  const ids = SERVERS.flatMap((s) => [made[s].restricted?.id, made[s].unrestricted?.id]);
  const rules = SERVERS.map((s) => made[s].rule);
  sameRows(t, await both((s) => user(s, 'application', 'credential', 'list')), 'list', 'ID', ids);
  alike(t, await both((s) => user(s, 'application', 'credential', 'show', made[s].name)), masks, 'show by name');
  sameRows(t, await both((s) => user(s, 'access', 'rule', 'list')), 'access rule list', 'ID', rules);
  alike(t, await both((s) => user(s, 'access', 'rule', 'show', made[s].rule)), masks, 'access rule show');
  const inUse = await both((s) => quiet(s, 'access', 'rule', 'delete', made[s].rule));
  alike(t, inUse, masks, 'access rule delete while in use', 1);
  t.equal(inUse['py-keystone'].error?.status, 403);

  // Each server's application credentials authenticate at the other. Keystone does not apply access rules to its
  // own API: the restricted one is refused for managing application credentials, not for its rules.
  const tokens = await both(async (s) => {
    const r = await openstack(appCredEnv(s, made[other(s)].restricted), ['token', 'issue']);
    return { ...r, out: r.out && { ...r.out, id: typeof r.out.id, expires: Date.parse(r.out.expires) > Date.now() } };
  });
  alike(t, tokens, newMasks(), "token issue with the other server's application credential");
  t.equal(tokens['keystone-ts'].out?.project_id, fixture.project.id);
  const nested = (s: Server, credential: { id: string; secret: string }): Promise<Outcome> =>
    openstack(appCredEnv(s, credential), ['application', 'credential', 'create', uniqueName('osc-nested')]);
  const refused = await both((s) => nested(s, made[other(s)].restricted));
  alike(t, refused, masks, 'a restricted application credential may not create another', 1);
  t.equal(refused['py-keystone'].error?.status, 403);
  const listed = await both((s) => openstack(appCredEnv(s, { id: made[other(s)].unrestricted.id, secret: made[other(s)].secret }), ['application', 'credential', 'list']));
  sameRows(t, listed, "an unrestricted one lists the user's", 'ID', ids);

  alike(t, await both((s) => quiet(s, 'application', 'credential', 'delete', made[s].name)), masks, 'delete by name');
  alike(t, await both((s) => quiet(s, 'access', 'rule', 'delete', made[s].rule)), masks, 'access rule delete once unused');
  alike(t, await both((s) => quiet(s, 'application', 'credential', 'delete', made[s].unrestricted.id)), masks, 'delete by id');
  const users = `/v3/users/${fixture.user.id}`;
  t.same((await listedAfter(`${users}/application_credentials`, 'application_credentials')).filter((id) => ids.includes(id)), [], 'none left');
  t.same((await listedAfter(`${users}/access_rules`, 'access_rules')).filter((id) => rules.includes(id)), [], 'no rule left');
});
