# needs: tls (the server side of its TLS connections; a PostgreSQL built without OpenSSL has none)
# In flight: a TLS cluster with certificates made here. Client keys are refused over TCP
# without TLS and accepted over TLS; verify-full rejects a certificate for another host name;
# with full statement logging and pg_stat_statements, a session key and a client-side plaintext
# appear in no log (tests/integration/tls_logs.py).
set -euo pipefail
source "$ROOT/scripts/tls.sh"
C="$RUN/tls"; CERTS="$RUN/tls-certs"; P=55451
make_tls "$CERTS" localhost 127.0.0.1
make_master_key "$RUN/tls-keys/master.key"
mapfile -t tlsconf < <(tls_conf "$CERTS")
cluster_init "$C" $P "${tlsconf[@]}" "colcrypt.master_key_file = '$RUN/tls-keys/master.key'" \
  "shared_preload_libraries = 'colcrypt,pg_stat_statements'" "pg_stat_statements.track = 'all'" \
  "log_statement = 'all'" "log_min_duration_statement = 0" "log_min_error_statement = error" "log_connections = on"
cluster_start "$C"
sql "$C" postgres "CREATE EXTENSION colcrypt; CREATE EXTENSION pg_stat_statements" >/dev/null
tcp() { # tcp CONNINFO SQL (extra environment through env before the call)
  as_postgres env ${PGOPT:+PGOPTIONS="$PGOPT"} psql "host=127.0.0.1 port=$P user=postgres dbname=postgres $1" -X -At -v VERBOSITY=verbose -c "$2" 2>&1
}
refused() { grep -q "ERROR:  28000: colcrypt refuses client-supplied keys on a TCP connection without TLS" <<<"$1" || { echo "expected 28000, got: $1"; exit 1; }; }

# Without TLS: every key-bearing call is refused, and the session key is not used.
refused "$(tcp "sslmode=disable" "SELECT colcrypt.gen_key()" || true)"
refused "$(tcp "sslmode=disable" "SELECT colcrypt.decrypt('\\x00'::bytea, decode(repeat('ab', 32), 'hex'))" || true)"
refused "$(PGOPT="-c colcrypt.session_key=$(printf 'cd%.0s' $(seq 32))" tcp "sslmode=disable" "SELECT colcrypt.encrypt('\\x01'::bytea)" || true)"
assert_eq "connection_info without TLS" "tcp without tls|false" "$(tcp "sslmode=disable" "SELECT transport || '|' || keys_allowed FROM colcrypt.connection_info()")"
# Server-managed keys never cross the wire: they keep working.
assert_eq "server-managed keys over plain TCP" t "$(tcp "sslmode=disable" "SELECT colcrypt.create_key('k') > 0")"

# With TLS: accepted.
assert_eq "round trip over TLS" '\x01' "$(tcp "sslmode=require" "SELECT colcrypt.decrypt(colcrypt.encrypt('\\x01'::bytea, k), k) FROM (SELECT colcrypt.gen_key() AS k) s")"
# The test connects to 127.0.0.1: TLS from a loopback address, accepted unless
# colcrypt.allow_loopback_keys is off (a relay on the host could be behind it).
assert_eq "connection_info over TLS" "tls from loopback|true|true" "$(tcp "sslmode=require" "SELECT transport || '|' || keys_allowed || '|' || (caveat IS NOT NULL) FROM colcrypt.connection_info()")"
assert_eq "loopback TLS refused when allow_loopback_keys is off" "tls from loopback|false" \
  "$(tcp "sslmode=require" "SET colcrypt.allow_loopback_keys = off; SELECT transport || '|' || keys_allowed FROM colcrypt.connection_info()" | tail -n 1)"
# The refusal says what helps a client already on TLS: another address, or the setting.
out=$(tcp "sslmode=require" "SET colcrypt.allow_loopback_keys = off; SELECT colcrypt.gen_key()" || true)
grep -q "28000: colcrypt refuses client-supplied keys on a TLS connection from a loopback address .*: connect to the server's network address" <<<"$out" \
  || { echo "loopback refusal: $out"; exit 1; }

# verify-full: the right name connects; a certificate for another host name does not.
assert_eq "verify-full to localhost" 1 "$(as_postgres psql "host=localhost port=$P user=postgres dbname=postgres sslmode=verify-full sslrootcert=$CERTS/ca.crt" -X -At -c "SELECT 1")"
if out=$(as_postgres psql "host=db.example.com hostaddr=127.0.0.1 port=$P user=postgres dbname=postgres sslmode=verify-full sslrootcert=$CERTS/ca.crt" -X -At -c "SELECT 1" 2>&1); then
  echo "verify-full accepted a certificate for another host name"; exit 1
fi
grep -q "does not match host name" <<<"$out" || { echo "unexpected failure: $out"; exit 1; }

# Unix sockets: allowed where colcrypt.allow_unix_socket_keys is on (the test clusters turn it on; the default is off), refused when off.
assert_eq "unix socket" "unix socket|true" "$(sql "$C" postgres "SELECT transport || '|' || keys_allowed FROM colcrypt.connection_info()")"
expect_error "$C" postgres 28000 "Unix-socket" "SET colcrypt.allow_unix_socket_keys = off; SELECT colcrypt.gen_key()"

# Logs.
runuser -u postgres -- /usr/bin/python3 "$ROOT/tests/integration/tls_logs.py" localhost $P "$CERTS/ca.crt" "$C/server.log"
# Positive control: a literal key in SQL text does reach the log (the documented way to leak).
control=$(head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
tcp "sslmode=require" "SELECT length(colcrypt.encrypt('\\x01'::bytea, '\\x$control'::bytea))" >/dev/null
grep -q "$control" "$C/server.log" || { echo "control key not found in the log: the search is broken"; exit 1; }
cluster_stop "$C"
