// The unmodified `openstack` CLI (python3-openstackclient) gives the same answers from keystone-ts as from
// py-keystone on the same database, for the role, implied role, role add/remove and role assignment list commands.
// Each server gets the same sequence with its own objects; outputs are compared with generated ids and names
// replaced by placeholders, lists as sets of the rows naming the test's own objects.
import t from 'tap';
import { passwordEnv } from '../helpers/openstack-cli.js';
import { PEER } from '../helpers/services.js';
import { startSideBySide } from './side-by-side.js';

const { parity, cli } = await startSideBySide();
// Two families at a time: a CLI call spends most of its 2-3 s waiting, on a busy machine.
t.jobs = 2;

t.test('role create (global and domain), show, set, list, implied role and delete answer alike', async (t) => {
  await cli.compare(t, async (run) => {
    const domain = await cli.fixture(run, 'domain', 'domains');
    const implied = await cli.fixture(run, 'implied', 'roles');
    const name = run.name('role');
    const renamed = run.name('renamed');
    const domainRoleName = run.name('domain-role');
    const role = await run.json('role create', 'role', 'create', '--description', 'made by the CLI', name);
    cli.removeLater(`/v3/roles/${run.known('role-id', role.id)}`);
    const domainRole = await run.json('role create --domain', 'role', 'create', '--domain', domain.name, domainRoleName);
    cli.removeLater(`/v3/roles/${run.known('domain-role-id', domainRole.id)}`);
    await run.json('role show by name', 'role', 'show', name);
    await run.run('role create with a name taken', 'role', 'create', name);
    await run.json('role show --domain', 'role', 'show', '--domain', domain.id, domainRoleName);
    await run.run('role set', 'role', 'set', '--name', renamed, '--description', 'changed', role.id);
    await run.list('role list', 'role', 'list');
    const inDomain = await run.list('role list --domain', 'role', 'list', '--domain', domain.id);
    t.same(inDomain.map((r) => r.ID), [domainRole.id], 'the domain role listed in its domain');
    await run.json('implied role create', 'implied', 'role', 'create', renamed, '--implied-role', implied.name);
    const rules = await run.list('implied role list', 'implied', 'role', 'list');
    t.ok(rules.some((r) => r['Prior Role ID'] === role.id && r['Implied Role ID'] === implied.id), 'the inference rule listed');
    await run.run('implied role delete', 'implied', 'role', 'delete', role.id, '--implied-role', implied.id);
    await run.run('role delete', 'role', 'delete', role.id, domainRole.id);
    await run.run('role show after delete', 'role', 'show', role.id);
  });
});

t.test('role add/remove and role assignment list with its filters answer alike', async (t) => {
  await cli.compare(t, async (run) => {
    const domain = await cli.fixture(run, 'domain', 'domains');
    const project = await cli.fixture(run, 'project', 'projects', { domain_id: domain.id });
    const user = await cli.fixture(run, 'user', 'users', { domain_id: domain.id });
    const group = await cli.fixture(run, 'group', 'groups', { domain_id: domain.id });
    const [prior, implied] = [await cli.fixture(run, 'prior', 'roles'), await cli.fixture(run, 'implied', 'roles')];
    await parity.must('PUT', `/v3/groups/${group.id}/users/${user.id}`, undefined, 'keystone-ts');
    await parity.must('PUT', `/v3/roles/${prior.id}/implies/${implied.id}`, undefined, 'keystone-ts');

    await run.run('role add --user --project', 'role', 'add', '--user', user.id, '--project', project.id, prior.name);
    await run.run(
      'role add --group --domain --inherited', 'role', 'add', '--group', group.name, '--group-domain', domain.name,
      '--domain', domain.name, '--inherited', implied.name,
    );
    await run.run('role add --user --system all', 'role', 'add', '--user', user.id, '--system', 'all', implied.id);
    await run.list('role assignment list --user', 'role', 'assignment', 'list', '--user', user.id);
    const effective = await run.list(
      'role assignment list --user --effective --names', 'role', 'assignment', 'list', '--user', user.id, '--effective', '--names',
    );
    // py-keystone Zed leaves system assignments out of an effective list.
    t.equal(effective.length, 3, 'effective: the project role, the role it implies, the group role inherited from the domain');
    await run.list(
      'role assignment list --project --names', 'role', 'assignment', 'list', '--project', project.name, '--project-domain', domain.id,
      '--names',
    );
    await run.list('role assignment list --domain --inherited', 'role', 'assignment', 'list', '--domain', domain.id, '--inherited');
    await run.list('role assignment list --group', 'role', 'assignment', 'list', '--group', group.id);
    await run.list('role assignment list --system all', 'role', 'assignment', 'list', '--system', 'all');
    await run.run('role remove --user --project', 'role', 'remove', '--user', user.id, '--project', project.id, prior.id);
    await run.run('role remove --user --system all', 'role', 'remove', '--user', user.id, '--system', 'all', implied.id);
    await run.list('role assignment list --user --effective after removal', 'role', 'assignment', 'list', '--user', user.id, '--effective');
  });
});

t.test('role assignment list --auth-user --auth-project (password auth) answers alike', async (t) => {
  // Password auth sends identity requests to the catalog's endpoint, not to an override: keystone-ts gets an
  // identity endpoint in a region of its own for the length of this test.
  const region = await parity.region();
  const identity = (await parity.must('GET', '/v3/services?type=identity', undefined, 'keystone-ts')).services[0];
  const endpoint = await parity.endpoint(identity.id, { region_id: region.id, url: `${parity.ks.url}/v3` });
  t.teardown(() => parity.send('keystone-ts', 'DELETE', `/v3/endpoints/${endpoint.id}`));
  const envs = { 'py-keystone': passwordEnv(PEER.url, 'RegionOne'), 'keystone-ts': passwordEnv(parity.ks.url, region.id) };
  await cli.compare(
    t,
    async (run, server) => {
      const base = server === 'py-keystone' ? PEER.url : parity.ks.url;
      const args = ['role', 'assignment', 'list', '--auth-user', '--auth-project', '--names'];
      const r = await run.all('role assignment list --auth-user --auth-project --names', '--debug', ...args);
      t.match(r.stderr, `GET ${base}/v3/role_assignments?`, `${server} answered`);
    },
    envs,
  );
});
