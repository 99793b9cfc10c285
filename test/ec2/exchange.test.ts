// POST /v3/ec2tokens and /v3/s3tokens against py-keystone: requests signed by the Python signers py-keystone uses
// get equal token bodies from both servers (times and audit ids aside), and tampered, expired, unsigned, unknown
// and malformed requests fail with the same status and body.
import { createHash } from 'node:crypto';
import t, { type Test } from 'tap';
import { call } from '../helpers/identity-api.js';
import { PEER } from '../helpers/services.js';
import { comparableToken, outcome, SERVERS, signEc2, signS3, startEc2Kit, timestamps } from './kit.js';

const kit = await startEc2Kit();
t.teardown(() => kit.close());
const { access, secret } = await kit.peerCredential();
const now = timestamps();
const hourAgo = timestamps(new Date(Date.now() - 3600_000));
const host = 'localhost:8773';
const v2 = (ts: string, h = host) => ({
  access,
  host: h,
  verb: 'GET',
  path: '/',
  params: { Action: 'DescribeInstances', SignatureVersion: '2', SignatureMethod: 'HmacSHA256', AWSAccessKeyId: access, Timestamp: ts },
});
const v4 = {
  access,
  host,
  verb: 'GET',
  path: '/',
  params: { Action: 'DescribeRegions', Version: '2013-10-15' },
  headers: {
    Host: host,
    'X-Amz-Date': now.amz,
    Authorization: `AWS4-HMAC-SHA256 Credential=${access}/${now.day}/RegionOne/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=unused`,
  },
  body_hash: createHash('sha256').update('').digest('hex'),
};
const [signedV2, signedV2NoPort, signedV4, signedExpired, signedV1] = signEc2([
  { secret, credentials: v2(now.iso) },
  { secret, credentials: v2(now.iso, 'localhost') },
  { secret, credentials: v4 },
  { secret, credentials: v2(hourAgo.iso) },
  { secret, credentials: { access, host, verb: 'POST', path: '/', params: { SignatureVersion: '1', Action: 'DescribeImages' } } },
]);
const b64 = (s: string) => Buffer.from(s).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
const s3Plain = b64(`GET\n\n\n${new Date().toUTCString()}\n/bucket/key`);
const s3V4 = b64(`AWS4-HMAC-SHA256\n${now.amz}\n${now.day}/RegionOne/s3/aws4_request\n${'0f'.repeat(32)}`);
const [s3PlainSig, s3V4Sig] = signS3(secret, [s3Plain, s3V4]);

async function bothIssue(t: Test, path: string, body: unknown, subjectHeader: boolean) {
  const answers = [];
  for (const server of SERVERS) {
    const res = await kit.send(server, 'POST', path, { body });
    t.equal(res.status, 200, `${server}: ${path} 200 (${JSON.stringify(res.body).slice(0, 200)})`);
    t.equal(res.headers.has('x-subject-token'), subjectHeader, `${server}: X-Subject-Token ${subjectHeader ? 'set' : 'absent'}`);
    answers.push({ server, res });
  }
  const [theirs, mine] = answers;
  t.same(comparableToken(mine!.res.body), comparableToken(theirs!.res.body), 'same token body');
  t.same(mine!.res.body.token.methods, ['ec2credential'], 'method ec2credential');
  t.equal(mine!.res.body.token.project.id, kit.fixture.project.id, "scoped to the credential's project");
  return mine!.res;
}

async function bothFail(t: Test, path: string, body: unknown, status: number, what: string, token = kit.adminToken) {
  const theirs = await call(PEER.url, 'POST', path, { token, ...(body !== undefined && { body }) });
  const mine = await call(kit.ours.url, 'POST', path, { token, ...(body !== undefined && { body }) });
  t.equal(theirs.status, status, `py-keystone: ${what} -> ${status}`);
  t.same(outcome(mine), outcome(theirs), `${what}: same status and body`);
}

t.test('an EC2 signature v2 request gets a project-scoped token, also from the other server', async (t) => {
  const mine = await bothIssue(t, '/v3/ec2tokens', { credentials: signedV2 }, true);
  // The token keystone-ts issued validates on py-keystone with the same methods.
  const check = await call(PEER.url, 'GET', '/v3/auth/tokens', { token: kit.adminToken, subject: mine.headers.get('x-subject-token')! });
  t.equal(check.status, 200, 'py-keystone validates the keystone-ts token');
  t.same(check.body.token.methods, ['ec2credential']);
  t.equal(check.body.token.user.id, kit.fixture.user.id);
});

t.test('signature v1 (no timestamp signed), AWS signature v4, and a client that signed the host without its port', async (t) => {
  await bothIssue(t, '/v3/ec2tokens', { credentials: signedV1 }, true);
  await bothIssue(t, '/v3/ec2tokens', { credentials: signedV4 }, true);
  await bothIssue(t, '/v3/ec2tokens', { credentials: { ...signedV2NoPort, host } }, true);
  // The body member may also be called `credential` or `ec2Credentials`.
  await bothIssue(t, '/v3/ec2tokens', { ec2Credentials: signedV2 }, true);
});

