#!/usr/bin/env bash
# Upgrade tier: a database made by colcrypt 0.1.0, with data in every type, keys, a rotation, a
# denial, a searchable column and client-key values, is moved to this tree's version the way a
# user moves it: install the new files, restart, read (the new library serving 0.1.0's SQL
# objects), ALTER EXTENSION colcrypt UPDATE, then read, write, search, rotate, re-encrypt and deny.
# Finally the upgraded extension's objects must equal those of a fresh install.
#
# 0.1.0 is built once from its commit (git archive, so a fresh CI clone works) and cached outside
# the clone, in $COLCRYPT_CACHE/build-<commit>/. Nothing is installed into the system
# PostgreSQL: the old and new files go into a private copy of the PostgreSQL installation under
# $RUN (PostgreSQL finds its share and lib directories relative to its own binary).
# Port 55521. KEEP=1 keeps the run directory.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# 0.1.0: the last commit before the security-hardening work (CHANGELOG.md, "0.2.0").
OLD_COMMIT=cf4833b44d398a2aeb9fda58918ceb21ed0facd8
OLD_VERSION=0.1.0
NEW_VERSION=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
PORT=55521
SYS_PG_CONFIG="${PG_CONFIG:-$(command -v pg_config)}"
CACHE="${COLCRYPT_CACHE:-/var/cache/colcrypt}/build-${OLD_COMMIT:0:7}"

# 0.1.0 was built for PostgreSQL 15 only (pgrx feature pg15): on another major version no
# database can hold it, so there is nothing to upgrade.
major=$("$SYS_PG_CONFIG" --version | sed -nE 's/^PostgreSQL ([0-9]+).*/\1/p')
if [ "$major" != 15 ]; then echo "upgrade: $OLD_VERSION supported PostgreSQL 15 only; nothing to test on $major"; exit 0; fi

