// The oslo.policy rule language as the embedded engine reads and evaluates it: every construct, the precedence
// oslo's parser gives, Python's spelling of values, and the malformed rules we refuse (with a position).
import t from 'tap';
import type { PolicyCredentials } from '../../src/policy/credentials.js';
import { CompiledRules, PolicyCycleError } from '../../src/policy/rule-compiler.js';
import { formatRule, parseListRule, parseRule, PolicySyntaxError, type RuleNode } from '../../src/policy/rule-parser.js';
import { flattenPolicyDict } from '../../src/policy/target.js';

const BASE: PolicyCredentials = {
  user_id: 'u1',
  user_domain_id: 'd1',
  system_scope: null,
  domain_id: null,
  project_id: 'p1',
  project_domain_id: 'd1',
  roles: ['reader', 'Member'],
  is_admin_project: true,
  service_user_id: null,
  service_user_domain_id: null,
  service_project_id: null,
  service_project_domain_id: null,
  service_roles: [],
  token: {
    methods: ['password', 'totp'],
    user: { id: 'u1', domain: { id: 'd1' } },
    project: { id: 'p1', domain: { id: 'd1' } },
    roles: [{ id: 'r1', name: 'reader' }, { id: 'r2', name: 'Member' }],
  },
};

/** Decides `check` for the credentials on the (nested) policy dict, with the given named rules available. */
function decide(
  check: string,
  target: Record<string, unknown> = {},
  creds: Partial<PolicyCredentials> = {},
  named: Record<string, string> = {},
): boolean {
  const rules = new Map<string, RuleNode>(Object.entries(named).map(([k, v]) => [k, parseRule(v)]));
  rules.set('__check', parseRule(check));
  const compiled = new CompiledRules(rules, 'default');
  return compiled.get('__check')!({ ...BASE, ...creds }, flattenPolicyDict(target));
}

function syntaxError(check: string): PolicySyntaxError {
  try {
    parseRule(check);
  } catch (err) {
    if (err instanceof PolicySyntaxError) return err;
    throw err;
  }
  throw new Error(`${check} parsed`);
}

t.test('an empty rule allows everyone; @ allows and ! denies', async (t) => {
  t.equal(decide(''), true);
  t.equal(decide('@'), true);
  t.equal(decide('!'), false);
});

t.test('role: matches a role of the token, ignoring case on both sides', async (t) => {
  t.equal(decide('role:reader'), true);
  t.equal(decide('role:READER'), true);
  t.equal(decide('role:member'), true, 'the token holds "Member"');
  t.equal(decide('role:admin'), false);
  t.equal(decide('role:reader', {}, { roles: [] }), false);
});

t.test('role: can take its name from the target, and a missing key denies', async (t) => {
  t.equal(decide('role:%(target.role.name)s', { target: { role: { name: 'Reader' } } }), true);
  t.equal(decide('role:%(target.role.name)s', { target: { role: { name: 'admin' } } }), false);
  t.equal(decide('role:%(target.role.name)s', {}), false);
});

t.test('rule: evaluates another rule; an undefined one denies unless a default rule exists', async (t) => {
  t.equal(decide('rule:readers', {}, {}, { readers: 'role:reader' }), true);
  t.equal(decide('rule:admins', {}, {}, { admins: 'role:admin' }), false);
  t.equal(decide('rule:nowhere'), false);
  t.equal(decide('rule:nowhere', {}, {}, { default: '@' }), true, 'policy_default_rule "default" is the fallback');
});

t.test('a generic check compares a credential with a substituted target value', async (t) => {
  t.equal(decide('user_id:%(user_id)s', { user_id: 'u1' }), true);
  t.equal(decide('user_id:%(user_id)s', { user_id: 'u2' }), false);
  t.equal(decide('user_id:%(target.user.id)s', { target: { user: { id: 'u1' } } }), true, 'nested dicts are flattened');
  t.equal(decide('user_id:%(target.user.id)s', { target: { user: {} } }), false, 'a missing key denies');
  t.equal(decide('user_id:u1'), true, 'a constant right-hand side');
  t.equal(decide('user_id:x-%(tag)s-y', { tag: 'u1' }), false);
  t.equal(decide('user_id:%(a)s%(b)s', { a: 'u', b: '1' }), true, 'several substitutions in one match');
  t.equal(decide('user_id:%(a)s%(b)s', { a: 'u' }), false);
});

t.test('a dotted left side walks into the credentials and searches lists element by element', async (t) => {
  t.equal(decide('token.user.domain.id:%(target.user.domain_id)s', { target: { user: { domain_id: 'd1' } } }), true);
  t.equal(decide('token.domain.id:d1'), false, 'a project token has no token.domain');
  t.equal(decide('token.methods:totp'), true, 'a list of strings');
  t.equal(decide('token.roles.name:Member'), true, 'a list of dicts');
  t.equal(decide('token.roles.name:member'), false, 'generic checks are case-sensitive');
  t.equal(decide('roles:reader'), true);
  t.equal(decide('token.user.id.x:u1'), false, 'indexing into a string is false, not an error');
});

