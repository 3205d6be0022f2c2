# Shared by the bench scripts: the build they measure and the cluster they measure it in.
# Source after scripts/cluster.sh, with ROOT set.

# bench_install: installs the build to measure: the release build users install, or the dev
# build under PROFILE=dev; INSTALL=0 measures what is installed now.
bench_install() {
  [ "${INSTALL:-1}" = 1 ] || return 0
  if [ "${PROFILE:-release}" = release ]; then bash "$ROOT/scripts/install-extension.sh" --release; else bash "$ROOT/scripts/install-extension.sh"; fi
}

# bench_run_dir NAME: RUN, a new directory removed (with its cluster, and after BENCH_ON_EXIT
# runs) when the script exits.
bench_run_dir() {
  RUN="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-bench-$1.XXXXXX")"; chmod 755 "$RUN"
  trap 'eval "${BENCH_ON_EXIT:-}"; cluster_stop "$RUN/cluster"; rm -rf "$RUN"' EXIT
}

# bench_cluster PORT [conf lines...]: a running cluster at $RUN/cluster with its own master key
# (in $RUN/keys) and colcrypt preloaded.
bench_cluster() {
  local port="$1"; shift
  make_master_key "$RUN/keys/master.key"
  cluster_init "$RUN/cluster" "$port" "colcrypt.master_key_file = '$RUN/keys/master.key'" "$@"
  cluster_start "$RUN/cluster"
}
