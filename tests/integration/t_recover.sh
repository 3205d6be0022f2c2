# colcrypt recover: a user whose server is gone gets every value back from a ciphertext dump and
# the master key, with the server stopped. The source holds all ten encrypted types (NULLs and
# extremes, searchable columns), values under two versions of a key, a destroyed key, and a
# master key rotated after the data was written. Recovered values are compared byte for byte
# with the server's own COPY of the plaintext, and the plaintext-types dump is loaded into a
# PostgreSQL without colcrypt.
set -euo pipefail
CLI="$ROOT/target/debug/colcrypt"
[ -x "$CLI" ] || { echo "build the CLI first: cargo build -p colcrypt-client"; exit 1; }
S="$RUN/recsrc"; P="$RUN/recplain"; K="$RUN/rec-keys"; W="$RUN/rec-work"
trap 'cluster_stop "$S"; cluster_stop "$P"' EXIT
mkdir -p "$W"; chmod 755 "$W"; chown postgres "$W"
make_master_key "$K/old.key"; make_master_key "$K/new.key"
cluster_init "$S" 55501 "colcrypt.master_key_file = '$K/old.key'"
# The target has no colcrypt at all: not preloaded, never created.
cluster_init "$P" 55502 "shared_preload_libraries = ''"
cluster_start "$S"; cluster_start "$P"
q() { sql "$S" postgres "$1"; }

