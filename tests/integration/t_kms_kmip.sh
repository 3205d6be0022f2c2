# The master key from a KMIP key manager (issue 18): a PyKMIP reference server with its own TLS
# certificates and client-certificate authentication, scripts/kmip-master-key as
# colcrypt.master_key_command. Checks: the server starts and serves encrypted columns; with the
# KMIP server down, or hung, it starts anyway and key operations fail with 55000; rotation to a
# new KMIP key object works online (reload + rotate_master_key). Measures the server start time.
set -euo pipefail
source "$ROOT/scripts/tls.sh"
KMIP_PY=/opt/colcrypt-kmip/bin/python3
[ -x "$KMIP_PY" ] || { echo "pykmip is not installed (scripts/setup.sh installs it)"; exit 1; }
C="$RUN/kmskmip"; KD="$RUN/kmskmip-kmip"; KPORT=55696
mkdir -p "$KD"

# Certificates: a CA, the KMIP server's certificate and the client certificate colcrypt uses.
make_tls "$KD/tls" 127.0.0.1
(
  cd "$KD/tls"
  openssl req -new -nodes -subj "/CN=colcrypt" -keyout client.key -out client.csr >/dev/null 2>&1
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >client.ext
  openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile client.ext -out client.crt >/dev/null 2>&1
  rm -f client.csr client.ext ca.srl
)
# The client side belongs to postgres, who runs the key command; nobody else reads its key.
chown postgres:postgres "$KD/tls/client.key" "$KD/tls/client.crt"; chmod 600 "$KD/tls/client.key"
cat >"$KD/server.conf" <<CONF
[server]
hostname=127.0.0.1
port=$KPORT
certificate_path=$KD/tls/server.crt
key_path=$KD/tls/server.key
ca_path=$KD/tls/ca.crt
auth_suite=TLS1.2
enable_tls_client_auth=True
database_path=$KD/kmip.db
logging_level=INFO
CONF
cat >"$KD/client.conf" <<CONF
[kmip]
host=127.0.0.1
port=$KPORT
certfile=$KD/tls/client.crt
keyfile=$KD/tls/client.key
ca_certs=$KD/tls/ca.crt
timeout=10
CONF
chown postgres:postgres "$KD/client.conf"; chmod 600 "$KD/client.conf"
KMIP_PID=""
kmip_start() {
  "$KMIP_PY" -W ignore /opt/colcrypt-kmip/bin/pykmip-server -f "$KD/server.conf" -l "$KD/server.log" >>"$KD/server.out" 2>&1 &
  KMIP_PID=$!
  for _ in $(seq 1 100); do
    grep -q "Starting connection service" "$KD/server.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "the PyKMIP server did not start"; cat "$KD/server.out"; return 1
}
kmip_stop() {
  [ -n "$KMIP_PID" ] || return 0
  kill -CONT "$KMIP_PID" 2>/dev/null || true
  kill "$KMIP_PID" 2>/dev/null || true; wait "$KMIP_PID" 2>/dev/null || true; KMIP_PID=""
  : >"$KD/server.log"
}
trap kmip_stop EXIT
kmip() { as_postgres "$ROOT/scripts/kmip-master-key" "$@" --config "$KD/client.conf"; }
kmip_start
uid1=$(kmip create)
kmip get "$uid1" | grep -qE '^[0-9a-f]{64}$'
cmd() { echo "colcrypt.master_key_command = '$ROOT/scripts/kmip-master-key get --config $KD/client.conf $1'"; }

cluster_init "$C" 55472 "$(cmd "$uid1")" "colcrypt.master_key_command_timeout = 5"
start=$(date +%s%N); cluster_start "$C"; ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "server start with the KMIP key command: ${ms} ms"
grep -oE "colcrypt.master_key_command finished in [0-9]+ ms \(exit status 0" "$C/server.log" | sed 's/^/  /'
q() { sql "$C" postgres "$1"; }
key_id() { q "SELECT coalesce(key_id, 'none') FROM colcrypt.master_key_info() WHERE which = '$1'"; }
q "CREATE EXTENSION colcrypt" >/dev/null
assert_eq "KMIP key loaded" "t command" "$(q "SELECT loaded || ' ' || source FROM colcrypt.master_key_info() WHERE which = 'current'" | sed 's/^true/t/')"
q "SELECT colcrypt.create_key('pii')" >/dev/null
q "CREATE TABLE people (id int, ssn colcrypt.encrypted_text(pii))"
q "INSERT INTO people SELECT i, 'ssn-' || i FROM generate_series(1, 500) i"
readable() { q "SELECT count(*) FROM people WHERE ssn::text = 'ssn-' || id"; }
assert_eq "encrypted column served under the KMIP key" 500 "$(readable)"
id1=$(key_id current)

# The KMIP server down: the database starts anyway; key operations fail with 55000.
kmip_stop
cluster_stop "$C"; cluster_start "$C"
assert_eq "unencrypted queries work" 1 "$(q "SELECT 1")"
expect_error "$C" postgres 55000 "colcrypt.master_key_command failed \(exit status 1" "SELECT ssn::text FROM people LIMIT 1"
expect_error "$C" postgres 55000 "colcrypt.master_key_command" "SELECT colcrypt.create_key('more')"
grep -q "WARNING:  colcrypt: no master key: colcrypt.master_key_command failed" "$C/server.log"

