# docs/FORMAT.md against a live server, both ways (tests/integration/format_vectors.py):
# a pg_dump of all ten types (searchable columns, two key versions, a destroyed key) opens from
# the spec alone with the master key; and the vectors' stored values and dump excerpt, given to a
# server whose master key is the vectors' one, are kept byte for byte and read as the vectors say.
set -euo pipefail
A="$RUN/fmt-server"; B="$RUN/fmt-vectors"
make_master_key "$A-keys/master.key"
mkdir -p "$B-keys"; chown postgres:postgres "$B-keys"
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dump"]["master_key"])' \
  "$ROOT/crates/core/tests/vectors/v1-columns.json" >"$B-keys/master.key"
chown postgres:postgres "$B-keys/master.key"; chmod 600 "$B-keys/master.key"
cluster_init "$A" 55491 "colcrypt.master_key_file = '$A-keys/master.key'"
cluster_init "$B" 55492 "colcrypt.master_key_file = '$B-keys/master.key'"
trap 'cluster_stop "$A"; cluster_stop "$B"' EXIT
cluster_start "$A"; cluster_start "$B"
sql "$A" postgres "CREATE DATABASE fmt" >/dev/null
sql "$A" fmt "CREATE EXTENSION colcrypt" >/dev/null
sql "$B" postgres "CREATE DATABASE vec" >/dev/null
sql "$B" vec "CREATE EXTENSION colcrypt" >/dev/null
# The key file is read as postgres from here on, as the spec's reader would with its own copy.
as_postgres /usr/bin/python3 "$ROOT/tests/integration/format_vectors.py" dump "$A/socket" 55491 fmt "$A-keys/master.key"
as_postgres /usr/bin/python3 "$ROOT/tests/integration/format_vectors.py" load "$B/socket" 55492 vec
