#!/usr/bin/env bash
# Brings up what the integration and interop tests need, idempotently: PostgreSQL 15 and the real py-keystone
# peer (both via the shared peer script), and lets the `keystone` role create scratch databases for tests.
# Called by `npm test` (pretest) and therefore by .ci/run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${KEYSTONE_SHARED_DIR:-$root/../shared}"
peer_port="${KEYSTONE_PEER_PORT:-5001}"

if [[ "${KEYSTONE_TEST_NO_SERVICES:-}" == 1 ]]; then
  echo "ensure-services: KEYSTONE_TEST_NO_SERVICES=1, not starting PostgreSQL or the peer"; exit 0
fi
if [[ $EUID -ne 0 ]]; then
  echo "ensure-services: must run as root to install/start PostgreSQL and py-keystone" >&2; exit 1
fi
peer_up() { command -v curl >/dev/null && [[ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 "http://127.0.0.1:$1/v3" || true)" == 200 ]]; }
if ! peer_up "$peer_port"; then
  # Three uWSGI processes: the test runner keeps three files in flight against the peer.
  PYKS_CACHE="${PYKS_CACHE:-none}" PYKS_PROCESSES="${PYKS_PROCESSES:-3}" bash "$shared/peers/pykeystone-up.sh" "$peer_port" keystone
fi
# A second peer with its own database and key repository, for the key-rotation test (rotations there cannot
# disturb tokens other tests hold from the main peer).
rotation_port="${KEYSTONE_ROTATION_PEER_PORT:-5002}"
if ! peer_up "$rotation_port"; then
  PYKS_CACHE=none PYKS_PROCESSES=1 bash "$shared/peers/pykeystone-up.sh" "$rotation_port" keystone_rotation
fi
(cd / && runuser -u postgres -- psql -XtAq -c "ALTER ROLE keystone CREATEDB") >/dev/null
echo "ensure-services: PostgreSQL and py-keystone (http://127.0.0.1:$peer_port/v3, rotation peer :$rotation_port) are up"