RUN="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-upgrade.XXXXXX")"
chmod 755 "$RUN"
trap '[ "${KEEP:-}" = 1 ] && echo "kept $RUN" || rm -rf "$RUN"' EXIT
PRIV="$RUN/pg"
C="$RUN/cluster"
step() { echo "---- $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- the 0.1.0 build, once per machine --------------------------------------------------------
# The staged tree of `cargo pgrx package` (paths of the system pg_config under $CACHE/stage).
build_old() {
  mkdir -p "$(dirname "$CACHE")"
  exec 9>"$CACHE.lock"; flock 9
  if [ ! -f "$CACHE/stage.done" ]; then
    step "building colcrypt $OLD_VERSION from $OLD_COMMIT into $CACHE (once)"
    local s; s=$(date +%s)
    rm -rf "$CACHE/src" "$CACHE/stage"; mkdir -p "$CACHE/src"
    git -C "$ROOT" cat-file -e "$OLD_COMMIT^{commit}" 2>/dev/null \
      || fail "this clone lacks commit $OLD_COMMIT ($OLD_VERSION); a shallow clone needs: git fetch --unshallow"
    git -C "$ROOT" archive "$OLD_COMMIT" | tar -x -C "$CACHE/src"
    (cd "$CACHE/src" && CARGO_TARGET_DIR="$CACHE/target" cargo pgrx package --debug \
       --pg-config "$SYS_PG_CONFIG" --out-dir "$CACHE/stage") >"$CACHE/build.log" 2>&1 \
      || { tail -n 40 "$CACHE/build.log"; fail "building $OLD_VERSION"; }
    touch "$CACHE/stage.done"
    echo "built $OLD_VERSION in $(( $(date +%s) - s ))s"
  fi
  exec 9>&-
}

# install_stage STAGE: the staged library and extension files into the private copy, each
# renamed into place as scripts/install-extension.sh does (the server may be running).
install_stage() {
  local stage="$1" f
  for f in "$stage$("$SYS_PG_CONFIG" --pkglibdir)"/colcrypt*.so; do
    cp "$f" "$PRIV_LIB/.new.$$"; mv -f "$PRIV_LIB/.new.$$" "$PRIV_LIB/$(basename "$f")"
  done
  for f in "$stage$("$SYS_PG_CONFIG" --sharedir)/extension"/colcrypt*; do
    cp "$f" "$PRIV_EXT/.new.$$"; mv -f "$PRIV_EXT/.new.$$" "$PRIV_EXT/$(basename "$f")"
  done
}

build_old
step "building the new version ($NEW_VERSION, dev build)"
cargo pgrx package --debug --pg-config "$SYS_PG_CONFIG" --out-dir "$RUN/new-stage" >"$RUN/new-build.log" 2>&1 \
  || { tail -n 40 "$RUN/new-build.log"; fail "building $NEW_VERSION"; }
[ -f "$RUN/new-stage$("$SYS_PG_CONFIG" --sharedir)/extension/colcrypt--$OLD_VERSION--$NEW_VERSION.sql" ] \
  || fail "the staged files lack the upgrade script colcrypt--$OLD_VERSION--$NEW_VERSION.sql"

# --- a private PostgreSQL installation ---------------------------------------------------------
source "$ROOT/scripts/private-pg.sh"
private_pg_copy "$PRIV" "$SYS_PG_CONFIG"
PRIV_LIB=$(pg_config --pkglibdir); PRIV_EXT="$(pg_config --sharedir)/extension"
install_stage "$CACHE/stage"
[ ! -e "$PRIV_EXT/colcrypt--$NEW_VERSION.sql" ] || fail "the $OLD_VERSION build staged a $NEW_VERSION script"

source "$ROOT/scripts/cluster.sh"
source "$ROOT/tests/integration/lib.sh"
[ "$PG_BINDIR" = "$PRIV$("$SYS_PG_CONFIG" --bindir)" ] || fail "cluster.sh would run $PG_BINDIR, not the private copy"
trap 'cluster_stop "$C"; [ "${KEEP:-}" = 1 ] && echo "kept $RUN" || rm -rf "$RUN"' EXIT
chown -R postgres:postgres "$RUN" 2>/dev/null || true
make_master_key "$RUN/keys/master.key"
cluster_init "$C" "$PORT" "colcrypt.master_key_file = '$RUN/keys/master.key'"
cluster_start "$C"
assert_eq "the server's pkglibdir (a server started from the private copy)" "$PRIV_LIB" \
  "$(sql "$C" postgres "SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'")"
q() { sql "$C" app "$1"; }

# --- 0.1.0: a database as its users left it ----------------------------------------------------
step "$OLD_VERSION: data in every type, keys, a rotation, a denial, a searchable column, client keys"
cluster_psql "$C" -q -d postgres -c "CREATE DATABASE app" -c "CREATE DATABASE bare" -c "CREATE ROLE analyst LOGIN" -c "CREATE ROLE app_user LOGIN"
sql "$C" bare "CREATE EXTENSION colcrypt" >/dev/null
assert_eq "installed version" "$OLD_VERSION" "$(sql "$C" bare "SELECT extversion FROM pg_extension WHERE extname = 'colcrypt'")"
cluster_psql "$C" -q -d app -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION colcrypt;
-- 0.1.0 kept = and <> in schema colcrypt: its users put it on the search_path.
ALTER DATABASE app SET search_path = public, colcrypt;
SET search_path = public, colcrypt;
SELECT colcrypt.create_key('pii');
SELECT colcrypt.create_key('fin');
-- The plaintext of every value, to compare with what the encrypted columns give back.
CREATE TABLE plain (id int PRIMARY KEY, tx text, b bytea, j jsonb, i4 int4, i8 int8, n numeric,
                    f8 float8, bo bool, d date, ts timestamptz, ssn text, note text, amount numeric);
INSERT INTO plain
SELECT g, 'text ' || g || ' é', decode(lpad(to_hex(g), 8, '0'), 'hex'), jsonb_build_object('g', g, 'x', 1.50),
       g * 7, g::int8 * 1000000007, g / 3.0, g / 7.0::float8, g % 2 = 0, date '2020-01-01' + g,
       timestamptz '2020-01-01 00:00:00+00' + g * interval '1 hour', 'ssn-' || (g % 50), 'note ' || g, g * 1.25
FROM generate_series(1, 300) g;
INSERT INTO plain VALUES (301, '', '\x', '{}', -2147483648, 9223372036854775807, 'NaN', 'Infinity', false,
                          'infinity', '-infinity', 'ssn-x', NULL, 0);
CREATE TABLE t (
  id  int PRIMARY KEY,
  tx  colcrypt.encrypted_text(pii),      b  colcrypt.encrypted_bytea(pii),
  j   colcrypt.encrypted_jsonb(pii),     i4 colcrypt.encrypted_int4(pii),
  i8  colcrypt.encrypted_int8(pii),      n  colcrypt.encrypted_numeric(pii),
  f8  colcrypt.encrypted_float8(pii),    bo colcrypt.encrypted_bool(pii),
  d   colcrypt.encrypted_date(pii),      ts colcrypt.encrypted_timestamptz(pii),
  ssn colcrypt.encrypted_text(pii, searchable),
  note colcrypt.encrypted_text,          -- no key name: the key default in 0.1.0
  amount colcrypt.encrypted_numeric(fin)
);
CREATE INDEX t_ssn ON t (ssn);
CREATE INDEX t_tx ON t (tx);                -- 0.1.0 allowed it; 0.2.0 warns and never plans it
-- A searchable document column: 0.1.0 sealed jsonb_out's text, 0.2.0 seals the binary container.
CREATE TABLE docs (id int PRIMARY KEY, j colcrypt.encrypted_jsonb(pii, searchable));
INSERT INTO docs VALUES (1, '{"g": 1, "x": 1.50, "s": "é"}'), (2, '[1, 2]');
INSERT INTO t SELECT * FROM plain WHERE id <= 150;
SELECT colcrypt.rotate_key('pii');
INSERT INTO t SELECT * FROM plain WHERE id > 150;
GRANT USAGE ON SCHEMA colcrypt TO analyst;
GRANT SELECT ON t TO analyst;
GRANT SELECT, INSERT, DELETE ON t TO app_user;
SELECT colcrypt.deny_plaintext('fin', 'analyst');
-- Client-supplied keys, server-side functions and a wrapped client column key.
CREATE TABLE ck (id int PRIMARY KEY, sealed bytea, server_sealed bytea);
INSERT INTO ck SELECT g, colcrypt.encrypt_text('client secret ' || g, decode(repeat('ab', 32), 'hex'), 'ck:' || g),
                      colcrypt.server_encrypt_text('fin', 'server secret ' || g, 'ck:' || g)
FROM generate_series(1, 20) g;
INSERT INTO colcrypt.client_column_keys (name, wrapped) VALUES ('patients.ssn', '\x0102');
-- Views over 0.1.0's = (schema colcrypt), its casts and the column without a key name; the
-- view's literal was sealed by 0.1.0 when the view was made.
CREATE TABLE w (id int, note colcrypt.encrypted_text);   -- written only between restart and UPDATE
CREATE VIEW v_ssn AS SELECT id, note FROM t WHERE ssn = 'ssn-7';
CREATE VIEW v_plain AS SELECT id, tx::text AS tx, note::text AS note FROM t;
SQL

# mismatches: rows whose decrypted columns differ from their plaintext (0 when all read back).
MISMATCHES="SELECT count(*) FROM t JOIN plain p USING (id) WHERE
  (t.tx::text, t.b::bytea, t.j::jsonb, t.i4::int4, t.i8::int8, t.n::numeric, t.f8::float8, t.bo::bool, t.d::date,
   t.ts::timestamptz, t.ssn::text, t.note::text, t.amount::numeric)
  IS DISTINCT FROM (p.tx, p.b, p.j, p.i4, p.i8, p.n, p.f8, p.bo, p.d, p.ts, p.ssn, p.note, p.amount)"
CK_MISMATCHES="SELECT count(*) FROM ck WHERE colcrypt.decrypt_text(sealed, decode(repeat('ab', 32), 'hex'), 'ck:' || id)
  IS DISTINCT FROM 'client secret ' || id OR colcrypt.server_decrypt_text(server_sealed, 'ck:' || id) IS DISTINCT FROM 'server secret ' || id"
check_reads() {
  assert_eq "$1: rows that do not read back" 0 "$(q "$MISMATCHES")"
  assert_eq "$1: row count" "$2" "$(q "SELECT count(*) FROM t")"
  assert_eq "$1: client- and server-key values that do not read back" 0 "$(q "$CK_MISMATCHES")"
  assert_eq "$1: searchable lookup" "${3:-6}" "$(q "SELECT count(*) FROM t WHERE ssn = 'ssn-7'")"
  assert_eq "$1: view with $OLD_VERSION's = and literal" "${3:-6}|${3:-6}" "$(q "SELECT count(*), count(note::text) FROM v_ssn")"
  assert_eq "$1: view with $OLD_VERSION's casts, rows that do not read back" 0 \
    "$(q "SELECT count(*) FROM v_plain v JOIN plain p USING (id) WHERE (v.tx, v.note) IS DISTINCT FROM (p.tx, p.note)")"
  expect_error "$C" app 42501 'permission denied' "SET ROLE analyst; SELECT amount::numeric FROM t WHERE id = 1"
  assert_eq "$1: the denied role still reads the other key's values" "text 1 é" \
    "$(q "SET ROLE analyst; SELECT tx::text FROM t WHERE id = 1" | tail -n 1)"
}
check_reads "$OLD_VERSION" 301

# --- the window: new library, 0.1.0's SQL objects ------------------------------------------------
step "installing $NEW_VERSION's files while the server runs, restart"
# Every C symbol 0.1.0's SQL names must exist in the new library (or its functions fail cleanly).
nm -D --defined-only "$RUN/new-stage$("$SYS_PG_CONFIG" --pkglibdir)/colcrypt.so" | awk '{print $3}' >"$RUN/new-symbols.txt"
missing=$(sql "$C" bare "SELECT DISTINCT prosrc FROM pg_proc WHERE probin = '\$libdir/colcrypt' ORDER BY 1" | while read -r sym; do
  grep -qx "$sym" "$RUN/new-symbols.txt" || echo "$sym"
done)
echo "C functions of $OLD_VERSION's SQL whose symbol $NEW_VERSION's library lacks: ${missing:-none}"
install_stage "$RUN/new-stage"
cluster_stop "$C"; cluster_start "$C"
assert_eq "version before UPDATE" "$OLD_VERSION" "$(q "SELECT extversion FROM pg_extension WHERE extname = 'colcrypt'")"
check_reads "$NEW_VERSION library, $OLD_VERSION SQL" 301
for sym in $missing; do
  fn=$(sql "$C" bare "SELECT oid::regprocedure FROM pg_proc WHERE probin = '\$libdir/colcrypt' AND prosrc = '$sym' LIMIT 1")
  echo "note: $OLD_VERSION's $fn names $sym, which $NEW_VERSION's library lacks; until UPDATE it fails with:"
  args=$(sql "$C" bare "SELECT string_agg('NULL::' || format_type(t, NULL), ', ') FROM pg_proc, unnest(proargtypes) t WHERE oid = '$fn'::regprocedure")
  out=$(cluster_psql "$C" -d bare -At -c "SET client_min_messages = error; SELECT ${fn%%(*}($args)" 2>&1) || true
  echo "  $out"
  grep -q "could not find function" <<<"$out" || fail "$fn: expected a clean 'could not find function' error, got: $out"
done
# The one C function whose 0.1.0 declaration differs from its 0.2.0 one (its result gained a
# column): it must answer or fail with an error, not take the backend down.
out=$(cluster_psql "$C" -d app -At -c "SELECT transport FROM colcrypt.connection_info()" 2>&1) || true
echo "connection_info() before UPDATE: $out"
assert_eq "a session after connection_info()" 1 "$(q "SELECT 1")"
# A write in the window into a column without a key name (README: "write nothing there").
q "INSERT INTO w VALUES (1, 'window note')" >/dev/null
# No backend crashed in the window.
if grep -E "terminated by signal|PANIC" "$C/server.log"; then fail "a backend crashed before the UPDATE"; fi

# --- ALTER EXTENSION UPDATE ----------------------------------------------------------------------
step "ALTER EXTENSION colcrypt UPDATE"
out=$(cluster_psql "$C" -d app -q -v ON_ERROR_STOP=1 -c "ALTER EXTENSION colcrypt UPDATE" 2>&1)
grep -q "WARNING:  colcrypt: indexes over encrypted columns that are not searchable: public.t_tx" <<<"$out" \
  || fail "the UPDATE did not name 0.1.0's index over a column that is not searchable: $out"
sql "$C" bare "ALTER EXTENSION colcrypt UPDATE" >/dev/null
plan=$(q "SET enable_seqscan = off; SET enable_sort = off; EXPLAIN (COSTS OFF) SELECT id FROM t ORDER BY tx")
if grep -q t_tx <<<"$plan"; then fail "0.1.0's index over a column that is not searchable is planned: $plan"; fi
# A change that leaves that index as it is goes through.
q "ALTER TABLE t ADD COLUMN upgraded int" >/dev/null; q "ALTER TABLE t DROP COLUMN upgraded" >/dev/null
assert_eq "version after UPDATE" "$NEW_VERSION" "$(q "SELECT extversion FROM pg_extension WHERE extname = 'colcrypt'")"
check_reads "after UPDATE" 301
# The column that named no key names default now.
assert_eq "0.1.0's column without a key name" 'encrypted_text("default")' \
  "$(q "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'note'")"

# The window's value stayed under __transient; the fix CHANGELOG.md gives moves it to default.
KEY_OF_NOTE="SELECT k.name FROM w, colcrypt.envelope_info(colcrypt.envelope(w.note)) e JOIN colcrypt.keys k ON k.envelope_key_id = e.key_id"
assert_eq "key of the value written in the window" __transient "$(q "$KEY_OF_NOTE")"
q "UPDATE w SET note = note::text" >/dev/null
assert_eq "key of that value after UPDATE w SET note = note::text" default "$(q "$KEY_OF_NOTE")"
assert_eq "that value" "window note" "$(q "SELECT note::text FROM w")"

step "after UPDATE: write, search through the index, rotate, re-encrypt, deny"
# Untyped literals, as an application role, before any key admin has acted since the UPDATE
# (0.2.0 seals them under __transient on their way to the column: a key 0.1.0 never made).
cluster_psql "$C" -d app -q -c "SET ROLE app_user" \
  -c "INSERT INTO t (id, tx, ssn, note, amount) VALUES (399, 'untyped', 'ssn-u', 'untyped note', '1.5')"
assert_eq "untyped literals written after UPDATE" "untyped|ssn-u|untyped note|1.5" \
  "$(q "SELECT tx::text, ssn::text, note::text, amount::numeric FROM t WHERE id = 399")"
q "DELETE FROM t WHERE id = 399" >/dev/null
q "INSERT INTO plain SELECT g, 'new ' || g, '\\xff', '[1]', g, g, 1.0, 0.5, true, '2026-11-29', now(), 'ssn-7', 'n', 2 FROM generate_series(400, 409) g" >/dev/null
q "INSERT INTO t SELECT * FROM plain WHERE id >= 400" >/dev/null
assert_eq "searchable lookup finds old and new values" 16 "$(q "SELECT count(*) FROM t WHERE ssn = 'ssn-7'")"
plan=$(cluster_psql "$C" -d app -At -c "SET enable_seqscan = off" -c "EXPLAIN SELECT id FROM t WHERE ssn = 'ssn-7'")
grep -q "t_ssn" <<<"$plan" || fail "the searchable lookup does not use index t_ssn: $plan"
# Documents in both forms: read back alike, and equal ones have one blind index.
q "INSERT INTO docs VALUES (3, '{\"s\": \"é\", \"x\": 1.5, \"g\": 1.0}')" >/dev/null
assert_eq "documents of both forms read back" '{"g": 1, "s": "é", "x": 1.50}|{"g": 1.0, "s": "é", "x": 1.5}' \
  "$(q "SELECT string_agg(j::text, '|' ORDER BY id) FROM docs WHERE id IN (1, 3)")"
# 0.1.0's index was over the text as written; reencrypt recomputes it (canonical: 1.50 = 1.5)
# and moves the document to the binary form (the envelope changes length).
len_before=$(q "SELECT octet_length(colcrypt.envelope(j)) FROM docs WHERE id = 2")
cluster_psql "$C" -d app -q -c "SET client_min_messages = warning" -c "CALL colcrypt.reencrypt('docs', 'j')"
assert_eq "equal documents of both forms are equal" "1,3|1,3" \
  "$(q "SELECT string_agg(id::text, ',' ORDER BY id) FROM docs WHERE j = '{\"g\": 1, \"x\": 1.5, \"s\": \"é\"}'::jsonb")|$(q "SELECT string_agg(a.id::text, ',' ORDER BY a.id) FROM docs a JOIN docs b ON a.j = b.j WHERE b.id = 3")"
assert_eq "reencrypt moved a 0.1.0 document to the binary form" "86 -> 128, [1, 2]" \
  "$len_before -> $(q "SELECT octet_length(colcrypt.envelope(j)) || ', ' || j::text FROM docs WHERE id = 2")"
# A cross-type lookup (new in $NEW_VERSION) with a text-typed parameter.
assert_eq "cross-type lookup" 16 "$(q "SELECT count(*) FROM t WHERE ssn = 'ssn-7'::text")"
# Searchable values written by 0.1.0 (tag CI, blind index not bound into the envelope) need a
# reseal even on the active key version; those written after the UPDATE do not.
assert_eq "0.1.0's searchable values on the active version that need a reseal" 151 \
  "$(q "SELECT count(*) FROM t WHERE id BETWEEN 151 AND 301 AND colcrypt.needs_reseal(ssn)")"
assert_eq "new searchable values that need a reseal" 0 "$(q "SELECT count(*) FROM t WHERE id >= 400 AND colcrypt.needs_reseal(ssn)")"
q "SELECT colcrypt.rotate_key('pii')" >/dev/null
for col in tx b j i4 i8 n f8 bo d ts ssn note amount; do
  cluster_psql "$C" -d app -q -c "SET client_min_messages = warning" -c "CALL colcrypt.reencrypt('t', '$col')"
done
assert_eq "values on an older key version after reencrypt" 0 \
  "$(q "SELECT count(*) FROM t WHERE colcrypt.needs_reseal(tx) OR colcrypt.needs_reseal(ssn) OR colcrypt.needs_reseal(note) OR colcrypt.needs_reseal(amount)")"
check_reads "after rotate and reencrypt" 311 16
q "SELECT colcrypt.deny_plaintext('pii', 'analyst')" >/dev/null
expect_error "$C" app 42501 'permission denied' "SET ROLE analyst; SELECT tx::text FROM t WHERE id = 1"
q "SELECT colcrypt.allow_plaintext('pii', 'analyst')" >/dev/null
q "SET ROLE analyst; SELECT tx::text FROM t WHERE id = 1" >/dev/null
assert_eq "client column key rows after UPDATE" "patients.ssn" "$(q "SELECT name FROM colcrypt.client_column_keys")"

# --- the upgraded extension equals a fresh install -----------------------------------------------
step "schema comparison: upgraded ($OLD_VERSION -> $NEW_VERSION) against a fresh $NEW_VERSION install"
# The analyst's grant on colcrypt's schema is this test's, not the extension's.
q "REVOKE USAGE ON SCHEMA colcrypt FROM analyst" >/dev/null
cluster_psql "$C" -q -d postgres -c "CREATE DATABASE fresh"
sql "$C" fresh "CREATE EXTENSION colcrypt" >/dev/null
for db in fresh bare app; do
  cluster_psql "$C" -d "$db" -q -At -f "$ROOT/tests/upgrade_catalog.sql" >"$RUN/catalog-$db.txt"
done
for db in fresh bare; do
  as_postgres "$PG_BINDIR/pg_dump" -h "$C/socket" -p "$PORT" -U postgres -s "$db" | grep -Ev '^-- Dumped|^\\(un)?restrict ' >"$RUN/dump-$db.sql"
done
for pair in "bare catalog" "app catalog" "bare dump"; do
  set -- $pair
  a="$RUN/${2}-fresh.txt"; b="$RUN/${2}-$1.txt"
  [ "$2" = dump ] && { a="$RUN/dump-fresh.sql"; b="$RUN/dump-$1.sql"; }
  if ! diff -u "$a" "$b" >"$RUN/diff-$1-$2.txt"; then
    cat "$RUN/diff-$1-$2.txt"
    fail "database $1 upgraded from $OLD_VERSION differs from a fresh $NEW_VERSION install (- fresh, + upgraded, $2 above). A SQL change (sql/*.sql, #[pg_extern], generated types) is missing from sql/colcrypt--$OLD_VERSION--$NEW_VERSION.sql: add it there (or, after a release, to the next upgrade script)."
  fi
done
[ -s "$RUN/catalog-fresh.txt" ] || fail "the catalog query returned nothing"
echo "catalog lines compared: $(wc -l <"$RUN/catalog-fresh.txt")"
if grep -E "terminated by signal|PANIC" "$C/server.log"; then fail "server log shows a crashed backend"; fi
echo "upgrade: $OLD_VERSION -> $NEW_VERSION passed"
