// The unmodified `openstack` CLI (python3-openstackclient) gives the same answers from keystone-ts as from
// py-keystone on the same database, for the domain, project, user, group, region, service and endpoint commands.
// Each server gets the same sequence with its own objects; outputs are compared with generated ids and names
// replaced by placeholders, lists as sets of the rows naming the test's own objects.
import t from 'tap';
import { startSideBySide } from './side-by-side.js';

const { parity, cli } = await startSideBySide();
// Two families at a time: a CLI call spends most of its 2-3 s waiting, on a busy machine.
t.jobs = 2;

t.test('domain create, show, set, list and delete answer alike', async (t) => {
  await cli.compare(t, async (run) => {
    const name = run.name('domain');
    const renamed = run.name('renamed');
    const domain = await run.json('domain create', 'domain', 'create', '--description', 'made by the CLI', name);
    cli.removeLater(`/v3/domains/${run.known('domain-id', domain.id)}`);
    await run.json('domain show by name', 'domain', 'show', name);
    await run.run('domain delete while enabled', 'domain', 'delete', domain.id);
    await run.run('domain set', 'domain', 'set', '--name', renamed, '--description', 'changed', '--disable', domain.id);
    await run.json('domain show after set', 'domain', 'show', domain.id);
    const listed = await run.list('domain list', 'domain', 'list');
    t.ok(listed.some((d) => d.ID === domain.id && d.Name === renamed && d.Enabled === false), 'the domain is listed, renamed and disabled');
    await run.run('domain delete', 'domain', 'delete', renamed);
    await run.run('domain show after delete', 'domain', 'show', domain.id);
  });
});

t.test('project create (with parent, properties and tags), show, set, list and delete answer alike', async (t) => {
  await cli.compare(t, async (run) => {
    const domain = await cli.fixture(run, 'domain', 'domains');
    const name = run.name('project');
    const renamed = run.name('renamed');
    const childName = run.name('child');
    const project = await run.json(
      'project create', 'project', 'create', '--domain', domain.name, '--description', 'made by the CLI',
      '--property', 'flavour=vanilla', '--tag', 'alpha', '--tag', 'beta', name,
    );
    cli.removeLater(`/v3/projects/${run.known('project-id', project.id)}`);
    const child = await run.json('project create --parent', 'project', 'create', '--domain', domain.id, '--parent', name, childName);
    cli.removeLater(`/v3/projects/${run.known('child-id', child.id)}`);
    await run.json('project show --domain', 'project', 'show', '--domain', domain.name, name);
    await run.run('project create with a name taken', 'project', 'create', '--domain', domain.id, childName);
    await run.run(
      'project set', 'project', 'set', '--name', renamed, '--disable', '--remove-tag', 'alpha', '--property', 'flavour=mint', project.id,
    );
    await run.json('project show after set', 'project', 'show', project.id);
    const listed = await run.list('project list --domain --long', 'project', 'list', '--domain', domain.id, '--long');
    t.equal(listed.length, 2, 'both projects listed in their domain');
    await run.list('project list --parent', 'project', 'list', '--parent', project.id);
    await run.list('project list --tags', 'project', 'list', '--domain', domain.id, '--tags', 'beta');
    await run.run('project delete', 'project', 'delete', child.id, project.id);
  });
});

t.test('user create (with options), show, set, list and delete answer alike', async (t) => {
  await cli.compare(t, async (run) => {
    const domain = await cli.fixture(run, 'domain', 'domains');
    const project = await cli.fixture(run, 'project', 'projects', { domain_id: domain.id });
    const name = run.name('user');
    const renamed = run.name('renamed');
    const user = await run.json(
      'user create', 'user', 'create', '--domain', domain.name, '--project', project.id, '--password', 'pw-osc-parity',
      '--email', 'osc@example.org', '--description', 'made by the CLI', '--ignore-lockout-failure-attempts', name,
    );
    cli.removeLater(`/v3/users/${run.known('user-id', user.id)}`);
    await run.json('user create --or-show with a name taken', 'user', 'create', '--domain', domain.id, '--or-show', name);
    await run.run(
      'user set', 'user', 'set', '--name', renamed, '--email', 'changed@example.org', '--disable', '--enable-multi-factor-auth',
      '--multi-factor-auth-rule', 'password,totp', user.id,
    );
    await run.json('user show after set', 'user', 'show', user.id);
    const listed = await run.list('user list --domain --long', 'user', 'list', '--domain', domain.id, '--long');
    t.equal(listed.length, 1, 'the user listed in its domain');
    await run.list('user list --project', 'user', 'list', '--project', project.id);
    await run.run('user delete', 'user', 'delete', user.id);
    await run.run('user show after delete', 'user', 'show', user.id);
  });
});

