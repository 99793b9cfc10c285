// Drives py-keystone's own TokenFormatter and ReceiptFormatter (Debian's python3-keystone, via SYSTEM_PYTHON) on a
// temporary key repository: one python process per call, fed a JSON batch on stdin, answering JSON on stdout.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PEER, SYSTEM_PYTHON } from '../../helpers/services.js';

/** Arguments of py-keystone's create_token, snake_case as it names them. */
export interface PyTokenSpec {
  payload_class: string;
  user_id: string;
  expires_at: string;
  audit_ids: string[];
  methods: string[];
  system?: string | null;
  domain_id?: string | null;
  project_id?: string | null;
  trust_id?: string | null;
  federated_group_ids?: { id: string }[] | null;
  identity_provider_id?: string | null;
  protocol_id?: string | null;
  access_token_id?: string | null;
  app_cred_id?: string | null;
}

/** validate_token's tuple, named. */
export interface PyValidated {
  user_id: string;
  methods: string[];
  audit_ids: string[];
  system: string | null;
  domain_id: string | null;
  project_id: string | null;
  trust_id: string | null;
  federated_group_ids: { id: string }[] | null;
  identity_provider_id: string | null;
  protocol_id: string | null;
  access_token_id: string | null;
  app_cred_id: string | null;
  issued_at: string;
  expires_at: string;
}

export interface PyRequest {
  create?: PyTokenSpec[];
  validate?: string[];
  createReceipts?: { user_id: string; methods: string[]; expires_at: string }[];
  validateReceipts?: string[];
  /**
   * Payload tuples for payloads Zed has no class for, packed by python's msgpack and encrypted with the primary
   * key, padding stripped. {"hex": ...} stands for bytes and {"float": n} for a Python float.
   */
  packRaw?: unknown[][];
  /** Tokens to decrypt and msgpack-unpack; bytes come back as {"hex": ...}. */
  unpackRaw?: string[];
}

export interface PyResponse {
  created: string[];
  validated: (PyValidated | { error: string })[];
  /** py-keystone's own reading of each token it created, in the same process. */
  createdValidated: (PyValidated | { error: string })[];
  createdReceipts: string[];
  validatedReceipts: ({ user_id: string; methods: string[]; issued_at: string; expires_at: string } | { error: string })[];
  encrypted: string[];
  unpacked: unknown[];
}

const SCRIPT = String.raw`
import base64, json, sys
import keystone.conf
CONF = keystone.conf.CONF
keystone.conf.configure(CONF)
CONF(args=[], project='keystone', default_config_files=[sys.argv[1]])
import msgpack
from cryptography import fernet
from keystone.common import fernet_utils
from keystone.token import token_formatters as tf
from keystone.receipt import receipt_formatters as rf

req = json.load(sys.stdin)
tokens = tf.TokenFormatter()
receipts = rf.ReceiptFormatter()
out = {'created': [], 'createdValidated': [], 'validated': [], 'createdReceipts': [], 'validatedReceipts': [], 'encrypted': [], 'unpacked': []}
names = ['user_id', 'methods', 'audit_ids', 'system', 'domain_id', 'project_id', 'trust_id', 'federated_group_ids',
         'identity_provider_id', 'protocol_id', 'access_token_id', 'app_cred_id', 'issued_at', 'expires_at']

for spec in req.get('create', []):
    spec = dict(spec)
    cls = getattr(tf, spec.pop('payload_class'))
    out['created'].append(tokens.create_token(spec.pop('user_id'), spec.pop('expires_at'), spec.pop('audit_ids'), cls, **spec))
def validate(token):
    try:
        return dict(zip(names, tokens.validate_token(token)))
    except Exception as e:
        return {'error': type(e).__name__ + ': ' + str(e)}
out['createdValidated'] = [validate(token) for token in out['created']]
out['validated'] = [validate(token) for token in req.get('validate', [])]
for r in req.get('createReceipts', []):
    out['createdReceipts'].append(receipts.create_receipt(r['user_id'], r['methods'], r['expires_at']))
for receipt in req.get('validateReceipts', []):
    try:
        out['validatedReceipts'].append(dict(zip(['user_id', 'methods', 'issued_at', 'expires_at'], receipts.validate_receipt(receipt))))
    except Exception as e:
        out['validatedReceipts'].append({'error': type(e).__name__ + ': ' + str(e)})
def py(v):
    if isinstance(v, dict):
        return bytes.fromhex(v['hex']) if 'hex' in v else float(v['float'])
    if isinstance(v, list):
        return [py(x) for x in v]
    return v
for layout in req.get('packRaw', []):
    out['encrypted'].append(tokens.pack(msgpack.packb(py(layout))))

def plain(v):
    if isinstance(v, bytes):
        return {'hex': v.hex()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v
for token in req.get('unpackRaw', []):
    out['unpacked'].append(plain(msgpack.unpackb(tokens.unpack(token))))
json.dump(out, sys.stdout)
`;

export interface PyKeystoneOptions {
  /** [auth] methods; py-keystone's default when omitted. */
  methods?: readonly string[];
  defaultDomainId?: string;
}

/**
 * A temporary copy of the peer's token and receipt key repositories (mode 0700, so py-keystone does not warn),
 * and a keystone.conf pointing at them. Copying keeps the peer's own files untouched.
 */
export function pyKeystoneSandbox(t: { teardown(fn: () => void): void }, options: PyKeystoneOptions = {}) {
  const root = mkdtempSync(join(tmpdir(), 'kts-pyks-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const tokenKeys = copyRepository(PEER.fernetKeys, join(root, 'fernet-keys'));
  const receiptKeys = copyRepository(PEER.receiptKeys, join(root, 'fernet-receipts'));
  const conf = join(root, 'keystone.conf');
  const lines = [
    '[fernet_tokens]',
    `key_repository = ${tokenKeys}`,
    '[fernet_receipts]',
    `key_repository = ${receiptKeys}`,
  ];
  if (options.methods) lines.push('[auth]', `methods = ${options.methods.join(',')}`);
  if (options.defaultDomainId) lines.push('[identity]', `default_domain_id = ${options.defaultDomainId}`);
  writeFileSync(conf, lines.join('\n') + '\n');

  return {
    tokenKeys,
    receiptKeys,
    run(request: PyRequest): PyResponse {
      const result = spawnSync(SYSTEM_PYTHON, ['-c', SCRIPT, conf], {
        input: JSON.stringify(request),
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
        timeout: 60_000,
      });
      if (result.status !== 0) throw new Error(`py-keystone helper failed (${result.status}): ${result.stderr}`);
      return JSON.parse(result.stdout) as PyResponse;
    },
  };
}

function copyRepository(from: string, to: string): string {
  mkdirSync(to, { mode: 0o700 });
  for (const name of readdirSync(from)) copyFileSync(from + '/' + name, join(to, name));
  return to;
}
