# colcrypt's = and <> live in pg_catalog (sql/generate_types.py). A database whose views
# and constraints use them, cross-type included, survives pg_dump/pg_restore
# (custom format) and a plain dump through psql, and pg_upgrade (whose --binary-upgrade dump
# recreates extension members one by one); afterwards a typed parameter still finds its row
# through the index, under the default search_path.
set -euo pipefail
K="$RUN/xdump-keys"
A="$RUN/xdump-src"; B="$RUN/xdump-dst"
keyed_clusters "$K/m.key" "$A" 55481 "$B" 55482

sql "$A" postgres "CREATE DATABASE app" >/dev/null
cluster_psql "$A" -d app -q <<'SQL'
CREATE EXTENSION colcrypt;
SELECT colcrypt.create_key('pii');
CREATE TABLE people (
  id int PRIMARY KEY,
  ssn colcrypt.encrypted_text(pii, searchable) UNIQUE,
  age colcrypt.encrypted_int4(pii, searchable),
  CHECK (ssn <> 'forbidden'::text)
);
CREATE INDEX people_age ON people (age);
INSERT INTO people SELECT i, 'ssn-' || i, i FROM generate_series(1, 500) i;
CREATE VIEW people_7 AS SELECT id FROM people WHERE ssn = 'ssn-7'::varchar OR 8::int8 = age;
SQL

# The operators a view refers to are printed without a schema: pg_catalog is always searched,
# also under the empty search_path pg_restore uses.
assert_eq "view definition names no operator schema" "t" \
  "$(sql "$A" app "SELECT pg_get_viewdef('people_7') NOT LIKE '%OPERATOR(%' AND pg_get_viewdef('people_7') LIKE '%ssn = %'")"

check() { # DIR DB: the restored database answers through the index, default search_path
  assert_eq "view" "7,8" "$(sql "$1" "$2" "SELECT string_agg(id::text, ',' ORDER BY id) FROM people_7")"
  assert_eq "typed lookup" "42" "$(cluster_psql "$1" -d "$2" -qAt -c "SET search_path = \"\$user\", public" \
    -c "PREPARE q(varchar) AS SELECT id FROM people WHERE ssn = \$1" -c "EXECUTE q('ssn-42')")"
  cluster_psql "$1" -d "$2" -qAt -c "SET enable_seqscan = off" -c "SET enable_bitmapscan = off" \
    -c "EXPLAIN (COSTS OFF) SELECT id FROM people WHERE ssn = 'ssn-42'::text" | grep -q "Index Scan using people_ssn_key" \
    || { echo "no index scan in $2"; return 1; }
  expect_error "$1" "$2" 23514 "check constraint" "INSERT INTO people (id, ssn) VALUES (9999, 'forbidden')"
  assert_eq "one = per signature" 1 "$(sql "$1" "$2" "SELECT count(*) FROM pg_operator WHERE oprname = '=' AND oprleft = 'colcrypt.encrypted_text'::regtype AND oprright = 'text'::regtype")"
}
check "$A" app

dump="$RUN/xdump.dump"; plain="$RUN/xdump.sql"; touch "$dump" "$plain"; chown postgres "$dump" "$plain"
as_postgres pg_dump -Fc -h "$A/socket" -p 55481 -U postgres -f "$dump" app
as_postgres pg_dump -Fp -h "$A/socket" -p 55481 -U postgres -f "$plain" app
# pg_dump emits the extension, not its members.
if grep -q "CREATE OPERATOR" "$plain"; then echo "plain dump holds colcrypt's operators"; exit 1; fi

sql "$B" postgres "CREATE DATABASE restored" >/dev/null
as_postgres pg_restore -h "$B/socket" -p 55482 -U postgres -d restored --exit-on-error "$dump"
check "$B" restored
sql "$B" postgres "CREATE DATABASE replayed" >/dev/null
# The default dump holds envelopes (colcrypt.ciphertext_io = auto in pg_dump's session): psql
# loads them with the setting on.
PGOPTIONS="-c colcrypt.ciphertext_io=on" cluster_psql "$B" -d replayed -q -v ON_ERROR_STOP=1 -f "$plain" >/dev/null
check "$B" replayed

# pg_upgrade (same major version): the binary-upgrade dump creates each extension member itself,
# the operators in pg_catalog included.
cluster_stop "$A"; cluster_stop "$B"
N="$RUN/xdump-upg"
cluster_init "$N" 55483 "colcrypt.master_key_file = '$K/m.key'"
mkdir -p "$RUN/xdump-upg-work"; chown postgres "$RUN/xdump-upg-work"
(cd "$RUN/xdump-upg-work" && as_postgres "$PG_BINDIR/pg_upgrade" -b "$PG_BINDIR" -B "$PG_BINDIR" \
  -d "$A/data" -D "$N/data" -U postgres -p 55481 -P 55483 -s "$RUN/xdump-upg-work" >"$RUN/xdump-upg-work/out.log" 2>&1) \
  || { tail -n 40 "$RUN/xdump-upg-work/out.log"; find "$RUN/xdump-upg-work" -name '*.log' -exec tail -n 20 {} +; exit 1; }
cluster_start "$N"
check "$N" app
cluster_stop "$N"
