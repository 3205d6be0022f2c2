# Untyped parameters for encrypted_text columns are sealed once, under the column's key, never
# under __transient (src/param_types.rs), and quoted literals once as a statement runs
# (src/literals.rs), with what the server tells drivers about their types
# (tests/integration/one_seal.py, psycopg 3 at the libpq level over the extended protocol).
set -euo pipefail
C="$RUN/oneseal"
keyed_cluster "$C" 55579
runuser -u postgres -- /usr/bin/python3 "$ROOT/tests/integration/one_seal.py" "$C/socket" 55579
cluster_stop "$C"
C2="$RUN/oneseal-uaf"
keyed_cluster "$C2" 55578
runuser -u postgres -- /usr/bin/python3 "$ROOT/tests/integration/stored_view_uaf.py" "$C2/socket" 55578
cluster_stop "$C2"
