# One backend caches a key, another rotates or destroys it: the first obeys by its next
# statement (tests/integration/two_backends.py, through psycopg2 over the extended protocol).
set -euo pipefail
C="$RUN/twob"
keyed_cluster "$C" 55443
runuser -u postgres -- /usr/bin/python3 "$ROOT/tests/integration/two_backends.py" "$C/socket" 55443
cluster_stop "$C"
