# One backend caches a key, another rotates or destroys it: the first obeys by its next
# statement (tests/integration/two_backends.py, through psycopg2 over the extended protocol).
set -euo pipefail
C="$RUN/twob"; make_master_key "$RUN/twob-keys/master.key"
cluster_init "$C" 55443 "colcrypt.master_key_file = '$RUN/twob-keys/master.key'"
cluster_start "$C"
sql "$C" postgres "CREATE EXTENSION colcrypt" >/dev/null
runuser -u postgres -- /usr/bin/python3 "$ROOT/tests/integration/two_backends.py" "$C/socket" 55443
cluster_stop "$C"
