// A bad create body gets the 400 py-keystone gives, with the same first line (py-keystone goes on with a dump of
// its JSON schema): the first failing field in the order jsonschema walks the schema, members py-keystone's model
// does not have, and a non-object body. Policy comes first, so a caller who may not create gets a 403 for a bad
// body too. Where py-keystone breaks instead of answering, keystone-ts answers a 400.
import t from 'tap';
import { call } from '../helpers/identity-api.js';
import { firstLine, SERVERS, startKit, uniqueName } from './kit.js';

const kit = await startKit();
t.teardown(() => kit.close());

const member = (fields: Record<string, unknown>) => ({ application_credential: { name: uniqueName('bad'), ...fields } });

const CASES: Record<string, unknown> = {
  'no body member': {},
  'a member that is no object': { application_credential: 'x' },
  'a null member': { application_credential: null },
  'a name of the wrong type (and later fields wrong too)': { application_credential: { name: 5, roles: 5, secret: 7 } },
  'a blank name': { application_credential: { name: '  ' } },
  'an empty name': { application_credential: { name: '' } },
  'a name too long': { application_credential: { name: 'n'.repeat(256) } },
  'a description of the wrong type': member({ description: 5 }),
  'a secret of the wrong type': member({ secret: ['s'] }),
  'expires_at of the wrong type': member({ expires_at: 1893456000 }),
  'roles not a list': member({ roles: 'reader' }),
  'an empty role': member({ roles: [{}] }),
  'a role with id and name': member({ roles: [{ id: 'a', name: 'b' }] }),
  'a role with an unknown member': member({ roles: [{ title: 'reader' }] }),
  'a role id with bad characters': member({ roles: [{ id: 'no spaces' }] }),
  'a second role wrong': member({ roles: [{ name: 'reader' }, { name: 7 }] }),
  'unrestricted as a string': member({ unrestricted: 'true' }),
  'unrestricted null': member({ unrestricted: null }),
  'access rules not a list': member({ access_rules: { service: 'compute' } }),
  'an access rule path without a slash': member({ access_rules: [{ service: 'compute', path: 'servers', method: 'GET' }] }),
  'an access rule method in lower case': member({ access_rules: [{ service: 'compute', path: '/servers', method: 'get' }] }),
  'an access rule with unknown members': member({ access_rules: [{ service: 'compute', verb: 'GET', zone: 'a' }] }),
  'an access rule service with bad characters': member({ access_rules: [{ service: 'compute!', path: '/', method: 'GET' }] }),
  'a member the model does not have': member({ color: 'blue' }),
  'a member whose normalised name the model does not have': member({ 'X-Color': 'blue' }),
  'a list as the body': [],
};

t.test('each bad body gets the same status and message from both servers', async (t) => {
  for (const [what, body] of Object.entries(CASES)) {
    const [theirs, mine] = await Promise.all(SERVERS.map((s) => call(kit.url(s), 'POST', kit.credentials, { token: kit.userToken, body })));
    t.equal(mine!.status, 400, what);
    t.equal(mine!.status, theirs!.status, `${what}: status`);
    t.equal(firstLine(mine!), firstLine(theirs!), `${what}: message`);
  }
});

t.test('policy is enforced before the body is read', async (t) => {
  const otherUser = `/v3/users/${kit.fixture.project.id}/application_credentials`;
  for (const body of [CASES['a name of the wrong type (and later fields wrong too)'], []]) {
    const [theirs, mine] = await Promise.all(SERVERS.map((s) => call(kit.url(s), 'POST', otherUser, { token: kit.userToken, body })));
    t.equal(mine!.status, theirs!.status);
    t.same(mine!.body, theirs!.body);
  }
});

t.test('where py-keystone breaks (no answer at all), keystone-ts answers a 400', async (t) => {
  const cases = [
    member({ expires_at: '' }),
    member({ access_rules: [{ id: uniqueName('nosuchrule') }] }),
    member({ access_rules: [{ service: 'compute' }] }),
  ];
  for (const body of cases) {
    const res = await call(kit.ours.url, 'POST', kit.credentials, { token: kit.userToken, body });
    t.equal(res.status, 400, JSON.stringify(body));
    t.equal(res.body.error.title, 'Bad Request');
  }
});
