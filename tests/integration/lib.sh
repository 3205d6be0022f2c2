# Helpers for integration tests (sourced by run.sh; scripts/cluster.sh is loaded too).

# sql DIR DB SQL: one statement, tuples only, unaligned.
sql() { cluster_psql "$1" -d "$2" -At -c "$3"; }

# expect_error DIR DB SQLSTATE PATTERN SQL: the statement must fail with SQLSTATE and a message
# matching the extended regex PATTERN.
expect_error() {
  local dir="$1" db="$2" state="$3" pattern="$4" stmt="$5" out
  if out=$(cluster_psql "$dir" -d "$db" -At -v VERBOSITY=verbose -c "$stmt" 2>&1); then
    echo "expected $state from: $stmt; it succeeded with: $out"; return 1
  fi
  if ! grep -q "ERROR:  $state:" <<<"$out" || ! grep -Eq "$pattern" <<<"$out"; then
    echo "expected $state /$pattern/ from: $stmt; got: $out"; return 1
  fi
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
  if [ "$2" != "$3" ]; then echo "$1: expected [$2], got [$3]"; return 1; fi
}

# kill_cluster DIR: SIGKILL the postmaster and every process of the cluster, as a crash would.
kill_cluster() {
  local pid
  pid=$(head -n 1 "$1/data/postmaster.pid")
  pkill -9 -P "$pid" || true
  kill -9 "$pid" || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  while pgrep -P "$pid" >/dev/null 2>&1; do sleep 0.1; done
}

# wait_for DIR DB SQL: polls until SQL returns 't' (10 s at most).
wait_for() {
  for _ in $(seq 1 100); do
    [ "$(sql "$1" "$2" "$3" 2>/dev/null)" = t ] && return 0
    sleep 0.1
  done
  echo "timed out waiting for: $3"; return 1
}

# keyed_cluster DIR PORT [conf lines...]: a running cluster with its own master key (in
# DIR-keys/, outside the data directory) and colcrypt created in database postgres.
keyed_cluster() {
  local dir="$1" port="$2"; shift 2
  make_master_key "$dir-keys/master.key"
  cluster_init "$dir" "$port" "colcrypt.master_key_file = '$dir-keys/master.key'" "$@"
  cluster_start "$dir"
  sql "$dir" postgres "CREATE EXTENSION colcrypt" >/dev/null
}

# keyed_clusters KEYFILE DIR PORT [DIR PORT ...]: running clusters that share one new master key
# (KEYFILE, outside every data directory), so a dump of one restores into another as it is.
keyed_clusters() {
  local key="$1"; shift
  make_master_key "$key"
  local args=("$@")
  for ((i = 0; i < ${#args[@]}; i += 2)); do
    cluster_init "${args[i]}" "${args[i + 1]}" "colcrypt.master_key_file = '$key'" "max_connections = 40"
  done
  for ((i = 0; i < ${#args[@]}; i += 2)); do cluster_start "${args[i]}"; done
}
