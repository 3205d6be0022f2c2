#!/usr/bin/env bash
# Per-value cost of what drivers send (issue 13), with pgbench -M prepared, one client, each
# script against a plain `text` table in the same run:
#   INSERT with an untyped parameter (typed text by colcrypt after parse analysis, so sealed once:
#   src/param_types.rs), with a text-typed parameter (sealed once), and the path untyped
#   parameters took before, still taken by one the cast does not take directly (`VALUES ((SELECT
#   $1::colcrypt.encrypted_text))`: sealed under __transient, opened and sealed under the column's
#   key), against the same subquery with a text-typed parameter,
#   lookup on a searchable UNIQUE column with an untyped parameter, with a text-typed parameter
#   (cross-type operator, through the blind index), and the workaround drivers forced before,
#   `ssn::text = $1` (decrypts every row).
# Writes bench/results/driver_params.md. PGBENCH_SECONDS (default 10), ROWS (default 100000),
# PROFILE=dev to measure a dev build instead of the release build users install.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/cluster.sh"
source "$ROOT/bench/lib.sh"
ROWS="${ROWS:-100000}"
SECS="${PGBENCH_SECONDS:-10}"
PORT="${COLCRYPT_BENCH_PORT:-55436}"
bench_install
BENCH_ON_EXIT='tail -5 "$RUN/pgbench.err" 2>/dev/null >&2'
bench_run_dir params
bench_cluster "$PORT" "shared_buffers = 256MB" "max_parallel_workers_per_gather = 0" "jit = off"
q() { cluster_psql "$RUN/cluster" -d postgres -Atq "$@"; }
q <<SQL
CREATE EXTENSION colcrypt;
SELECT colcrypt.create_key('bench');
CREATE TABLE plain_t (id bigserial PRIMARY KEY, ssn text UNIQUE);
CREATE TABLE enc_t (id bigserial PRIMARY KEY, ssn colcrypt.encrypted_text(bench, searchable) UNIQUE);
INSERT INTO plain_t (ssn) SELECT 'ssn-' || i FROM generate_series(1, $ROWS) i;
INSERT INTO enc_t (ssn) SELECT 'ssn-' || i FROM generate_series(1, $ROWS) i;
-- INSERTs go to tables without a unique index, so random values never collide.
CREATE TABLE plain_ins (id bigserial, ssn text);
CREATE TABLE enc_ins (id bigserial, ssn colcrypt.encrypted_text(bench, searchable));
VACUUM ANALYZE;
SQL
mkdir -p "$RUN/s"
w() { printf '%s\n' "$2" >"$RUN/s/$1.sql"; }
w ins_untyped      "\\set v random(1, 1000000000)
INSERT INTO enc_ins (ssn) VALUES (:v);"
w ins_plain_param  "\\set v random(1, 1000000000)
INSERT INTO plain_ins (ssn) VALUES (:v);"
w ins_typed        "\\set v random(1, 1000000000)
INSERT INTO enc_ins (ssn) VALUES (:v::text);"
w ins_transient    "\\set v random(1, 1000000000)
INSERT INTO enc_ins (ssn) VALUES ((SELECT :v::colcrypt.encrypted_text));"
w ins_typed_ret    "\\set v random(1, 1000000000)
INSERT INTO enc_ins (ssn) VALUES ((SELECT :v::text));"
w get_plain        "\\set i random(1, $ROWS)
SELECT id FROM plain_t WHERE ssn = 'ssn-' || :i;"
w get_untyped      "\\set i random(1, $ROWS)
SELECT id FROM enc_t WHERE ssn = ('ssn-' || :i)::colcrypt.encrypted_text;"
w get_typed        "\\set i random(1, $ROWS)
SELECT id FROM enc_t WHERE ssn = 'ssn-' || :i;"
w get_decrypt_all  "\\set i random(1, $ROWS)
SELECT id FROM enc_t WHERE ssn::text = 'ssn-' || :i;"
lat() { # script [seconds]: mean latency in µs
  as_postgres pgbench -n -M prepared -c 1 -T "${2:-$SECS}" -f "$RUN/s/$1.sql" -h "$RUN/cluster/socket" -p "$PORT" -U postgres postgres 2>>"$RUN/pgbench.err" \
    | sed -nE 's/^latency average = ([0-9.]+) ms.*/\1/p' | awk '{printf "%.0f", $1 * 1000}'
}
# Rounds interleave the scripts (median of three), so that a machine busier during one script
# than during another does not decide a ratio.
declare -A L R
SCRIPTS=(ins_plain_param ins_untyped ins_typed ins_transient ins_typed_ret get_plain get_untyped get_typed)
for round in 1 2 3; do
  for s in "${SCRIPTS[@]}"; do R[$s]="${R[$s]:-} $(lat "$s" "$(( (SECS + 2) / 3 ))")"; done
done
for s in "${SCRIPTS[@]}"; do L[$s]=$(tr ' ' '\n' <<<"${R[$s]}" | grep . | sort -n | sed -n 2p); done
# Decrypting every row is slow: a short run, and fewer rows would flatter it.
L[get_decrypt_all]=$(lat get_decrypt_all 5)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
explain=$(q -c "EXPLAIN (COSTS OFF) SELECT id FROM enc_t WHERE ssn = 'ssn-1'::text" | tr '\n' ' ')
mkdir -p "$ROOT/bench/results"
{
  echo "# Parameters as drivers send them (bench/driver_params.sh, ${PROFILE:-release} build, $ROWS rows, pgbench -M prepared, 1 client, median of 3 interleaved rounds of $(( (SECS + 2) / 3 )) s per script)"
  echo
  echo "| statement | mean latency µs | ÷ plain text |"
  echo "|---|---|---|"
  echo "| INSERT, parameter into text column | ${L[ins_plain_param]} | 1.00 |"
  echo "| INSERT, untyped parameter (typed text by colcrypt: one seal) | ${L[ins_untyped]} | $(ratio "${L[ins_untyped]}" "${L[ins_plain_param]}") |"
  echo "| INSERT, text-typed parameter (one seal) | ${L[ins_typed]} | $(ratio "${L[ins_typed]}" "${L[ins_plain_param]}") |"
  echo "| INSERT of a subquery's encrypted_text parameter (via __transient: two seals, one open) | ${L[ins_transient]} | $(ratio "${L[ins_transient]}" "${L[ins_plain_param]}") |"
  echo "| INSERT of a subquery's text parameter (one seal) | ${L[ins_typed_ret]} | $(ratio "${L[ins_typed_ret]}" "${L[ins_plain_param]}") |"
  echo "| lookup, text column, UNIQUE index | ${L[get_plain]} | 1.00 |"
  echo "| lookup, searchable, encrypted_text parameter | ${L[get_untyped]} | $(ratio "${L[get_untyped]}" "${L[get_plain]}") |"
  echo "| lookup, searchable, text-typed parameter | ${L[get_typed]} | $(ratio "${L[get_typed]}" "${L[get_plain]}") |"
  echo "| lookup, \`ssn::text = \$1\` (what drivers needed before) | ${L[get_decrypt_all]} | $(ratio "${L[get_decrypt_all]}" "${L[get_plain]}") |"
  echo
  echo "Plan of the text-typed lookup: \`$explain\`"
} | tee "$ROOT/bench/results/driver_params.md"
