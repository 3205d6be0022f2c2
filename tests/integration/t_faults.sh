# Faults: kill -9 of one backend and of the postmaster (and with it every backend) during a bulk
# insert and key rotations, of the postmaster during a re-encryption (a backend kill there is
# t_reencrypt_resume.sh), and a disk that fills up during a re-encryption. After
# recovery every committed value decrypts to what was written and nothing committed is lost.
set -euo pipefail
C="$RUN/faults"
keyed_cluster "$C" 55458
q() { sql "$C" postgres "$1"; }
restart() { kill_cluster "$C"; rm -f "$C/data/postmaster.pid"; cluster_start "$C"; }
# crash HOW: `postmaster` kills the whole server and starts it again; `backend` kills the backend
# running the workload (the postmaster then resets every session and recovers by itself).
crash() {
  if [ "$1" = postmaster ]; then restart; return; fi
  local pid; pid=$(q "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name = 'workload'")
  [ -n "$pid" ] || { echo "no workload backend to kill"; return 1; }
  kill -9 "$pid"
  sleep 1
  for _ in $(seq 1 100); do q "SELECT 1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "server did not recover after a backend was killed"; return 1
}
# workload FILE LOG: runs FILE in one session named `workload`, in the background.
workload() {
  chmod 644 "$1"; : >"$2"; chown postgres "$2"
  # psql flushes nothing until it exits; it exits when its server connection dies.
  ( PGAPPNAME=workload cluster_psql "$C" -d postgres -q -At -f "$1" >"$2" 2>&1 || true ) &
}
q "SELECT colcrypt.create_key('pii')" >/dev/null

# 1. Bulk insert in committed batches from one session; it dies in the middle.
bulk() {
  local how="$1"
  q "DROP TABLE IF EXISTS bulk; CREATE TABLE bulk (batch int, i int, v colcrypt.encrypted_text(pii))"
  for b in $(seq 1 300); do
    echo "INSERT INTO bulk SELECT $b, i, 'bulk $b/' || i FROM generate_series(1, 2000) i;"
    echo "\\echo committed $b"
  done >"$RUN/faults.bulk.sql"
  workload "$RUN/faults.bulk.sql" "$RUN/faults.bulk.log"
  for _ in $(seq 1 300); do [ "$(q "SELECT count(DISTINCT batch) FROM bulk")" -ge 20 ] && break; sleep 0.1; done
  crash "$how"
  wait
  local committed; committed=$(grep -c '^committed' "$RUN/faults.bulk.log" || true)
  echo "bulk insert, $how killed: $committed batches acknowledged before the crash"
  [ "$committed" -ge 20 ] && [ "$committed" -lt 300 ] || { echo "expected a crash part-way, got $committed batches"; return 1; }
  assert_eq "every acknowledged batch is complete and decrypts" "$committed" \
    "$(q "SELECT count(*) FROM (SELECT batch FROM bulk WHERE batch <= $committed AND v::text = 'bulk ' || batch || '/' || i GROUP BY batch HAVING count(*) = 2000) b")"
  assert_eq "no batch is partly there" 0 "$(q "SELECT count(*) FROM (SELECT batch FROM bulk GROUP BY batch HAVING count(*) <> 2000) b")"
}
bulk backend
bulk postmaster

# 2. Re-encryption with the postmaster killed part-way, then resumed.
q "CREATE TABLE re (id int PRIMARY KEY, v colcrypt.encrypted_text(pii))"
q "INSERT INTO re SELECT i, 'value ' || i FROM generate_series(1, 60000) i"
q "SELECT colcrypt.rotate_key('pii')" >/dev/null
notices="$RUN/faults.reenc"; : >"$notices"; chown postgres "$notices"
( as_postgres psql -X -h "$C/socket" -p 55458 -U postgres -d postgres -c "CALL colcrypt.reencrypt('re', 'v', 4)" >/dev/null 2>"$notices" || true ) &
for _ in $(seq 1 300); do [ "$(grep -c 'values done' "$notices")" -ge 10 ] && break; sleep 0.05; done
restart
wait
left=$(q "SELECT count(*) FROM re WHERE colcrypt.needs_reseal(v)")
echo "re-encryption: $left of 60000 values left on the old version after the crash"
[ "$left" -gt 0 ] && [ "$left" -lt 60000 ] || { echo "expected a partial re-encryption, $left left"; exit 1; }
assert_eq "every value reads after the crash" 60000 "$(q "SELECT count(*) FROM re WHERE v::text = 'value ' || id")"
q "CALL colcrypt.reencrypt('re', 'v')" >/dev/null 2>&1
assert_eq "resumed to the end" 0 "$(q "SELECT count(*) FROM re WHERE colcrypt.needs_reseal(v)")"
assert_eq "every value reads after resuming" 60000 "$(q "SELECT count(*) FROM re WHERE v::text = 'value ' || id")"

