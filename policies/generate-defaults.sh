#!/usr/bin/env bash
# Regenerates policies/keystone-zed-defaults.json, the default rules keystone-ts ships, from the installed
# py-keystone. oslo.policy's own generator supplies the rule names and check strings; keystone's registered
# RuleDefault objects supply what the generator only prints as comments (scope types, the deprecated rule each
# new default is OR-ed with, the API operations). The two sources must agree or the script fails.
# Descriptions are deliberately left out: the file carries data, not py-keystone's prose.
# Needs Debian's /usr/bin/python3 (the only interpreter here that imports keystone and oslo_policy).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/keystone-zed-defaults.json"
python=/usr/bin/python3
sample="$(mktemp)"
trap 'rm -f "$sample"' EXIT

if command -v oslopolicy-sample-generator >/dev/null; then
  oslopolicy-sample-generator --namespace keystone --format json --output-file "$sample" 2>/dev/null
else
  "$python" -c 'import sys; from oslo_policy import generator; sys.argv[0] = "oslopolicy-sample-generator"; generator.generate_sample()' \
    --namespace keystone --format json --output-file "$sample" 2>/dev/null
fi

"$python" - "$sample" >"$out.tmp" 2>/dev/null <<'PY'
import json
import sys
import warnings

warnings.simplefilter('ignore')
from importlib.metadata import version

from keystone.common import policies

with open(sys.argv[1]) as f:
    sample = json.load(f)

rules = []
for rule in policies.list_rules():
    if sample.get(rule.name) != rule.check_str:
        sys.exit('generator and registered defaults disagree on %s' % rule.name)
    deprecated = rule.deprecated_rule
    rules.append({
        'name': rule.name,
        'check_str': rule.check_str,
        'scope_types': list(rule.scope_types or []),
        'deprecated_rule': (
            {'name': deprecated.name, 'check_str': deprecated.check_str} if deprecated else None
        ),
        'deprecated_for_removal': bool(rule.deprecated_for_removal),
        'operations': [
            {
                'methods': op['method'] if isinstance(op['method'], list) else [op['method']],
                'path': op['path'].strip(),
            }
            for op in getattr(rule, 'operations', None) or []
        ],
    })
if len(rules) != len(sample):
    sys.exit('generator printed %d rules, keystone registers %d' % (len(sample), len(rules)))

json.dump({
    'generated_by': 'policies/generate-defaults.sh',
    'source': 'keystone %s, oslo.policy %s' % (version('keystone'), version('oslo.policy')),
    'rules': rules,
}, sys.stdout, indent=1)
sys.stdout.write('\n')
PY
mv "$out.tmp" "$out"
echo "wrote $out: $("$python" -c "import json,sys; print(len(json.load(open(sys.argv[1]))['rules']))" "$out") rules"
