# PostgreSQL 15 and 18 agree on every envelope. A database holding all ten encrypted types (two
# columns searchable, with indexes), a key rotated between writes, server_encrypt and client-key
# ciphertexts is made on 15, dumped (custom format) and restored with pg_restore 18 into an 18
# cluster with the same master key: every value reads back as written, every envelope is byte for
# byte the one 15 wrote, the indexes answer, and the restored database writes, searches and
# rotates. The same database made on 18 goes the other way into 15 (pg_dump 18's plain format
# through psql: 15 cannot read 18's custom archives), and a ciphertext-only COPY of each
# version's table loads into the other.
# It starts both versions itself (Debian's 15 and scripts/setup-pg18.sh's 18; colcrypt installed
# in both), whichever one run.sh selected.
# once: starts PostgreSQL 15 and 18 itself, so the 15 pass covers it
set -euo pipefail
B15=/usr/lib/postgresql/15/bin
B18="$("$(bash "$ROOT/scripts/setup-pg18.sh" --print-pg-config)" --bindir)"
for b in "$B15" "$B18"; do
  [ -f "$("$b/pg_config" --pkglibdir)/colcrypt.so" ] || { echo "colcrypt is not installed into $("$b/pg_config" --version)"; exit 1; }
done
K="$RUN/v1518-keys"; make_master_key "$K/m.key"
A="$RUN/v15"; B="$RUN/v18"
# Each version's own binaries and psql for its cluster.
on15() { PG_BINDIR="$B15" PATH="$B15:$PATH" "$@"; }
on18() { PG_BINDIR="$B18" PATH="$B18:$PATH" "$@"; }
on15 cluster_init "$A" 55531 "colcrypt.master_key_file = '$K/m.key'"
on18 cluster_init "$B" 55532 "colcrypt.master_key_file = '$K/m.key'"
on15 cluster_start "$A"; on18 cluster_start "$B"
assert_eq "versions" "1518" "$(on15 sql "$A" postgres "SELECT current_setting('server_version_num')::int / 10000")$(on18 sql "$B" postgres "SELECT current_setting('server_version_num')::int / 10000")"

