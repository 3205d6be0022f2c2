# The transparent types through psycopg 3 over the extended protocol, text and binary formats,
# and COPY in both formats (tests/integration/types_driver.py).
set -euo pipefail
C="$RUN/drv"
keyed_cluster "$C" 55447
runuser -u postgres -- /usr/bin/python3 "$ROOT/tests/integration/types_driver.py" "$C/socket" 55447
cluster_stop "$C"
