// A token issued by the running py-keystone peer decrypts with our code and the peer's own key repository, and
// says what the peer's response body says.
import t from 'tap';
import { DEFAULT_AUTH_METHODS } from '../../src/config/schema.js';
import { TokenFormatter } from '../../src/token/formatter.js';
import { loadKeySet } from '../../src/token/key-repository.js';
import { PEER } from '../helpers/services.js';

interface TokenBody {
  token: {
    methods: string[];
    user: { id: string };
    project: { id: string };
    audit_ids: string[];
    expires_at: string;
    issued_at: string;
  };
}

const scope = { project: { name: 'admin', domain: { id: 'default' } } };
const byPassword = {
  methods: ['password'],
  password: { user: { name: 'admin', domain: { id: 'default' }, password: PEER.adminPassword } },
};

async function issue(identity: object = byPassword): Promise<{ id: string; body: TokenBody }> {
  const response = await fetch(`${PEER.url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity, scope } }),
  });
  if (response.status !== 201) throw new Error(`peer answered ${response.status}: ${await response.text()}`);
  return { id: response.headers.get('x-subject-token')!, body: (await response.json()) as TokenBody };
}

function formatter(): TokenFormatter {
  const keys = loadKeySet(PEER.fernetKeys);
  return new TokenFormatter({ fernet: () => keys.fernet, methods: DEFAULT_AUTH_METHODS, defaultDomainId: 'default' });
}

t.test('a project-scoped token from the live peer decodes to the user, methods, project and times in its body', async (t) => {
  const { id, body } = await issue();
  const { payload, issuedAt } = formatter().validate(id);
  t.equal(payload.version, 2);
  t.equal(payload.userId, body.token.user.id);
  t.same(payload.methods, body.token.methods);
  t.equal('projectId' in payload && payload.projectId, body.token.project.id);
  t.same(payload.auditIds, body.token.audit_ids);
  // The body renders both times with py-keystone's isotime: whole seconds, six zero digits.
  t.equal(payload.expiresAt.getTime(), Date.parse(body.token.expires_at.replace('.000000Z', 'Z')));
  t.equal(issuedAt.getTime(), Date.parse(body.token.issued_at.replace('.000000Z', 'Z')));
});

t.test('a token the peer rescoped from a token lists methods and audit ids in the peer\'s order', async (t) => {
  const first = await issue();
  const { id, body } = await issue({ methods: ['token'], token: { id: first.id } });
  const { payload } = formatter().validate(id);
  t.same(body.token.methods, ['token', 'password'], 'the peer lists the higher method bit first');
  t.same(payload.methods, body.token.methods);
  t.same(payload.auditIds, body.token.audit_ids);
  t.equal(payload.auditIds[1], first.body.token.audit_ids[0], 'the second audit id is the original token\'s');
});