CK="decode(repeat('44', 32), 'hex')"
# make DIR DB: the data set, written by that cluster's version.
make_db() {
  sql "$1" postgres "CREATE DATABASE $2" >/dev/null
  cluster_psql "$1" -d "$2" -q >/dev/null <<SQL
CREATE EXTENSION colcrypt;
SELECT colcrypt.create_key('pii'), colcrypt.create_key('billing');
CREATE TABLE every_type (
  id int PRIMARY KEY,
  t colcrypt.encrypted_text(pii, searchable) UNIQUE,
  b colcrypt.encrypted_bytea(pii),
  j colcrypt.encrypted_jsonb(pii),
  i4 colcrypt.encrypted_int4(pii, searchable),
  i8 colcrypt.encrypted_int8(pii),
  n colcrypt.encrypted_numeric(pii),
  f colcrypt.encrypted_float8(billing),
  bo colcrypt.encrypted_bool(pii),
  d colcrypt.encrypted_date,
  ts colcrypt.encrypted_timestamptz(pii),
  sv bytea,
  ck bytea
);
CREATE INDEX every_type_i4 ON every_type (i4);
CREATE FUNCTION fill(lo int, hi int) RETURNS void LANGUAGE sql AS \$\$
  INSERT INTO every_type
  SELECT i, 'text-' || i || ' Zürich', convert_to('bytes-' || i, 'UTF8'), jsonb_build_object('i', i, 's', 'j-' || i),
         i, i * 10000000000, i::numeric / 7, i / 3.0::float8, i % 2 = 0, date '2020-02-28' + i,
         timestamptz '2020-01-01 00:00:00+00' + i * interval '1 hour 1.5 second',
         colcrypt.server_encrypt_text('billing', 'server-' || i),
         colcrypt.encrypt_text('client-' || i, $CK)
  FROM generate_series(lo, hi) i;
\$\$;
SELECT fill(1, 150);
SELECT colcrypt.rotate_key('pii');
SELECT fill(151, 300);
-- NULLs in every encrypted column.
INSERT INTO every_type (id) VALUES (0);
SQL
}
# Every value as its plaintext, as the data set wrote it (so it fails on wrong plaintext, not only
# on a difference between the two clusters).
right() {
  sql "$1" "$2" "SET TimeZone = 'UTC'; SELECT count(*) FROM every_type WHERE t = 'text-' || id || ' Zürich'
    AND b::bytea = convert_to('bytes-' || id, 'UTF8') AND j::jsonb = jsonb_build_object('i', id, 's', 'j-' || id)
    AND i4::int = id AND i8::int8 = id * 10000000000 AND n::numeric = id::numeric / 7 AND f::float8 = id / 3.0::float8
    AND bo::bool = (id % 2 = 0) AND d::date = date '2020-02-28' + id
    AND ts::timestamptz = timestamptz '2020-01-01 00:00:00+00' + id * interval '1 hour 1.5 second'
    AND colcrypt.server_decrypt_text(sv) = 'server-' || id AND colcrypt.decrypt_text(ck, $CK) = 'client-' || id" | tail -n 1
}
# Digests of the rows as text (plaintext through the output functions) and of the stored envelopes.
rows() { sql "$1" "$2" "SET TimeZone = 'UTC'; SELECT md5(string_agg(x::text, ',' ORDER BY id)) FROM every_type x" | tail -n 1; }
envelopes() {
  sql "$1" "$2" "SELECT md5(string_agg(concat_ws(',', id, colcrypt.envelope(t), colcrypt.envelope(b), colcrypt.envelope(j),
    colcrypt.envelope(i4), colcrypt.envelope(i8), colcrypt.envelope(n), colcrypt.envelope(f), colcrypt.envelope(bo),
    colcrypt.envelope(d), colcrypt.envelope(ts), sv, ck), ';' ORDER BY id)) FROM every_type"
}
keys() { sql "$1" "$2" "SELECT string_agg(name || ':' || version || ':' || state, ' ' ORDER BY name, version) FROM colcrypt.keys"; }
# check DIR DB SRCDIR SRCDB: the restored copy equals the source and works.
check() {
  assert_eq "$2: every value right" 300 "$(right "$1" "$2")"
  assert_eq "$2: rows as on the source" "$(rows "$3" "$4")" "$(rows "$1" "$2")"
  assert_eq "$2: envelopes byte for byte as on the source" "$(envelopes "$3" "$4")" "$(envelopes "$1" "$2")"
  assert_eq "$2: key states" "__blind_index:1:active __transient:1:active billing:1:active default:1:active pii:1:decrypt_only pii:2:active" "$(keys "$1" "$2")"
  assert_eq "$2: NULLs stay NULL" 0 "$(sql "$1" "$2" "SELECT num_nonnulls(t, b, j, i4, i8, n, f, bo, d, ts, sv, ck) FROM every_type WHERE id = 0")"
  # The searchable columns answer through their indexes.
  assert_eq "$2: text through the index" 42 "$(sql "$1" "$2" "SET enable_seqscan = off; SET enable_bitmapscan = off; SELECT id FROM every_type WHERE t = 'text-42 Zürich'" | tail -n 1)"
  cluster_psql "$1" -d "$2" -qAt -c "SET enable_seqscan = off" -c "SET enable_bitmapscan = off" \
    -c "EXPLAIN (COSTS OFF) SELECT id FROM every_type WHERE i4 = 200" | grep -q "Index Scan using every_type_i4" \
    || { echo "$2: no index scan on i4"; return 1; }
  assert_eq "$2: int4 through the index" 200 "$(sql "$1" "$2" "SET enable_seqscan = off; SELECT id FROM every_type WHERE i4 = 200" | tail -n 1)"
  # It writes, rotates and reads what it wrote next to what it was given.
  sql "$1" "$2" "SELECT colcrypt.rotate_key('pii')" >/dev/null
  sql "$1" "$2" "SELECT fill(301, 310)" >/dev/null
  assert_eq "$2: after a write and a rotation" 310 "$(right "$1" "$2")"
  assert_eq "$2: the new rows are under pii v3" 10 "$(sql "$1" "$2" "SELECT count(*) FROM every_type, colcrypt.envelope_info(colcrypt.envelope(b)) e, colcrypt.keys k WHERE k.envelope_key_id = e.key_id AND k.name = 'pii' AND k.version = 3")"
  expect_error "$1" "$2" 23505 "duplicate key" "INSERT INTO every_type (id, t) VALUES (9999, 'text-7 Zürich')"
}

touch_out() { for f in "$@"; do : >"$f"; chown postgres "$f"; done; }

# 15 -> 18: pg_dump 15 (custom format), pg_restore 18. Not pg_dump 18: against Debian's 15.20 it
# copies 15's internal attribute option pg_attver (in every column's attoptions) into the dump as
# ALTER COLUMN ... SET (pg_attver=...), which 18 refuses; pg_dump 15 leaves it out.
on15 make_db "$A" app15
assert_eq "source on 15 right" 300 "$(on15 right "$A" app15)"
assert_eq "source on 15 spans both pii versions" 2 "$(on15 sql "$A" app15 "SELECT count(DISTINCT e.key_id) FROM every_type, colcrypt.envelope_info(colcrypt.envelope(b)) e")"
[[ "$(on15 envelopes "$A" app15)" =~ ^[0-9a-f]{32}$ ]] || { echo "no envelope digest"; exit 1; }
touch_out "$RUN/app15.dump"
on15 as_postgres pg_dump -Fc -h "$A/socket" -p 55531 -U postgres -f "$RUN/app15.dump" app15
on18 sql "$B" postgres "CREATE DATABASE from15" >/dev/null
on18 as_postgres pg_restore --exit-on-error -h "$B/socket" -p 55532 -U postgres -d from15 "$RUN/app15.dump"
on18 check "$B" from15 "$A" app15

