// The signatures keystone-ts expects for EC2 and S3 requests are the ones the Python code py-keystone runs
// expects (keystoneclient's Ec2Signer and keystone.api.s3tokens, asked through test/ec2/reference.py), and
// requests that make that code raise get a 400 (a TypeError's own text where Python shows it) or a 401 here.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { s3Signature } from '../../src/ec2/check-signature.js';
import { ec2Signature } from '../../src/ec2/ec2-signer.js';
import { hostnameOf } from '../../src/ec2/hostname.js';
import { urlsafeB64Decode } from '../../src/ec2/python-base64.js';
import { KeystoneError } from '../../src/errors.js';
import { SYSTEM_PYTHON } from '../helpers/services.js';

type Case =
  | { kind: 'ec2'; secret: string; credentials: any }
  | { kind: 's3'; secret: unknown; token: unknown }
  | { kind: 'b64'; value: string }
  | { kind: 'hostname'; host: string };
type Answer = { ok: unknown } | { error: [string, string] };

const REFERENCE = join(dirname(fileURLToPath(import.meta.url)), 'reference.py');

function reference(cases: Case[]): Answer[] {
  const run = spawnSync(SYSTEM_PYTHON, [REFERENCE], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`reference.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Answer[];
}

function ours(c: Case): unknown {
  switch (c.kind) {
    case 'ec2':
      return ec2Signature(c.secret, structuredClone(c.credentials));
    case 's3':
      return s3Signature(c.secret as any, c.token as any);
    case 'b64':
      return urlsafeB64Decode(c.value).toString('hex');
    case 'hostname':
      return hostnameOf(c.host);
  }
}

/** Each group's cases, asked of Python in one run (starting it imports keystone, which takes seconds). */
const groups: { name: string; cases: Case[]; label: (c: Case) => string }[] = [];
function group(name: string, make: () => { cases: Case[]; label: (c: Case) => string }): void {
  groups.push({ name, ...make() });
}

function compare(t: Test, cases: Case[], answers: Answer[], label: (c: Case) => string): void {
  cases.forEach((c, i) => {
    const theirs = answers[i]!;
    let mine: { ok: unknown } | { error: KeystoneError };
    try {
      mine = { ok: ours(c) };
    } catch (err) {
      if (!(err instanceof KeystoneError)) throw err;
      mine = { error: err };
    }
    const name = label(c);
    if ('ok' in theirs) {
      // hostname None is printed into the string-to-sign as "None".
      t.same(mine, { ok: theirs.ok ?? 'None' }, `${name}: same value`);
    } else if ('error' in mine) {
      const [type, text] = theirs.error;
      if (type === 'TypeError') t.same([mine.error.code, mine.error.message], [400, text], `${name}: TypeError -> 400 with its text`);
      else if (type === 'Unauthorized') t.equal(mine.error.code, 401, `${name}: Unauthorized -> 401`);
      else t.equal(mine.error.code, 400, `${name}: ${type} (a 500 in py-keystone) -> 400`);
    } else {
      t.fail(`${name}: Python raised ${theirs.error.join(': ')}, keystone-ts answered ${JSON.stringify(mine.ok)}`);
    }
  });
}

const secret = randomBytes(16).toString('hex');
const access = randomBytes(16).toString('hex');
const v4Auth = (signed: string, credential = `${access}/20240102/RegionOne/ec2/aws4_request`) =>
  `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signed}, Signature=ignored`;
const bodyHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

group('EC2 signatures version 0, 1 and 2 as keystoneclient computes them', () => {
  const base = { access, host: 'Ec2.Example.com:8773', verb: 'GET', path: '/services/Cloud/' };
  const cases: Case[] = [
    { kind: 'ec2', secret, credentials: { ...base, params: { SignatureVersion: '0', Action: 'DescribeImages', Timestamp: '2024-01-02T03:04:05Z' } } },
    { kind: 'ec2', secret, credentials: { ...base, params: { SignatureVersion: '0', Action: 'X', Timestamp: 5 } } },
    { kind: 'ec2', secret, credentials: { ...base, params: { SignatureVersion: '0', Action: 'X' } } },
    {
      kind: 'ec2',
      secret,
      credentials: { ...base, params: { SignatureVersion: '1', action: 'a', Action: 'B', zeta: 1, Alpha: true, beta: null, list: ['x', 2], 'Ünï': 'çödé' } },
    },
    {
      kind: 'ec2',
      secret,
      credentials: {
        ...base,
        params: { SignatureVersion: '2', SignatureMethod: 'HmacSHA1', AWSAccessKeyId: access, Action: 'Describe Images', 'Filter.1': 'a/b+c=d&e~f*g', Émoji: '😀', n: 7.5 },
      },
    },
    { kind: 'ec2', secret, credentials: { ...base, verb: 3, path: null, params: { SignatureVersion: '2', Action: 'x' } } },
    { kind: 'ec2', secret, credentials: { access, params: { SignatureVersion: '2' } } },
    { kind: 'ec2', secret, credentials: { ...base, params: { SignatureVersion: '3' } } },
    { kind: 'ec2', secret, credentials: { ...base, params: { SignatureVersion: 2 } } },
    { kind: 'ec2', secret, credentials: { ...base, params: {} } },
    { kind: 'ec2', secret, credentials: { ...base } },
    { kind: 'ec2', secret, credentials: { ...base, params: ['SignatureVersion'] } },
  ];
  return { cases, label: (c) => `${JSON.stringify((c as any).credentials.params)}` };
});

group('AWS signature version 4 from the Authorization header or from query parameters', () => {
  const headers = { Host: 'ec2.example.com:8773', 'X-Amz-Date': '20240102T030405Z', 'Content-Type': ' text/plain ' };
  const cred = (over: Record<string, unknown>) => ({ access, host: 'ec2.example.com:8773', verb: 'GET', path: '/', body_hash: bodyHash, params: { Action: 'List', 'a b': 'c d' }, ...over });
  const cases: Case[] = [
    { kind: 'ec2', secret, credentials: cred({ headers: { ...headers, Authorization: v4Auth('content-type;host;x-amz-date') } }) },
    { kind: 'ec2', secret, credentials: cred({ verb: 'post', headers: { ...headers, Authorization: v4Auth('host;x-amz-date') } }) },
    { kind: 'ec2', secret, credentials: cred({ headers: { ...headers, 'User-Agent': 'Boto/2.9.1 Python', Authorization: v4Auth('host;user-agent;x-amz-date;missing') } }) },
    { kind: 'ec2', secret, credentials: cred({ headers: { ...headers, 'User-Agent': 'Boto/2.9.3', Authorization: v4Auth('host;user-agent') } }) },
    {
      kind: 'ec2',
      secret,
      credentials: cred({
        headers: { Host: 'h' },
        params: {
          'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
          'X-Amz-Credential': `${access}/20240102/r/s3/aws4_request`,
          'X-Amz-SignedHeaders': 'host',
          'X-Amz-Date': '20240102T000000Z',
        },
      }),
    },
    { kind: 'ec2', secret, credentials: cred({ headers: { ...headers, Authorization: v4Auth('host', `${access}/20991231/r/ec2/aws4_request`) } }) },
    { kind: 'ec2', secret, credentials: cred({ headers: { ...headers, Authorization: v4Auth('host', `${access}/20240102/r`) } }) },
    { kind: 'ec2', secret, credentials: cred({ body_hash: 5, headers: { ...headers, Authorization: v4Auth('host') } }) },
    { kind: 'ec2', secret, credentials: cred({ headers: { ...headers, Authorization: 'AWS Something' } }) },
    { kind: 'ec2', secret, credentials: cred({ headers: 'Authorization' }) },
    { kind: 'ec2', secret, credentials: cred({ headers: ['Authorization'] }) },
    { kind: 'ec2', secret, credentials: cred({ headers: null }) },
    { kind: 'ec2', secret, credentials: cred({ headers: { ...headers, Authorization: 7 } }) },
    { kind: 'ec2', secret, credentials: cred({ headers: { ...headers, Authorization: v4Auth('host'), 'X-Bad': 1 } }) },
  ];
  return { cases, label: (c) => JSON.stringify((c as any).credentials.headers)?.slice(0, 90) ?? 'no headers' };
});

group('S3 signatures: HMAC-SHA1 for a plain string-to-sign, version 4 for s3, iam and sts only', () => {
  // What s3token middleware sends: urlsafe_b64encode, padding kept.
  const b64 = (s: string) => Buffer.from(s).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
  const v4 = (service: string, lines = 4) =>
    b64(['AWS4-HMAC-SHA256', '20240102T030405Z', `20240102/RegionOne/${service}/aws4_request`, 'ab'.repeat(32)].slice(0, lines).join('\n'));
  const cases: Case[] = [
    { kind: 's3', secret, token: b64('GET\n\n\nTue, 02 Jan 2024 03:04:05 GMT\n/bucket/key') },
    { kind: 's3', secret, token: Buffer.from('GET\n\xff\xfe\n/bucket/ü', 'latin1').toString('base64') },
    { kind: 's3', secret: null, token: b64('x') },
    { kind: 's3', secret: null, token: v4('s3') },
    ...['s3', 'iam', 'sts', 'ec2'].map((s): Case => ({ kind: 's3', secret, token: v4(s) })),
    { kind: 's3', secret, token: v4('s3', 3) },
    { kind: 's3', secret, token: b64('AWS4-HMAC-SHA256\nd\n20240102/r/s3/other\nx') },
    { kind: 's3', secret, token: 12345678 },
    { kind: 's3', secret, token: 'abc' },
    { kind: 's3', secret, token: Buffer.from('x').toString('base64url') },
    { kind: 's3', secret, token: 'ab€c' },
  ];
  return { cases, label: (c) => `token ${JSON.stringify((c as any).token).slice(0, 60)}` };
});

group("lenient base64 decoding of S3 tokens, including Python's padding rules", () => {
  const alphabet = 'AB09az+/-_=!. \n';
  const cases: Case[] = ['', '=', 'QQ', 'QQ=', 'QQ==', 'QQ==QUJD', 'QUJD=', 'Q', 'QUJDR', 'Q=Q=', 'QU=JD', '====', 'QUI=x'].map((value) => ({ kind: 'b64', value }));
  for (let i = 0; i < 150; i++) {
    const bytes = randomBytes(1 + (i % 13));
    cases.push({ kind: 'b64', value: [...bytes].map((b) => alphabet[b % alphabet.length]).join('') });
  }
  return { cases, label: (c) => `b64 ${JSON.stringify((c as any).value)}` };
});

group('the host without its port, as urlsplit gives it', () => {
  const hosts = ['Example.COM:8773', 'ec2:80', '[::1]:8773', '[FE80::1%EtH0]:1', 'user@Host:1', ':80', 'a:b:c', 'h\tost:1', 'h/path:1', 'x?y:1', '[bad:1', 'bad]:1', 'ÄB:1'];
  return { cases: hosts.map((host): Case => ({ kind: 'hostname', host })), label: (c) => `host ${JSON.stringify((c as any).host)}` };
});

const answers = reference(groups.flatMap((g) => g.cases));
let offset = 0;
for (const g of groups) {
  const mine = answers.slice(offset, offset + g.cases.length);
  offset += g.cases.length;
  t.test(g.name, async (t) => compare(t, g.cases, mine, g.label));
}
