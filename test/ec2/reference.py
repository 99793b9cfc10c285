"""Reference answers from the Python code py-keystone runs, for the EC2/S3 signature tests.

Reads a JSON list of cases on stdin and writes one answer per case: {"ok": value} or {"error": [type, text]}.
Case kinds: "ec2" (keystoneclient's Ec2Signer.generate, the signer /v3/ec2tokens uses), "s3" (the signature
functions of keystone.api.s3tokens), "b64" (base64.urlsafe_b64decode of str(value), as hex) and "hostname"
(urllib.parse.urlsplit('//' + host).hostname).
"""
import base64
import json
import sys
import urllib.parse

from keystoneclient.contrib.ec2.utils import Ec2Signer
from keystone.api import s3tokens
import keystone.conf

# keystone's exceptions read [DEFAULT] insecure_debug when they are built: defaults, no config file.
keystone.conf.configure()
keystone.conf.CONF(args=[], project='keystone', default_config_files=[])


def answer(case):
    kind = case['kind']
    if kind == 'ec2':
        return Ec2Signer(case['secret']).generate(case['credentials'])
    if kind == 's3':
        to_sign = base64.urlsafe_b64decode(str(case['token']))
        if to_sign[0:4] != b'AWS4':
            return s3tokens._calculate_signature_v1(to_sign, case['secret'])
        return s3tokens._calculate_signature_v4(to_sign, case['secret'])
    if kind == 'b64':
        return base64.urlsafe_b64decode(str(case['value'])).hex()
    if kind == 'hostname':
        return urllib.parse.urlsplit('//' + case['host']).hostname
    raise ValueError(kind)


out = []
for case in json.load(sys.stdin):
    try:
        out.append({'ok': answer(case)})
    except Exception as e:  # noqa: the type and text are the answer
        out.append({'error': [type(e).__name__, str(e)]})
json.dump(out, sys.stdout)
