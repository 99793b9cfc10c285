// Who may list, show and delete access rules: each persona sends the same request to py-keystone and to
// keystone-ts and gets the same status. The project member owns the rules; as in py-keystone, a rule is looked
// up by id alone, so naming oneself in the path is enough to read another user's rule.
import t from 'tap';
import { assertSameDecisions } from '../interop/personas.js';
import { startMatrix } from './persona-kit.js';

const m = await startMatrix(t);
const { ours, personas, ownerRules } = m;
const shared = await m.storedRule();

t.test("listing the member's access rules, and those of a user that does not exist", async (t) => {
  await assertSameDecisions(t, personas, ours.url, () => ({ method: 'GET', path: ownerRules }));
  await assertSameDecisions(t, personas, ours.url, () => ({ method: 'GET', path: '/v3/users/nosuchuser/access_rules' }));
});

t.test("showing the member's rule through its owner's path and through one's own", async (t) => {
  await assertSameDecisions(t, personas, ours.url, () => ({ method: 'GET', path: `${ownerRules}/${shared}` }));
  await assertSameDecisions(t, personas, ours.url, (p) => ({ method: 'GET', path: `/v3/users/${p.userId}/access_rules/${shared}` }));
});

t.test("deleting the member's unused rule", async (t) => {
  const items = await m.perPersona(() => m.storedRule());
  await assertSameDecisions(t, personas, ours.url, (p, s) => ({ method: 'DELETE', path: `${ownerRules}/${items.get(`${p.name}/${s}`)}` }));
});
