"""py-keystone's own credential provider (keystone/credential/providers/fernet) on a given key repository.

Reads {"key_repository": dir, "decrypt": [token, ...], "encrypt": [text, ...]} as JSON on stdin and prints
{"decrypted": [...], "encrypted": [[token, key_hash], ...], "primary_key_hash": hash}; a token no key opens
decrypts to null. Run with /usr/bin/python3 (Debian's packages import only there).
"""
import importlib
import json
import sys

import keystone.conf
from keystone import exception

CONF = keystone.conf.CONF


def main():
    args = json.load(sys.stdin)
    keystone.conf.configure()
    CONF([], project='keystone', default_config_files=[])
    CONF.set_override('key_repository', args['key_repository'], group='credential')
    # The package re-exports its module's names, `core` (the base provider module) among them: import the module.
    core = importlib.import_module('keystone.credential.providers.fernet.core')
    provider = core.Provider()

    def decrypt(token):
        try:
            return provider.decrypt(token)
        except exception.CredentialEncryptionError:
            return None

    encrypted = []
    for text in args.get('encrypt', []):
        token, key_hash = provider.encrypt(text)
        encrypted.append([token.decode('ascii'), key_hash])
    print(json.dumps({
        'decrypted': [decrypt(t) for t in args.get('decrypt', [])],
        'encrypted': encrypted,
        'primary_key_hash': core.primary_key_hash(core.get_multi_fernet_keys()[1]),
    }))


if __name__ == '__main__':
    main()
