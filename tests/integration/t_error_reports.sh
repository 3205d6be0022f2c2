# Error reports show clients no Rust internals: with RUST_BACKTRACE=1 in the server's
# environment, an error that PostgreSQL raises inside colcrypt's Rust code (a lock timeout in a
# key table write) reaches the client without a backtrace, and no error carries a source file
# of colcrypt's build (LOCATION in verbose mode).
D="$RUN/errors"
make_master_key "$D-keys/master.key"
cluster_init "$D" 55451 "colcrypt.master_key_file = '$D-keys/master.key'"
as_postgres env RUST_BACKTRACE=full RUST_LIB_BACKTRACE=1 "$PG_BINDIR/pg_ctl" -D "$D/data" -l "$D/server.log" -w -t 60 start >/dev/null
sql "$D" postgres "CREATE EXTENSION colcrypt" >/dev/null
sql "$D" postgres "SELECT colcrypt.create_key('held') > 0" >/dev/null
psql_v() { as_postgres psql -X -h "$D/socket" -p 55451 -U postgres -d postgres -v VERBOSITY=verbose "$@" 2>&1 || true; }

# Another session holds the key table; create_key's INSERT (inside colcrypt) times out.
( as_postgres psql -X -h "$D/socket" -p 55451 -U postgres -d postgres -q \
    -c "BEGIN; LOCK colcrypt.data_keys IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(5); COMMIT;" >/dev/null 2>&1 & )
wait_for "$D" postgres "SELECT count(*) > 0 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'data_keys' AND l.mode = 'AccessExclusiveLock' AND l.granted"
out=$(psql_v -c "SET lock_timeout = '200ms'; SELECT colcrypt.create_key('blocked')")
grep -q "55P03" <<<"$out" || { echo "expected a lock timeout (55P03), got: $out"; exit 1; }
if grep -Eiq "backtrace|\.rs:[0-9]|rust_begin_unwind|pgrx" <<<"$out"; then
  echo "a Rust backtrace or source path reached the client:"; echo "$out"; exit 1
fi

# colcrypt's own errors: no LOCATION pointing into its sources.
out=$(psql_v -c "SELECT colcrypt.decrypt('\\x00'::bytea, colcrypt.gen_key())")
grep -q "22000" <<<"$out" || { echo "expected 22000, got: $out"; exit 1; }
if grep -Eq "LOCATION: .*\.rs" <<<"$out"; then echo "a Rust source path reached the client: $out"; exit 1; fi
grep -q "LOCATION" <<<"$out" && { echo "unexpected LOCATION: $out"; exit 1; }
sleep 5
cluster_stop "$D"
if grep -Eiq "stack backtrace|\.rs:[0-9]+:[0-9]+" "$D/server.log"; then
  echo "the server log holds a Rust backtrace:"; grep -Ei "backtrace|\.rs:" "$D/server.log" | head; exit 1
fi
echo "no backtrace or Rust source path in client errors or the log"