# 18 -> 15: pg_dump refuses a newer server and pg_restore 15 a newer archive, so the plain dump
# goes through psql; its one setting 15 does not know (transaction_timeout, new in 17) is dropped.
on18 make_db "$B" app18
assert_eq "source on 18 right" 300 "$(on18 right "$B" app18)"
touch_out "$RUN/app18.sql"
on18 as_postgres pg_dump -Fp -h "$B/socket" -p 55532 -U postgres -f "$RUN/app18.sql" app18
grep -q "^SET transaction_timeout = 0;$" "$RUN/app18.sql" || { echo "pg_dump 18 wrote no transaction_timeout: revisit the filter"; exit 1; }
sed -i '/^SET transaction_timeout = 0;$/d' "$RUN/app18.sql"
on15 sql "$A" postgres "CREATE DATABASE from18" >/dev/null
# The dump holds envelopes (ciphertext_io is auto, on in pg_dump's session): psql loads them with it on.
on15 env PGOPTIONS="-c colcrypt.ciphertext_io=on" psql -X -q -v ON_ERROR_STOP=1 -h "$A/socket" -p 55531 -U postgres -d from18 -f "$RUN/app18.sql" >/dev/null
on15 check "$A" from18 "$B" app18

# A ciphertext-only COPY of one version's table loads into the other's (the schema made there).
for dir in A B; do
  if [ $dir = A ]; then src="$A"; srcdb=app15; dst="$B"; dstdb=copy15; run_src=on15; run_dst=on18
  else src="$B"; srcdb=app18; dst="$A"; dstdb=copy18; run_src=on18; run_dst=on15; fi
  touch_out "$RUN/$dstdb.copy"
  $run_src as_postgres env PGOPTIONS="-c colcrypt.ciphertext_io=on" psql -X -q -v ON_ERROR_STOP=1 -h "$src/socket" -p "$(cluster_port "$src")" -U postgres -d "$srcdb" \
    -c "\\copy (SELECT * FROM every_type WHERE id <= 300) TO '$RUN/$dstdb.copy'"
  if grep -qa "Zürich\|client-1\b" "$RUN/$dstdb.copy"; then echo "plaintext in the ciphertext COPY of $srcdb"; exit 1; fi
  # The keys the envelopes name come over as pg_dump carries them: the extension's data only.
  touch_out "$RUN/$dstdb-keys.sql"
  $run_src as_postgres pg_dump -Fp --data-only -n colcrypt -h "$src/socket" -p "$(cluster_port "$src")" -U postgres -f "$RUN/$dstdb-keys.sql" "$srcdb"
  sed -i '/^SET transaction_timeout = 0;$/d' "$RUN/$dstdb-keys.sql"
  $run_dst sql "$dst" postgres "CREATE DATABASE $dstdb" >/dev/null
  $run_dst sql "$dst" "$dstdb" "CREATE EXTENSION colcrypt" >/dev/null
  $run_dst as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$dst/socket" -p "$(cluster_port "$dst")" -U postgres -d "$dstdb" -f "$RUN/$dstdb-keys.sql" >/dev/null
  touch_out "$RUN/$dstdb-schema.sql"
  $run_src as_postgres pg_dump -s -t every_type -h "$src/socket" -p "$(cluster_port "$src")" -U postgres -f "$RUN/$dstdb-schema.sql" "$srcdb"
  sed -i '/^SET transaction_timeout = 0;$/d' "$RUN/$dstdb-schema.sql"
  $run_dst as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$dst/socket" -p "$(cluster_port "$dst")" -U postgres -d "$dstdb" -f "$RUN/$dstdb-schema.sql" >/dev/null
  $run_dst as_postgres env PGOPTIONS="-c colcrypt.ciphertext_io=on" psql -X -q -v ON_ERROR_STOP=1 -h "$dst/socket" -p "$(cluster_port "$dst")" -U postgres -d "$dstdb" \
    -c "\\copy every_type FROM '$RUN/$dstdb.copy'"
  assert_eq "ciphertext COPY $srcdb -> $dstdb" 300 "$($run_dst right "$dst" "$dstdb")"
  assert_eq "ciphertext COPY $srcdb -> $dstdb: envelopes" "$($run_src envelopes "$src" "$srcdb")" "$($run_dst envelopes "$dst" "$dstdb")"
done
on15 cluster_stop "$A"; on18 cluster_stop "$B"
