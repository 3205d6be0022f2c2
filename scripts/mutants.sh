#!/usr/bin/env bash
# `make mutants`: mutation testing of crates/core and crates/client with cargo-mutants. Every
# viable mutant (a small injected bug: a constant result, a flipped comparison, a dropped `!`)
# must make a test fail, unless it is listed, with the reason it cannot matter, in
# mutants-accepted.txt. Fails on any other surviving ("missed") mutant.
#
#   MUTANTS_JOBS=N        parallel builds (default 1: two cores are shared with everything else)
#   MUTANTS_BASE=<ref>    only mutants in lines changed since <ref> (cargo mutants --in-diff)
#   MUTANTS_PACKAGES=...  space-separated packages (default: colcrypt-core colcrypt-client)
#   MUTANTS_OUT=DIR       where mutants.out/ goes (default .test-run/mutants)
#
# Settings for every cargo-mutants run (the unoptimised core build, the test timeout) are in
# .cargo/mutants.toml. Timeouts count as caught (a hanging test suite does not pass) and are listed.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_MUTANTS_VERSION=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -q "$CARGO_MUTANTS_VERSION"; then
  echo "mutants: installing cargo-mutants $CARGO_MUTANTS_VERSION (a few minutes on two cores)"
  cargo install cargo-mutants --version "$CARGO_MUTANTS_VERSION" --locked
fi

ACCEPTED=mutants-accepted.txt
OUT="${MUTANTS_OUT:-.test-run/mutants}"
read -r -a packages <<<"${MUTANTS_PACKAGES:-colcrypt-core colcrypt-client}"
mkdir -p "$OUT"

args=(--no-shuffle -j "${MUTANTS_JOBS:-1}" -o "$OUT")
for p in "${packages[@]}"; do args+=(-p "$p"); done
if [ -n "${MUTANTS_BASE:-}" ]; then
  git diff "$MUTANTS_BASE" -- crates/core/src crates/client/src >"$OUT/base.diff"
  if [ ! -s "$OUT/base.diff" ]; then
    echo "mutants: no change in crates/core/src or crates/client/src since $MUTANTS_BASE"
    exit 0
  fi
  args+=(--in-diff "$OUT/base.diff")
fi

t0=$(date +%s)
echo "mutants: cargo mutants ${args[*]}"
set +e
cargo mutants "${args[@]}"
rc=$?
set -e
secs=$(( $(date +%s) - t0 ))
# 0: all caught; 2: some missed; 3: some timed out. Anything else (1 usage, 4 the unmutated
# tree fails its tests) is an error of the run itself.
if [ "$rc" != 0 ] && [ "$rc" != 2 ] && [ "$rc" != 3 ]; then
  echo "mutants: cargo mutants failed (exit $rc); see $OUT/mutants.out/debug.log"
  exit 1
fi

python3 - "$OUT/mutants.out" "$ACCEPTED" "$secs" "${MUTANTS_BASE:-}" "${packages[*]}" <<'EOF'
import json, os, re, sys
from collections import Counter, defaultdict

out, accepted_file, secs, base = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
# colcrypt-core -> crates/core/: the sources whose accepted entries this run can confirm.
tested_dirs = tuple("crates/" + p.removeprefix("colcrypt-") + "/" for p in sys.argv[5].split())

# mutants-accepted.txt: "<mutant as cargo mutants prints it, without :line:col> # <why it cannot
# matter>". Line numbers move with every edit, so they are not part of the match; a description
# that occurs more than once (two `>` in one function) is accepted as many times as it is listed.
accepted, allowed = {}, Counter()
for n, line in enumerate(open(accepted_file, encoding="utf-8"), 1):
    line = line.rstrip("\n")
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    name, sep, reason = line.partition(" # ")
    if not sep or not reason.strip():
        sys.exit(f"{accepted_file}:{n}: needs ' # ' and a reason: {line}")
    accepted[name.strip()] = reason.strip()
    allowed[name.strip()] += 1

def read(name):
    path = os.path.join(out, name)
    return [l.rstrip("\n") for l in open(path, encoding="utf-8") if l.strip()] if os.path.exists(path) else []

missed, timeouts = read("missed.txt"), read("timeout.txt")

# Per-crate counts from outcomes.json.
counts = defaultdict(Counter)
summary = {"CaughtMutant": "caught", "MissedMutant": "missed", "Unviable": "unviable", "Timeout": "timeout"}
for o in json.load(open(os.path.join(out, "outcomes.json")))["outcomes"]:
    scen = o.get("scenario")
    if not isinstance(scen, dict) or "Mutant" not in scen:
        continue
    crate = scen["Mutant"]["package"]
    counts[crate][summary.get(o.get("summary"), str(o.get("summary")))] += 1
for crate in sorted(counts):
    c = counts[crate]
    print(f"mutants: {crate}: {sum(c.values())} mutants, {c['caught']} caught, {c['missed']} missed, "
          f"{c['unviable']} unviable, {c['timeout']} timeout")
for t in timeouts:
    print(f"mutants: timeout (counted as caught): {t}")

def strip(m):
    return re.sub(r"^(\S+?\.rs):\d+:\d+: ", r"\1: ", m)

unexpected, used = [], Counter()
for m in missed:
    key = strip(m)
    used[key] += 1
    if used[key] <= allowed[key]:
        print(f"mutants: accepted survivor: {m}  ({accepted[key]})")
    else:
        unexpected.append(m)
if not base:
    stale = sorted(k for k in allowed if used[k] < allowed[k] and k.startswith(tested_dirs))
    for s in stale:
        print(f"mutants: note: accepted but no longer surviving (remove it from {accepted_file}): {s}")
print(f"mutants: run took {secs}s")
if unexpected:
    print(f"mutants: FAILED: {len(unexpected)} surviving mutant(s) no test catches. Add a test that "
          f"fails for each, or, if it cannot matter, list it in {accepted_file} with the reason:")
    for m in unexpected:
        print(f"  {m}")
    sys.exit(1)
print("mutants: passed: every surviving mutant is accepted with a reason")
EOF
