// Endpoint URLs are Python %-format templates. py-keystone's own utils.check_endpoint_url and utils.format_url,
// run by Debian's python3, are the oracle: keystone-ts accepts and formats every URL as they do.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { formatEndpointUrl } from '../../src/catalog/token-catalog.js';
import { isValidEndpointUrl } from '../../src/catalog/url-format.js';
import { SYSTEM_PYTHON } from '../helpers/services.js';

const URLS = [
  'http://h/v1',
  'http://h/v1/$(project_id)s',
  'http://h/v1/%(tenant_id)s/x',
  'http://h/$(user_id)s/$(project_id)s',
  'http://h:$(public_port)s/$(public_bind_host)s/$(admin_bind_host)s',
  'http://h/$(public_endpoint)s',
  'http://h/%(admin_port)d',
  'http://h/%(admin_port)08d/%(admin_port)-7d|/%(admin_port)+d/%(admin_port) d/%(admin_port).7d',
  'http://h/%(project_id)12s|%(project_id)-12s|%(project_id).1s|%(project_id)r|%(project_id)a',
  'http://h/%(project_id)ls',
  'http://h/100%%',
  'http://h/a%20b',
  'http://h/%',
  'http://h/%z',
  'http://h/%d',
  'http://h/%(project_id)',
  'http://h/$(project_id)',
  'http://h/$(project_id)d',
  'http://h/%(project_id)c',
  'http://h/%(foo)s',
  'http://h/$(compute_host)s',
  'http://h/%(a(b)c)s',
  'http://h/%(project_id)*s',
  'http://h/%(project_id).*s',
  'http://h/%(project_id)%',
  '',
];
/** Python renders an unkeyed %s as the repr of its substitution object (with a memory address). */
const UNKEYED = ['http://h/%s'];

function python(urls: string[]): { valid: boolean; project: string | null; domain: string | null }[] {
  const script = `
import json, sys, logging
logging.disable(logging.CRITICAL)
import keystone.conf
keystone.conf.configure()
keystone.conf.CONF([], project='keystone', default_config_files=[])
from keystone.common import utils
from keystone import exception
subs = {'public_bind_host': '0.0.0.0', 'admin_bind_host': '0.0.0.0', 'public_port': 5000, 'admin_port': 35357,
        'public_endpoint': None, 'user_id': 'u-1'}
def fmt(url, project):
    d = dict(subs)
    silent = ['tenant_id', 'project_id']
    if project:
        d.update(tenant_id=project, project_id=project)
        silent = []
    try:
        return utils.format_url(url, d, silent_keyerror_failures=silent) or None
    except exception.MalformedEndpoint:
        return None
out = []
for url in json.load(sys.stdin):
    try:
        utils.check_endpoint_url(url)
        valid = True
    except exception.URLValidationError:
        valid = False
    out.append({'valid': valid, 'project': fmt(url, 'p-1'), 'domain': fmt(url, None)})
print(json.dumps(out))
`;
  return JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', script], { input: JSON.stringify(urls), encoding: 'utf8' }));
}

const oracle = python([...URLS, ...UNKEYED]);
/** What buildCatalog substitutes besides the user and project ([eventlet_server] defaults, no public_endpoint). */
const legacy = { public_bind_host: '0.0.0.0', admin_bind_host: '0.0.0.0', public_port: 5000, admin_port: 35357, public_endpoint: 'None' };

t.test('an endpoint URL is valid exactly when check_endpoint_url accepts it', async (t) => {
  [...URLS, ...UNKEYED].forEach((url, i) => t.equal(isValidEndpointUrl(url), oracle[i]!.valid, JSON.stringify(url)));
});

t.test('a catalog URL reads as format_url renders it, for a project token and for one without a project', async (t) => {
  URLS.forEach((url, i) => {
    const project = { user_id: 'u-1', tenant_id: 'p-1', project_id: 'p-1' };
    t.equal(formatEndpointUrl(url, { ...legacy, ...project }) ?? null, oracle[i]!.project, `project: ${JSON.stringify(url)}`);
    t.equal(formatEndpointUrl(url, { ...legacy, user_id: 'u-1' }) ?? null, oracle[i]!.domain, `no project: ${JSON.stringify(url)}`);
  });
});

t.test('an unkeyed %s is left out of catalogs (py-keystone prints an object address there)', async (t) => {
  t.match(oracle[URLS.length]!.project, /object at 0x/);
  t.equal(formatEndpointUrl(UNKEYED[0]!, { user_id: 'u' }), undefined);
});
