#!/usr/bin/env bash
# bench/ab/ab.sh ROUNDS 'SQL' ['SQL run untimed before each round']: median wall time (ms) of SQL on
# the clusters $AB_DIR/base and $AB_DIR/new (bench/ab/start.sh), the two interleaved round by
# round, so that load from other processes falls on both alike. Without a before-statement each
# round runs SQL once untimed (warm-up), then timed.
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/cluster.sh"
AB_DIR="${AB_DIR:-/tmp/colcrypt-ab}"; R=$1; S=$2; B=${3:-}
one() {
  cluster_psql "$1" -d postgres -Atq -c "${B:-$S}" -c '\timing on' -c "$S" | grep '^Time' | awk '{print $2}'
}
A=(); N=()
for ((i = 0; i < R; i++)); do A+=("$(one "$AB_DIR/base/cluster")"); N+=("$(one "$AB_DIR/new/cluster")"); done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
ma=$(med "${A[@]}"); mn=$(med "${N[@]}")
printf '%-70.70s base %8.1f  new %8.1f  new/base %.2f\n' "$S" "$ma" "$mn" "$(awk -v a="$ma" -v b="$mn" 'BEGIN {print b / a}')"