# The KMIP server hung (accepts connections, never answers, as in a partition): the time limit.
kmip_start
kill -STOP "$KMIP_PID"
cluster_stop "$C"
start=$(date +%s%N); cluster_start "$C"; ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "server start with a hung KMIP server and a 5 s limit: ${ms} ms"
expect_error "$C" postgres 55000 "did not finish within colcrypt.master_key_command_timeout \(5 s\)" "SELECT ssn::text FROM people LIMIT 1"
kill -CONT "$KMIP_PID"

# The KMIP server back, then a reload (no restart) loads the key. The limit goes back up from the
# 5 s the hung-server check needed: a loaded machine (CI beside other work) can take seconds to
# start the Python KMIP client.
sed -i 's/^colcrypt.master_key_command_timeout = 5$/colcrypt.master_key_command_timeout = 60/' "$C/data/postgresql.conf"
q "SELECT pg_reload_conf()" >/dev/null
for _ in $(seq 1 50); do [ "$(key_id current)" = "$id1" ] && break; sleep 0.1; done
assert_eq "key back after a reload" "$id1" "$(key_id current)"
assert_eq "readable again" 500 "$(readable)"

# Online rotation to a new KMIP key object: previous = old object, current = new, reload,
# rotate_master_key(), drop previous, reload. No restart.
# 4 pgbench clients read the encrypted column throughout; they hold the data key unwrapped.
uid2=$(kmip create)
printf '%s\n' '\set i random(1, 500)' "SELECT ssn::text = 'ssn-' || id FROM people WHERE id = :i;" >"$RUN/kmskmip.pgbench"
chown postgres "$RUN/kmskmip.pgbench"
as_postgres "$PG_BINDIR/pgbench" -n -h "$C/socket" -p 55472 -U postgres -c 4 -j 2 -T 12 -f "$RUN/kmskmip.pgbench" postgres \
  >"$RUN/kmskmip.pgbench.out" 2>&1 &
bench=$!
sleep 2
mark=$(wc -l <"$C/server.log")
sed -i '/^colcrypt.master_key_command = /d' "$C/data/postgresql.conf"
{ cmd "$uid2"; cmd "$uid1" | sed 's/^colcrypt.master_key_command/colcrypt.previous_master_key_command/'; } >>"$C/data/postgresql.conf"
q "SELECT pg_reload_conf()" >/dev/null
# Each check is a new session, which runs the key commands itself: wait for both keys.
for _ in $(seq 1 100); do
  [ "$(key_id previous)" = "$id1" ] && id2=$(key_id current) && [ "$id2" != "$id1" ] && [ "$id2" != none ] && break
  sleep 0.2
done
assert_eq "previous is the old KMIP key" "$id1" "$(key_id previous)"
id2=$(key_id current)
[ "$id2" != "$id1" ] && [ "$id2" != none ] || { echo "the new KMIP key was not loaded ($id2)"; exit 1; }
assert_eq "readable mid-rotation" 500 "$(readable)"
n=$(q "SELECT colcrypt.rotate_master_key()")
t2=$(date +%s%N)
[ "$n" -ge 2 ] || { echo "rotate_master_key re-wrapped only $n keys"; exit 1; }
# Each pgbench backend, its data keys invalidated by the rotation, runs the KMIP command once.
loaded_new() { tail -n +"$mark" "$C/server.log" | grep "colcrypt: master key loaded (key id $id2)" | grep -oE '\[[0-9]+\]' | sort -u | wc -l; }
for _ in $(seq 1 200); do [ "$(loaded_new)" -ge 5 ] && break; sleep 0.05; done
[ "$(loaded_new)" -ge 5 ] || { echo "only $(loaded_new) processes loaded the new KMIP key"; exit 1; }
echo "all 4 pgbench backends loaded the new KMIP key $(( ($(date +%s%N) - t2) / 1000000 )) ms after rotate_master_key() returned"
wait "$bench" || { echo "pgbench failed across the KMIP rotation:"; cat "$RUN/kmskmip.pgbench.out"; exit 1; }
if grep -qiE "error|abort" "$RUN/kmskmip.pgbench.out"; then cat "$RUN/kmskmip.pgbench.out"; exit 1; fi
grep -E "^number of transactions actually processed|^latency average" "$RUN/kmskmip.pgbench.out" | sed 's/^/pgbench across the KMIP rotation: /'
sed -i '/^colcrypt.previous_master_key_command/d' "$C/data/postgresql.conf"
q "SELECT pg_reload_conf()" >/dev/null
for _ in $(seq 1 50); do [ "$(key_id previous)" = none ] && break; sleep 0.1; done
assert_eq "previous dropped" none "$(key_id previous)"
assert_eq "readable under the new KMIP key alone" 500 "$(readable)"
q "INSERT INTO people VALUES (501, 'ssn-501')"
cluster_stop "$C"; cluster_start "$C"
assert_eq "readable after a restart" 501 "$(readable)"
for u in "$uid1" "$uid2"; do
  if grep -qi "$(kmip get "$u")" "$C/server.log"; then echo "a KMIP key reached the server log"; exit 1; fi
done
cluster_stop "$C"