q "CREATE EXTENSION colcrypt" >/dev/null
q "SELECT colcrypt.create_key('pii'), colcrypt.create_key('shred')" >/dev/null
PLAIN_COLS="id int PRIMARY KEY, t text, y bytea, j jsonb, i4 int4, i8 int8, n numeric, f float8, b bool, d date, ts timestamptz"
cluster_psql "$S" -d postgres -q >/dev/null <<SQL
SET TimeZone = 'UTC';
CREATE TABLE expected ($PLAIN_COLS);
INSERT INTO expected VALUES
 (1, 'Zürich', '\x00ff', '{"a": [1, 2.50, -0], "b": null}', -2147483648, -9223372036854775808, 'NaN', 'NaN', true, '4713-01-01 BC', '4713-01-01 00:00:00+00 BC'),
 (2, '', '\x', 'null', 2147483647, 9223372036854775807, 'Infinity', 'Infinity', false, '5874897-12-31', '294276-12-31 23:59:59.999999+00'),
 (3, E'tab\t nl\n cr\r back\\\\ q" c,', '\x5c2e0a', '"\\\\u00e9 x"', 0, 0, '-Infinity', '-Infinity', true, 'infinity', 'infinity'),
 (4, '\.', decode(repeat('00ff', 5000), 'hex'), '[1e3, 0.000001, -12.5]', 1, 1, '-0.00001234', '-0', false, '-infinity', '-infinity'),
 (5, repeat('long ', 20000), '\xdeadbeef', '{}', -1, -1, '123456789012345678901234567890.123456789000', '5e-324', true, '2024-02-29', '2000-01-01 00:00:00.000001+00'),
 (6, 'NULL', '\x00', '{"k": "v"}', 7, 7, '0', '1.7976931348623157e308', false, '0001-01-01', '1999-12-31 23:59:59.5-08'),
 (7, E'\\\\N', '\x01', '0', 42, 42, '1.000', '0.1', true, '2000-01-01', '2026-11-29 12:00:00+05:30'),
 (8, 'x', '\x02', '1', 3, 3, '0.0', '1e15', false, '1970-01-01', '1970-01-01 00:00:00+00'),
 (9, 'y', NULL, NULL, NULL, NULL, '-1e-100', '123456.789', NULL, NULL, NULL),
 (10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE all_types (id int PRIMARY KEY, t colcrypt.encrypted_text(pii, searchable), y colcrypt.encrypted_bytea(pii),
  j colcrypt.encrypted_jsonb(pii, searchable), i4 colcrypt.encrypted_int4(pii, searchable), i8 colcrypt.encrypted_int8,
  n colcrypt.encrypted_numeric(pii, searchable), f colcrypt.encrypted_float8(pii, searchable), b colcrypt.encrypted_bool(pii),
  d colcrypt.encrypted_date(pii), ts colcrypt.encrypted_timestamptz(pii));
INSERT INTO all_types SELECT * FROM expected;
-- Values under two versions of pii: half written before the rotation, left there.
CREATE TABLE versions (id int PRIMARY KEY, v colcrypt.encrypted_text(pii, searchable) UNIQUE, n colcrypt.encrypted_int8(pii));
INSERT INTO versions SELECT i, 'v-' || i, i * 1000000000000 FROM generate_series(1, 100) i;
SELECT colcrypt.rotate_key('pii');
INSERT INTO versions SELECT i, 'v-' || i, i * 1000000000000 FROM generate_series(101, 200) i;
-- A destroyed key: its values are gone for good.
CREATE TABLE shredded (id int, s colcrypt.encrypted_text(shred));
INSERT INTO shredded SELECT i, 'gone-' || i FROM generate_series(1, 5) i;
SELECT colcrypt.destroy_key('shred');
SQL
assert_eq "values under two versions of pii" 2 \
  "$(q "SELECT count(DISTINCT e.key_id) FROM versions, LATERAL colcrypt.envelope_info(colcrypt.envelope(versions.n)) e")"
# The server's own text of every plaintext (TimeZone UTC, as recover prints timestamps).
cluster_psql "$S" -d postgres -q -c "SET TimeZone = 'UTC'" -c "COPY expected TO STDOUT" >"$W/expected.copy"
q "DROP TABLE expected"

# Issue 15's attack: a login role with no grants puts, in a comment on its own large object, what
# looks like a TABLE DATA entry and a COPY block of all_types whose value opens to SQL. recover
# must copy it as the comment's text; loading its output must run none of it. The sealed value
# is made here by the superuser (how the attacker gets one does not matter to recover).
EVIL="'; CREATE TABLE public.pwned AS SELECT current_user AS who; SELECT '"
q "CREATE TABLE bait (t colcrypt.encrypted_text(pii, searchable))" >/dev/null
cluster_psql "$S" -d postgres -q -v "v=$EVIL" <<<"INSERT INTO bait VALUES (:'v');" >/dev/null
BAIT=$(cluster_psql "$S" -d postgres -q -c "SET colcrypt.ciphertext_io = on" -c "COPY bait TO STDOUT")
q "DROP TABLE bait" >/dev/null
PLANT=$(printf 'x\n-- Data for Name: all_types; Type: TABLE DATA; Schema: public; Owner: postgres\nCOPY public.all_types (id, t) FROM stdin;\n99\t%s\n\\.\ny' "$BAIT")
q "CREATE ROLE mallory LOGIN" >/dev/null
cluster_psql "$S" -d postgres -q -v "c=$PLANT" >/dev/null <<'SQL'
SET ROLE mallory;
SELECT lo_create(0) AS lo \gset
COMMENT ON LARGE OBJECT :lo IS :'c';
SQL

# Rotate the master key (the documented steps), after the data is written.
sed -i "s|^colcrypt.master_key_file.*|colcrypt.master_key_file = '$K/new.key'|" "$S/data/postgresql.conf"
echo "colcrypt.previous_master_key_file = '$K/old.key'" >>"$S/data/postgresql.conf"
cluster_stop "$S"; cluster_start "$S"
q "SELECT colcrypt.rotate_master_key()" >/dev/null
sed -i '/^colcrypt.previous_master_key_file/d' "$S/data/postgresql.conf"
cluster_stop "$S"; cluster_start "$S"

# Dumps as users make them: plain, and custom format (the destroyed key's table left out).
as_postgres pg_dump -h "$S/socket" -p 55501 -U postgres -f "$W/plain.dump.sql" postgres
as_postgres pg_dump -Fc --exclude-table=shredded -h "$S/socket" -p 55501 -U postgres -f "$W/custom.dump" postgres
cluster_stop "$S"
# The server is gone: from here on only the dumps, the CLI and copies of the keys.
install -m 600 "$K/new.key" "$W/new.key"; install -m 600 "$K/old.key" "$W/old.key"
grep -q "Zürich" "$W/plain.dump.sql" && { echo "the dump holds plaintext"; exit 1; }

# 1. Plain dump to CSV: every value opens but the destroyed key's five, which are reported,
# written as NULL, and make the exit status 1.
rc=0; "$CLI" recover --master-key-file "$W/new.key" -i "$W/plain.dump.sql" --format csv --out-dir "$W/csv" 2>"$W/csv.err" || rc=$?
cat "$W/csv.err"
assert_eq "exit status with values left closed" 1 "$rc"
grep -q "public.shredded.s: 5 values not opened: key shred version 1 was destroyed" "$W/csv.err"
assert_eq "only the destroyed key's values stay closed" 1 "$(grep -cE 'values? not opened' "$W/csv.err")"
# 10 types x 9 non-NULL rows minus the NULLs of row 9, and 2 x 200 in versions.
assert_eq "values opened" "$(( 10 * 8 + 3 + 400 ))" "$(sed -nE 's/^colcrypt: ([0-9]+) values opened.*/\1/p' "$W/csv.err")"
assert_eq "CSV files not readable by others" 600 "$(stat -c %a "$W/csv/public.all_types.csv")"
assert_eq "shredded values are NULL" "id,s 1, 2, 3, 4, 5," "$(tr '\n' ' ' <"$W/csv/public.shredded.csv" | sed 's/ $//')"

# 2. Plain dump to SQL, types kept: the COPY data of all_types is byte for byte the server's
# own text of the plaintexts.
rc=0; "$CLI" recover --master-key-file "$W/new.key" -i "$W/plain.dump.sql" -o "$W/recovered.sql" 2>/dev/null || rc=$?
assert_eq "exit status (sql)" 1 "$rc"
sed -n '/^COPY public.all_types (id, t, y,/,/^\\\.$/p' "$W/recovered.sql" | sed '1d;$d' >"$W/recovered.copy"
cmp "$W/expected.copy" "$W/recovered.copy"
grep -q "colcrypt.encrypted_text(pii, searchable)" "$W/recovered.sql"

# 3. Leaving colcrypt: the plaintext-types dump loads into a server without colcrypt, from
# standard input, with the key given by a command.
rc=0; "$CLI" recover --master-key-command "cat '$W/new.key'" --plaintext-types -o "$W/leave.sql" <"$W/plain.dump.sql" 2>/dev/null || rc=$?
assert_eq "exit status (plaintext types)" 1 "$rc"
grep -q colcrypt "$W/leave.sql" && { echo "the plaintext-types dump still names colcrypt"; grep -n colcrypt "$W/leave.sql"; exit 1; }
sql "$P" postgres "CREATE DATABASE leave" >/dev/null
sql "$P" postgres "CREATE ROLE mallory" >/dev/null
cluster_psql "$P" -d leave -q -f - <"$W/leave.sql" >/dev/null
p() { sql "$P" leave "$1"; }
assert_eq "no colcrypt in the target" 0 "$(p "SELECT count(*) FROM pg_extension WHERE extname = 'colcrypt'")"
assert_eq "the planted COPY block ran nothing" 0 "$(p "SELECT count(*) FROM pg_class WHERE relname = 'pwned'")"
assert_eq "the planted comment came through unchanged" "$PLANT" "$(p "SELECT obj_description(oid, 'pg_largeobject') FROM pg_largeobject_metadata")"
p "CREATE TABLE expected ($PLAIN_COLS)" >/dev/null
cluster_psql "$P" -d leave -q -c "COPY expected FROM STDIN" <"$W/expected.copy"
same() { p "SELECT count(*) FROM ((TABLE expected EXCEPT ALL TABLE $1) UNION ALL (TABLE $1 EXCEPT ALL TABLE expected)) x"; }
assert_eq "all_types loaded as plaintext types, every value equal" 0 "$(same all_types)"
assert_eq "all_types column types" "text bytea jsonb integer bigint numeric double precision boolean date timestamp with time zone" \
  "$(p "SELECT string_agg(format_type(atttypid, atttypmod), ' ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'all_types'::regclass AND attnum > 1")"
assert_eq "versions v1 and v2" 200 "$(p "SELECT count(*) FROM versions WHERE v = 'v-' || id AND n = id * 1000000000000")"
assert_eq "the unique constraint came along" 1 "$(p "SELECT count(*) FROM pg_constraint WHERE conrelid = 'versions'::regclass AND contype = 'u'")"
assert_eq "shredded rows kept, values NULL" "5 0" "$(p "SELECT count(*) || ' ' || count(s) FROM shredded")"
# The CSV files load too and hold the same values.
p "CREATE TABLE csv_all ($PLAIN_COLS)" >/dev/null
cluster_psql "$P" -d leave -q -c "COPY csv_all FROM STDIN (FORMAT csv, HEADER)" <"$W/csv/public.all_types.csv"
assert_eq "CSV values equal" 0 "$(same csv_all)"

# 4. Custom format through pg_restore -f -, without the destroyed key's table: nothing closed,
# exit status 0, the same CSV.
rc=0; pg_restore -f - "$W/custom.dump" | "$CLI" recover --master-key-file "$W/new.key" --format csv --out-dir "$W/csv2" 2>"$W/csv2.err" || rc=$?
assert_eq "exit status (custom, all open)" 0 "$rc"
cmp "$W/csv/public.all_types.csv" "$W/csv2/public.all_types.csv"
cmp "$W/csv/public.versions.csv" "$W/csv2/public.versions.csv"
[ ! -e "$W/csv2/public.shredded.csv" ]

# 5. The master key from before the rotation is refused up front, clearly, with nothing written.
rc=0; out=$("$CLI" recover --master-key-file "$W/old.key" -i "$W/plain.dump.sql" -o "$W/old.sql" 2>&1) || rc=$?
assert_eq "exit status (old master key)" 1 "$rc"
grep -q "wrong master key" <<<"$out" || { echo "unclear error: $out"; exit 1; }
[ ! -e "$W/old.sql" ]
# And a damaged value is counted, never printed or guessed.
sed -E '0,/^1\t\\\\x4342/s//1\t\\\\x4343/' "$W/plain.dump.sql" >"$W/damaged.sql"
rc=0; out=$("$CLI" recover --master-key-file "$W/new.key" -i "$W/damaged.sql" -o "$W/damaged.out.sql" 2>&1) || rc=$?
assert_eq "exit status (damaged)" 1 "$rc"
grep -q "public.all_types.t: 1 value not opened: " <<<"$out" || { echo "damaged value not reported: $out"; exit 1; }
echo "recover: all checks passed"
