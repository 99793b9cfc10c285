// buildPolicyCredentials gives the dict py-keystone hands to oslo.policy. The reference is py-keystone's own
// pipeline run in python on the same token body: keystoneauth's AccessInfo -> keystonemiddleware's
// X-* headers -> keystone's RequestContext.from_environ -> keystone's domain-scope adjustments ->
// to_policy_values(). Token bodies come from the personas and from real tokens issued by the py-keystone peer.
import t from 'tap';
import type { AuthContext, Scope } from '../../src/auth/context.js';
import { configSchema, type KeystoneConfig } from '../../src/config/schema.js';
import { buildPolicyCredentials } from '../../src/policy/credentials.js';
import { PEER } from '../helpers/services.js';
import { PERSONAS } from './helpers/matrix.js';
import { runPython } from './helpers/oslo-oracle.js';

const KEYSTONE_PIPELINE = String.raw`
import json, logging, sys, warnings
warnings.simplefilter('ignore')
logging.disable(logging.CRITICAL)
from keystoneauth1 import access
from keystonemiddleware.auth_token import _request
from keystone.common import context

out = []
for body in json.load(sys.stdin):
    auth_ref = access.create(body={'token': body}, auth_token='not-a-real-token')
    request = _request._AuthTokenRequest.blank('/')
    request.set_user_headers(auth_ref)
    ctx = context.RequestContext.from_environ(request.environ, authenticated=False, overwrite=True)
    # What AuthContextMiddleware._keystone_specific_values sets that policy reads:
    ctx.token_reference = {'token': body}
    if 'domain' in body and 'project' not in body:
        ctx.is_admin_project = False
        ctx.domain_id = body['domain']['id']
    out.append(dict(ctx.to_policy_values()))
json.dump(out, sys.stdout)
`;

/** The AuthContext keystone-ts's token layer builds for a token body (the inverse of rendering). */
function contextFromBody(body: Record<string, any>, isAdminProject = false): AuthContext {
  let scope: Scope = { kind: 'unscoped' };
  if (body.system?.all) scope = { kind: 'system', system: 'all' };
  else if (body.project) scope = { kind: 'project', projectId: body.project.id, projectDomainId: body.project.domain.id };
  else if (body.domain) scope = { kind: 'domain', domainId: body.domain.id };
  return {
    tokenId: 'not-a-real-token',
    userId: body.user.id,
    userDomainId: body.user.domain.id,
    methods: body.methods,
    scope,
    roles: (body.roles ?? []).map((r: { id: string; name: string }) => ({ id: r.id, name: r.name })),
    auditIds: body.audit_ids,
    expiresAt: new Date(body.expires_at),
    issuedAt: new Date(body.issued_at),
    isAdminProject,
    tokenBody: body,
  };
}

async function keystoneCredentials(bodies: object[]): Promise<object[]> {
  return JSON.parse(await runPython(KEYSTONE_PIPELINE, JSON.stringify(bodies))) as object[];
}

const defaults = configSchema.parse({});

t.test('for every persona the credentials equal keystone RequestContext.to_policy_values()', async (t) => {
  const contexts = PERSONAS.map(([, ctx]) => ctx);
  const expected = await keystoneCredentials(contexts.map((c) => c.tokenBody));
  contexts.forEach((ctx, i) => {
    t.strictSame(buildPolicyCredentials(ctx, defaults), expected[i], PERSONAS[i]![0]);
  });
});

t.test('role names travel through X-Roles: a comma splits a name, spaces around it are dropped', async (t) => {
  const [, ctx] = PERSONAS.find(([name]) => name === 'project member')!;
  const body = { ...ctx.tokenBody, roles: [{ id: 'r1', name: 'ops,audit' }, { id: 'r2', name: ' spaced ' }] };
  const ours = buildPolicyCredentials(contextFromBody(body), defaults);
  const [theirs] = await keystoneCredentials([body]);
  t.strictSame(ours.roles, ['ops', 'audit', 'spaced']);
  t.strictSame(ours, theirs);
});

t.test('is_admin_project follows [resource] admin_project_* for project tokens and is False for domain tokens', async (t) => {
  const configured = configSchema.parse({ resource: { admin_project_name: 'admin', admin_project_domain_name: 'Default' } });
  const project = PERSONAS.find(([name]) => name === 'project admin')![1];
  const domain = PERSONAS.find(([name]) => name === 'domain admin')![1];
  // py-keystone renders is_admin_project into project tokens only when both options are set.
  const notAdminProject = { ...project.tokenBody, is_admin_project: false };
  const adminProject = { ...project.tokenBody, is_admin_project: true };
  const [a, b, c, d] = await keystoneCredentials([notAdminProject, adminProject, project.tokenBody, domain.tokenBody]);
  const build = (body: Record<string, unknown>, flag: boolean, config: KeystoneConfig) =>
    buildPolicyCredentials(contextFromBody(body, flag), config);
  t.strictSame(build(notAdminProject, false, configured), a);
  t.equal(build(notAdminProject, false, configured).is_admin_project, false);
  t.strictSame(build(adminProject, true, configured), b);
  t.strictSame(build(project.tokenBody, false, defaults), c, 'not configured: keystonemiddleware assumes True');
  t.equal(build(project.tokenBody, false, defaults).is_admin_project, true);
  t.strictSame(build(domain.tokenBody, true, configured), d);
  t.equal(build(domain.tokenBody, true, configured).is_admin_project, false);
});

t.test('tokens issued by the py-keystone peer give the same credentials as keystone derives from them', async (t) => {
  const scopes = [{ project: { name: 'admin', domain: { id: 'default' } } }, { system: { all: true } }];
  const bodies: Record<string, unknown>[] = [];
  for (const scope of scopes) {
    const res = await fetch(`${PEER.url}/v3/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'admin', domain: { id: 'default' }, password: PEER.adminPassword } },
          },
          scope,
        },
      }),
    });
    t.equal(res.status, 201, `token for ${JSON.stringify(scope)}`);
    bodies.push(((await res.json()) as { token: Record<string, unknown> }).token);
  }
  const expected = await keystoneCredentials(bodies);
  bodies.forEach((body, i) => {
    const ours = buildPolicyCredentials(contextFromBody(body as Record<string, any>), defaults);
    t.strictSame(ours, expected[i], `${Object.keys(scopes[i]!)[0]}-scoped token`);
    t.ok(ours.roles.includes('admin'));
  });
});
