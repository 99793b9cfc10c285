// The reference the parity tests compare against: real oslo.policy with py-keystone's registered defaults,
// run by Debian's python once for a whole matrix (configurations x rules x credentials x policy dicts) sent as
// JSON on stdin. Targets are flattened on the python side with keystone's own flatten_dict.
import { spawn } from 'node:child_process';
import { SYSTEM_PYTHON } from '../../helpers/services.js';

export interface OracleConfig {
  readonly enforceScope: boolean;
  readonly enforceNewDefaults: boolean;
  /** Absolute path of a policy override file, or undefined for defaults only. */
  readonly policyFile?: string;
}

export interface OracleRequest {
  readonly configs: readonly OracleConfig[];
  readonly rules: readonly string[];
  readonly credentials: readonly object[];
  /** Nested policy dicts, as py-keystone builds them before flattening. */
  readonly targets: readonly object[];
}

/**
 * Per configuration, one string per rule; character [c * targets + t] is oslo's answer for credentials c and
 * target t: '1' allowed, '0' PolicyNotAuthorized, 'S' InvalidScope, 'E' any other exception.
 */
export async function osloDecisions(request: OracleRequest): Promise<string[][]> {
  const stdout = await runPython(ORACLE, JSON.stringify(request));
  return JSON.parse(stdout) as string[][];
}

/** Runs an inline script with Debian's python; rejects with stderr on a non-zero exit. */
export function runPython(script: string, stdin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(SYSTEM_PYTHON, ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${SYSTEM_PYTHON} exited ${code}: ${Buffer.concat(err).toString('utf8').slice(-2000)}`));
    });
    child.stdin.end(stdin);
  });
}

const ORACLE = String.raw`
import inspect, json, logging, sys, warnings
warnings.simplefilter('ignore')
logging.disable(logging.CRITICAL)
from oslo_config import cfg
from oslo_policy import _checks, policy
from keystone.common import policies, utils

# Speed only, decisions unchanged: oslo.policy calls inspect.getfullargspec on every node of every check
# (80% of its time); the answer depends only on the check class, so remember it per function.
_specs = {}
def _cached_spec(fn, _spec=inspect.getfullargspec):
    key = getattr(fn, '__func__', fn)
    if key not in _specs:
        _specs[key] = _spec(fn)
    return _specs[key]
_checks.inspect.getfullargspec = _cached_spec

def enforcer_for(config):
    conf = cfg.ConfigOpts()
    conf([], project='keystone-ts-parity', default_config_files=[], default_config_dirs=[])
    enforcer = policy.Enforcer(conf, policy_file=config.get('policyFile') or '/nonexistent/keystone-ts-parity.yaml')
    conf.set_override('enforce_scope', config['enforceScope'], group='oslo_policy')
    conf.set_override('enforce_new_defaults', config['enforceNewDefaults'], group='oslo_policy')
    enforcer.register_defaults(policies.list_rules())
    enforcer.suppress_deprecation_warnings = True
    enforcer.suppress_default_change_warnings = True
    enforcer.load_rules()
    # The rules are loaded and the file does not change during this run: skip oslo's per-call reload scan.
    enforcer.load_rules = lambda force_reload=False: None
    return enforcer

def decide(enforcer, rule, target, creds):
    try:
        return '1' if enforcer.enforce(rule, target, dict(creds), do_raise=True) else '0'
    except policy.PolicyNotAuthorized:
        return '0'
    except policy.InvalidScope:
        return 'S'
    except Exception:
        return 'E'

req = json.load(sys.stdin)
targets = [utils.flatten_dict(t) for t in req['targets']]
out = []
for config in req['configs']:
    enforcer = enforcer_for(config)
    out.append([
        ''.join(decide(enforcer, rule, target, creds) for creds in req['credentials'] for target in targets)
        for rule in req['rules']
    ])
json.dump(out, sys.stdout)
`;