t.test('values compare as Python spells them: True, None, ints, floats, lists', async (t) => {
  t.equal(decide('is_admin_project:True'), true);
  t.equal(decide('is_admin_project:true'), false);
  t.equal(decide('system_scope:None'), true);
  t.equal(decide('True:%(enabled)s', { enabled: true }), true);
  t.equal(decide('False:%(enabled)s', { enabled: true }), false);
  t.equal(decide('None:%(parent)s', { parent: null }), true);
  t.equal(decide('None:%(parent)s', {}), false, 'None does not match a missing key');
  t.equal(decide('16:%(n)s', { n: 16 }), true);
  t.equal(decide('0x10:%(n)s', { n: 16 }), true, 'literal_eval reads hex');
  t.equal(decide('1.5:%(n)s', { n: 1.5 }), true);
  t.equal(decide('1e16:%(n)s', { n: 1e16 }), false, "Python's float 1e+16 is not the int 10000000000000000");
  t.equal(decide("'u1':%(user_id)s", { user_id: 'u1' }), true, 'a quoted literal on the left');
  t.equal(decide('"u1":%(user_id)s', { user_id: 'u1' }), true);
  t.equal(decide("'x':%(list)s", { list: ['x'] }), false, "str(['x']) is \"['x']\"");
  t.equal(decide("x:%(list)r", { list: 'x' }), false, "%(key)r renders repr: 'x'");
  t.equal(decide('user_id:100%%', {}, { user_id: '100%' }), true, '%% is a literal percent sign');
});

t.test('system_scope:all and the system credential oslo.policy derives from it', async (t) => {
  const system = { system_scope: 'all', project_id: null, project_domain_id: null };
  t.equal(decide('system_scope:all', {}, system), true);
  t.equal(decide('system_scope:all'), false);
  t.equal(decide('is_admin:1', {}, system), false, 'keystone credentials carry no is_admin');
});

t.test('not binds tighter than and, and tighter than or; parentheses group', async (t) => {
  // reader: true, admin: false, Member: true (case-insensitive)
  t.equal(decide('role:admin or role:reader and role:member'), true);
  t.equal(decide('role:admin and role:reader or role:member'), true);
  t.equal(decide('(role:admin or role:reader) and role:nobody'), false);
  t.equal(decide('role:admin or (role:reader and role:nobody)'), false);
  t.equal(decide('not role:admin and role:reader'), true);
  t.equal(decide('not (role:admin or role:reader)'), false);
  t.equal(decide('not not role:reader'), true);
  t.equal(decide('role:admin AND role:reader Or role:reader'), true, 'operators in any case');
  t.equal(decide('ROLE:reader'), false, 'check kinds are case-sensitive: ROLE: is a generic check');
  t.equal(formatRule(parseRule('a:1 or b:2 and not c:3 or (d:4 or e:5)')), '(a:1 or (b:2 and not c:3) or (d:4 or e:5))');
});

t.test('parentheses may hug the checks, but an operator glued to a paren is not an operator', async (t) => {
  t.equal(decide('((role:reader))'), true);
  t.equal(decide('(role:admin) or (role:reader)'), true);
  // oslo.policy splits on whitespace only: "or(role:reader" is one token, a generic check of kind "or(role".
  t.match(syntaxError('(role:admin or(role:reader))').reason, /found 'or\(role:reader'/);
});

t.test('the legacy list form: outer list or, inner list and', async (t) => {
  const rules = new Map([['x', parseListRule([['role:admin'], ['role:reader', 'user_id:u1']])]]);
  t.equal(new CompiledRules(rules, undefined).get('x')!(BASE, {}), true);
  t.same(parseListRule([]), { type: 'constant', allow: true }, '[] allows');
  t.same(parseListRule([[]]), { type: 'constant', allow: false }, '[[]] denies');
});

t.test('malformed rules are refused with the column of the problem', async (t) => {
  const cases: Array<[string, RegExp, number]> = [
    ['role:admin)', /unbalanced '\)'/, 11],
    ['(role:admin', /'\(' is never closed/, 1],
    ['role:admin and', /ends where a check was expected/, 15],
    ['or role:admin', /expected a check, found 'or'/, 1],
    ['role:admin role:reader', /expected 'and', 'or' or the end of the rule, found 'role:reader'/, 12],
    ['role:a and admin', /'admin' is not a check/, 12],
    ["'role:admin'", /quoted string, not a check/, 1],
    ['()', /expected a check, found '\)'/, 2],
    ['   ', /only whitespace/, 1],
    ['user_id:%(user_id)d', /unsupported substitution '%\(user_id\)d'/, 9],
    ['user_id:%(user_id', /unterminated substitution/, 9],
    ['user_id:100%', /unsupported substitution/, 12],
    ['[1]:%(x)s', /container literal/, 1],
  ];
  for (const [check, reason, column] of cases) {
    const err = syntaxError(check);
    t.match(err.reason, reason, check);
    t.equal(err.column, column, `${check} column`);
  }
});

t.test('http: and https: checks are refused at load: keystone-ts never calls out of a policy', async (t) => {
  t.match(syntaxError('http://policy.example.com/check').message, /'http:' checks call a remote server/);
  t.match(syntaxError('role:admin or https://x/y').reason, /'https:' checks/);
});

t.test('rules that reference each other in a cycle are refused', async (t) => {
  const rules = new Map([
    ['a', parseRule('rule:b')],
    ['b', parseRule('role:x or rule:a')],
  ]);
  t.throws(() => new CompiledRules(rules, undefined), PolicyCycleError);
  t.throws(() => new CompiledRules(new Map([['default', parseRule('rule:missing')]]), 'default'), PolicyCycleError,
    'an undefined reference falling back to the default rule that refers to itself');
});

t.test('a target key named like an Object property is just a missing key', async (t) => {
  t.equal(decide('user_id:%(constructor)s'), false);
  t.equal(decide('constructor:%(x)s', { x: 'y' }), false);
});
