# The transparent types through psycopg 3 over the extended protocol, text and binary formats,
# and COPY in both formats (tests/integration/types_driver.py).
set -euo pipefail
C="$RUN/drv"; make_master_key "$RUN/drv-keys/master.key"
cluster_init "$C" 55447 "colcrypt.master_key_file = '$RUN/drv-keys/master.key'"
cluster_start "$C"
sql "$C" postgres "CREATE EXTENSION colcrypt" >/dev/null
runuser -u postgres -- /usr/bin/python3 "$ROOT/tests/integration/types_driver.py" "$C/socket" 55447
cluster_stop "$C"
