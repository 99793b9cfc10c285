// The `extra` text keystone-ts writes is byte-for-byte what py-keystone's jsonutils.dumps writes for the same
// value (Debian's python3 as the oracle).
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { pyJsonDumps } from '../../src/catalog/python-json.js';
import { SYSTEM_PYTHON } from '../helpers/services.js';

const VALUES: unknown[] = [
  {},
  { name: 'nova', description: '', enabled: true, n: null },
  { text: 'ü é 中文 😀', quote: '"\'\\', control: '\u0000\u001f\u007f\n\t\r\b\f', slash: '/' },
  { numbers: [0, -1, 1.5, 1e-7, 1e21, 123456789.125, 2 ** 53] },
  { nested: { a: [{ b: [] }, {}], 'key with spaces': 'v' } },
  [],
  'plain',
];

t.test('pyJsonDumps writes what jsonutils.dumps writes', async (t) => {
  const script = `
import json, sys
from oslo_serialization import jsonutils
print(json.dumps([jsonutils.dumps(v) for v in json.load(sys.stdin)]))
`;
  const expected: string[] = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', script], { input: JSON.stringify(VALUES), encoding: 'utf8' }));
  VALUES.forEach((value, i) => t.equal(pyJsonDumps(value), expected[i], JSON.stringify(value)));
});