t.test('S3 string-to-sign with HMAC-SHA1 and with AWS4 gets a token without X-Subject-Token', async (t) => {
  await bothIssue(t, '/v3/s3tokens', { credentials: { access, token: s3Plain, signature: s3PlainSig } }, false);
  await bothIssue(t, '/v3/s3tokens', { credentials: { access, token: s3V4, signature: s3V4Sig } }, false);
});

t.test('tampered, expired, unsigned and unknown requests fail alike', async (t) => {
  await bothFail(t, '/v3/ec2tokens', { credentials: { ...signedV2, signature: `x${signedV2!.signature.slice(1)}` } }, 401, 'tampered signature');
  await bothFail(t, '/v3/ec2tokens', { credentials: { ...signedV2, params: { ...signedV2!.params, Action: 'Other' } } }, 401, 'tampered parameter');
  await bothFail(t, '/v3/ec2tokens', { credentials: signedExpired }, 401, 'timestamp older than auth_ttl');
  const { signature: _s, ...unsigned } = signedV2!;
  await bothFail(t, '/v3/ec2tokens', { credentials: unsigned }, 401, 'no signature');
  await bothFail(t, '/v3/ec2tokens', { credentials: { ...signedV2, access: 'no-such-access-key' } }, 404, 'unknown access key');
  await bothFail(t, '/v3/s3tokens', { credentials: { access, token: s3Plain, signature: s3V4Sig } }, 401, 'S3 signature mismatch');
  await bothFail(t, '/v3/s3tokens', { credentials: { access: 'no-such-access-key', token: s3Plain, signature: s3PlainSig } }, 404, 'S3 unknown access key');
  const v4Iam = b64(`AWS4-HMAC-SHA256\n${now.amz}\n${now.day}/RegionOne/ec2/aws4_request\n${'0f'.repeat(32)}`);
  await bothFail(t, '/v3/s3tokens', { credentials: { access, token: v4Iam, signature: 'x' } }, 401, 'S3 v4 for a service other than s3, iam, sts');
});

t.test('bad bodies and callers', async (t) => {
  for (const path of ['/v3/ec2tokens', '/v3/s3tokens']) {
    await bothFail(t, path, {}, 400, `${path} empty body`);
    await bothFail(t, path, undefined, 400, `${path} no body`);
    await bothFail(t, path, [], 400, `${path} list body`);
    await bothFail(t, path, { credentials: {} }, 401, `${path} no access`);
    await bothFail(t, path, { other: 1 }, 401, `${path} no credentials member`);
    await bothFail(t, path, { credentials: 'access' }, 400, `${path} credentials a string (a TypeError in py-keystone)`);
    await bothFail(t, path, { credentials: ['access'] }, 400, `${path} credentials a list`);
    await bothFail(t, path, { credentials: { access: 'nope' } }, 404, `${path} unknown access key`);
    await bothFail(t, path, { credentials: signedV2 }, 401, `${path} without a token`, '');
    // Debian's policy: only service users and admins may exchange signatures (rule:service_or_admin).
    const member = await call(PEER.url, 'POST', '/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['password'], password: { user: { id: kit.fixture.user.id, password: kit.fixture.user.password } } }, scope: { project: { id: kit.fixture.project.id } } } },
    });
    await bothFail(t, path, { credentials: signedV2 }, 403, `${path} as a project member`, member.headers.get('x-subject-token')!);
    const theirs = await call(PEER.url, 'GET', path);
    const mine = await call(kit.ours.url, 'GET', path);
    t.same([mine.status, mine.headers.get('allow'), mine.body], [theirs.status, theirs.headers.get('allow'), theirs.body], `GET ${path}: 405`);
  }
});

t.test('a disabled project or user gets no token', async (t) => {
  const admin = (method: string, path: string, body: unknown) => call(PEER.url, method, path, { token: kit.adminToken, body });
  await admin('PATCH', `/v3/projects/${kit.fixture.project.id}`, { project: { enabled: false } });
  await bothFail(t, '/v3/ec2tokens', { credentials: signedV2 }, 401, 'disabled project');
  await admin('PATCH', `/v3/projects/${kit.fixture.project.id}`, { project: { enabled: true } });
  await admin('PATCH', `/v3/users/${kit.fixture.user.id}`, { user: { enabled: false } });
  await bothFail(t, '/v3/s3tokens', { credentials: { access, token: s3Plain, signature: s3PlainSig } }, 401, 'disabled user');
  await admin('PATCH', `/v3/users/${kit.fixture.user.id}`, { user: { enabled: true } });
});