# 3. Key rotations and writes racing a crash: the key table stays consistent (one active
# version) and every committed value opens.
rotations() {
  local how="$1"
  q "DROP TABLE IF EXISTS rot; CREATE TABLE rot (n int, v colcrypt.encrypted_text(pii))"
  for n in $(seq 1 1000); do
    echo "SELECT colcrypt.rotate_key('pii');"
    echo "INSERT INTO rot VALUES ($n, 'rotation $n');"
    echo "\\echo committed $n"
  done >"$RUN/faults.rot.sql"
  workload "$RUN/faults.rot.sql" "$RUN/faults.rot.log"
  for _ in $(seq 1 300); do [ "$(q "SELECT count(*) FROM rot")" -ge 30 ] && break; sleep 0.05; done
  crash "$how"
  wait
  local rotated; rotated=$(grep -c '^committed' "$RUN/faults.rot.log" || true)
  echo "key rotation, $how killed: $rotated rotations acknowledged before the crash"
  [ "$rotated" -ge 30 ] && [ "$rotated" -lt 1000 ] || { echo "expected a crash part-way, got $rotated rotations"; return 1; }
  assert_eq "one active version of the key" 1 "$(q "SELECT count(*) FROM colcrypt.keys WHERE name = 'pii' AND state = 'active'")"
  assert_eq "every acknowledged value reads" "$rotated" "$(q "SELECT count(*) FROM rot WHERE n <= $rotated AND v::text = 'rotation ' || n")"
  assert_eq "every stored value reads" "$(q "SELECT count(*) FROM rot")" "$(q "SELECT count(*) FROM rot WHERE v::text = 'rotation ' || n")"
  q "INSERT INTO rot VALUES (0, 'after the crash')"
  assert_eq "writes continue under the newest version" "after the crash" "$(q "SELECT v FROM rot WHERE n = 0")"
}
rotations backend
rotations postmaster

# 4. Disk full during a re-encryption: the table lives in a tablespace on a small tmpfs.
T="$RUN/faults-tmpfs"
mkdir -p "$T"
mount -t tmpfs -o size=6m tmpfs "$T"
trap 'cluster_stop "$C"; umount -l "$T" 2>/dev/null || true' EXIT
chown postgres:postgres "$T"
q "CREATE TABLESPACE small LOCATION '$T'"
q "CREATE TABLE full_t (id int, v colcrypt.encrypted_text(pii)) TABLESPACE small"
q "INSERT INTO full_t SELECT i, 'full ' || i || repeat('.', 20) FROM generate_series(1, 25000) i"
echo "disk full: table is $(q "SELECT pg_size_pretty(pg_relation_size('full_t'))") on a 6 MB tmpfs"
q "SELECT colcrypt.rotate_key('pii')" >/dev/null
expect_error "$C" postgres 53100 "No space left on device|could not extend" "CALL colcrypt.reencrypt('full_t', 'v', 16)"
moved=$(q "SELECT count(*) FROM full_t WHERE NOT colcrypt.needs_reseal(v)")
echo "disk full: $moved of 25000 values moved before the disk filled"
assert_eq "no row lost" 25000 "$(q "SELECT count(*) FROM full_t")"
assert_eq "every value reads after the failed batch" 25000 "$(q "SELECT count(*) FROM full_t WHERE v::text = 'full ' || id || repeat('.', 20)")"
# Room again (as after an operator frees space): the re-encryption resumes and completes.
mount -o remount,size=64m "$T"
q "CALL colcrypt.reencrypt('full_t', 'v')" >/dev/null 2>&1
assert_eq "resumed to the end" 0 "$(q "SELECT count(*) FROM full_t WHERE colcrypt.needs_reseal(v)")"
assert_eq "every value reads" 25000 "$(q "SELECT count(*) FROM full_t WHERE v::text = 'full ' || id || repeat('.', 20)")"
q "DROP TABLE full_t"
q "DROP TABLESPACE small"
cluster_stop "$C"
umount "$T"
trap - EXIT