t.test('group create, add/remove user, contains user, set, list and delete answer alike', async (t) => {
  await cli.compare(t, async (run) => {
    const domain = await cli.fixture(run, 'domain', 'domains');
    const user = await cli.fixture(run, 'user', 'users', { domain_id: domain.id });
    const name = run.name('group');
    const renamed = run.name('renamed');
    const group = await run.json('group create', 'group', 'create', '--domain', domain.id, '--description', 'made by the CLI', name);
    cli.removeLater(`/v3/groups/${run.known('group-id', group.id)}`);
    const domainArgs = ['--group-domain', domain.id, '--user-domain', domain.id];
    await run.run('group add user', 'group', 'add', 'user', ...domainArgs, name, user.name);
    const contains = await run.run('group contains user', 'group', 'contains', 'user', group.id, user.id);
    t.equal(contains.code, 0, 'the user is in the group');
    await run.list('group list --user', 'group', 'list', '--user', user.id);
    await run.list('user list --group', 'user', 'list', '--group', group.id);
    await run.run('group set', 'group', 'set', '--name', renamed, '--description', 'changed', group.id);
    await run.json('group show --domain', 'group', 'show', '--domain', domain.name, renamed);
    await run.list('group list --domain --long', 'group', 'list', '--domain', domain.id, '--long');
    await run.run('group remove user', 'group', 'remove', 'user', group.id, user.id);
    await run.run('group contains user after removal', 'group', 'contains', 'user', group.id, user.id);
    await run.run('group delete', 'group', 'delete', group.id);
  });
});

t.test('region create (with parent), show, set, list and delete answer alike', async (t) => {
  await cli.compare(t, async (run) => {
    const parent = run.name('region');
    const child = run.name('child');
    for (const id of [parent, child]) cli.removeLater(`/v3/regions/${id}`);
    await run.json('region create', 'region', 'create', '--description', 'made by the CLI', parent);
    await run.json('region create --parent-region', 'region', 'create', '--parent-region', parent, child);
    await run.run('region set', 'region', 'set', '--description', 'changed', child);
    await run.json('region show', 'region', 'show', child);
    const listed = await run.list('region list', 'region', 'list');
    t.equal(listed.filter((r) => r.Region === parent || r.Region === child).length, 2, 'both regions listed');
    await run.list('region list --parent-region', 'region', 'list', '--parent-region', parent);
    await run.run('region delete', 'region', 'delete', child, parent);
  });
});

t.test('service and endpoint create, show, set, list and delete answer alike', async (t) => {
  const region = await parity.region();
  await cli.compare(t, async (run) => {
    const type = run.name('type');
    const name = run.name('service');
    const service = await run.json('service create', 'service', 'create', '--name', name, '--description', 'made by the CLI', type);
    cli.removeLater(`/v3/services/${run.known('service-id', service.id)}`);
    await run.json('service show by name', 'service', 'show', name);
    await run.run('service set', 'service', 'set', '--disable', '--description', 'changed', service.id);
    await run.list('service list --long', 'service', 'list', '--long');
    const endpoint = await run.json('endpoint create', 'endpoint', 'create', '--region', region.id, name, 'internal', 'http://osc.test/v1');
    cli.removeLater(`/v3/endpoints/${run.known('endpoint-id', endpoint.id)}`);
    await run.json('endpoint show', 'endpoint', 'show', endpoint.id);
    await run.run('endpoint set', 'endpoint', 'set', '--url', 'http://osc.test/v2', '--interface', 'admin', '--disable', endpoint.id);
    const listed = await run.list('endpoint list --service', 'endpoint', 'list', '--service', service.id);
    t.equal(listed.length, 1, 'the endpoint listed under its service');
    await run.list('endpoint list --region --interface', 'endpoint', 'list', '--region', region.id, '--interface', 'admin');
    await run.run('endpoint delete', 'endpoint', 'delete', endpoint.id);
    await run.run('service delete', 'service', 'delete', name);
    await run.run('service show after delete', 'service', 'show', service.id);
  });
});
