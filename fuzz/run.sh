#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer's coverage instrumentation on stable Rust (the flags
# cargo-fuzz passes with `--sanitizer none`; AddressSanitizer needs nightly, and the targets are
# safe Rust) and runs each for SECONDS from a corpus seeded with the spec's vectors.
#   bash fuzz/run.sh [SECONDS] [TARGET...]      (make fuzz: 10 minutes per target)
# Findings (inputs that crash) are written to fuzz/artifacts/TARGET/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET="${1:-30}"; shift || true
TARGETS=("$@"); [ ${#TARGETS[@]} -gt 0 ] || TARGETS=(envelope_open key_parsing jsonb_container)
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# An explicit --target keeps the instrumentation flags off build scripts and proc macros.
HOST="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --locked -q --bins --target "$HOST"
TRIPLE_DIR="$CARGO_TARGET_DIR/$HOST/release"

# Seeds: every envelope of the vector files, with its context in front as the targets expect.
seed_corpus() {
  local dir="corpus/$1"; mkdir -p "$dir"
  python3 - "$dir" <<'PY'
import hashlib, json, pathlib, sys
out = pathlib.Path(sys.argv[1])
root = pathlib.Path("../crates/core/tests/vectors")
for name in ("v1.json", "v1-invalid.json"):
    for v in json.loads((root / name).read_text()):
        ctx = (v.get("context") or "").encode()
        data = bytes([min(len(ctx), 255)]) + ctx[:255] + bytes.fromhex(v["envelope"])
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
(out / "master-key-text").write_bytes(b"  " + b"ab" * 32 + b"\n")
# The jsonb containers PostgreSQL wrote (the core's tests hold them as hex).
import re
for h in re.findall(r'^    \("([0-9a-f]+)", ', (root / "../jsonb_binary.rs").read_text(), re.M):
    (out / ("jsonb-" + h[:40])).write_bytes(bytes.fromhex(h))
PY
}

for t in "${TARGETS[@]}"; do
  seed_corpus "$t"
  mkdir -p "artifacts/$t"
  echo "fuzz: $t for ${SECONDS_PER_TARGET}s"
  "$TRIPLE_DIR/$t" "corpus/$t" -max_total_time="$SECONDS_PER_TARGET" -artifact_prefix="artifacts/$t/" \
    -print_final_stats=1 -max_len=4096 2>"artifacts/$t.log" || { tail -n 40 "artifacts/$t.log"; exit 1; }
  grep -E "^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)|^Done" "artifacts/$t.log" | tr '\n' ' '; echo
  grep -E "cov: [0-9]+" -o "artifacts/$t.log" | tail -n 1
done
