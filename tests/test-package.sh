#!/usr/bin/env bash
# `make test-package`: builds the .deb (scripts/package.sh, release build) and installs it into a
# private copy of the PostgreSQL installation under $RUN (dpkg-deb -x: the system PostgreSQL, which
# other sessions use, is never touched), then starts a server from the copy and checks CREATE
# EXTENSION, an encrypted round trip, and that the library it loaded is the release build.
# DEB=path skips the build and tests that package. Port 55522. KEEP=1 keeps the run directory.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PORT=55522
SYS_PG_CONFIG="${PG_CONFIG:-$(command -v pg_config)}"
major=$("$SYS_PG_CONFIG" --version | sed -nE 's/^PostgreSQL ([0-9]+).*/\1/p')
version=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ -z "${DEB:-}" ]; then
  s=$(date +%s)
  DEB=$(bash scripts/package.sh --pg-config "$SYS_PG_CONFIG" | tail -n 1)
  echo "package built in $(( $(date +%s) - s ))s: $DEB ($(stat -c %s "$DEB") bytes)"
fi
[ -f "$DEB" ] || fail "no package at $DEB"

# The package's metadata and contents.
info=$(dpkg-deb --field "$DEB" Package Version Depends)
echo "$info"
grep -qx "Package: postgresql-$major-colcrypt" <<<"$info" || fail "package name"
grep -qx "Version: $version-1" <<<"$info" || fail "package version"
grep -Eq "^Depends: postgresql-$major(,|$)" <<<"$info" || fail "Depends lacks postgresql-$major"
contents=$(dpkg-deb --contents "$DEB" | awk '{print $6}')
for f in "./usr/lib/postgresql/$major/lib/colcrypt.so" "./usr/share/postgresql/$major/extension/colcrypt.control" \
         "./usr/share/postgresql/$major/extension/colcrypt--$version.sql" \
         "./usr/share/postgresql/$major/extension/colcrypt--0.1.0--$version.sql"; do
  grep -qxF "$f" <<<"$contents" || fail "the package lacks $f"
done

RUN="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-package.XXXXXX")"
chmod 755 "$RUN"
trap '[ "${KEEP:-}" = 1 ] && echo "kept $RUN" || rm -rf "$RUN"' EXIT
PRIV="$RUN/root"
source "$ROOT/scripts/private-pg.sh"
private_pg_copy "$PRIV" "$SYS_PG_CONFIG"
# The package's files go where dpkg -i puts them on Debian (/usr/lib/postgresql/N/lib,
# /usr/share/postgresql/N/extension); here into the copy's own directories, which are those for a
# copy of Debian's installation, so an installation with another layout (PostgreSQL 18 from
# setup-pg18.sh: PG_CONFIG=… bash tests/test-package.sh) is tested the same way.
dpkg-deb -x "$DEB" "$RUN/deb"
install -m 755 "$RUN/deb/usr/lib/postgresql/$major/lib/colcrypt.so" "$(pg_config --pkglibdir)/"
install -m 644 "$RUN/deb/usr/share/postgresql/$major/extension/"colcrypt* "$(pg_config --sharedir)/extension/"
LIB="$(pg_config --pkglibdir)/colcrypt.so"
[ -f "$LIB" ] || fail "the package did not put colcrypt.so in the copy's $(pg_config --pkglibdir)"

source "$ROOT/scripts/cluster.sh"
source "$ROOT/tests/integration/lib.sh"
C="$RUN/cluster"
trap 'cluster_stop "$C"; [ "${KEEP:-}" = 1 ] && echo "kept $RUN" || rm -rf "$RUN"' EXIT
make_master_key "$RUN/keys/master.key"
cluster_init "$C" "$PORT" "colcrypt.master_key_file = '$RUN/keys/master.key'"
cluster_start "$C"
sql "$C" postgres "CREATE EXTENSION colcrypt" >/dev/null
assert_eq "installed version" "$version" "$(sql "$C" postgres "SELECT extversion FROM pg_extension WHERE extname = 'colcrypt'")"
sql "$C" postgres "SELECT colcrypt.create_key('pii')" >/dev/null
sql "$C" postgres "CREATE TABLE p (id int, ssn colcrypt.encrypted_text(pii, searchable), n colcrypt.encrypted_numeric(pii))" >/dev/null
sql "$C" postgres "INSERT INTO p VALUES (1, 'package canary 123-45-6789', 12.50)" >/dev/null
assert_eq "round trip" "package canary 123-45-6789|12.50" "$(sql "$C" postgres "SELECT ssn::text, n::numeric FROM p WHERE ssn = 'package canary 123-45-6789'")"
assert_eq "client-key round trip" "t" \
  "$(sql "$C" postgres "SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('x', decode(repeat('cd', 32), 'hex')), decode(repeat('cd', 32), 'hex')) = 'x'")"
# The server loaded the packaged library, which is the release build: no debug information
# (the dev build's 60 MB are mostly that), and the same bytes as target/release.
pid=$(head -n 1 "$C/data/postmaster.pid")
grep -q "$LIB" "/proc/$pid/maps" || fail "the postmaster has not mapped $LIB"
if readelf -S "$LIB" | grep -q '\.debug_info'; then fail "the packaged library has debug information: not the release build"; fi
cmp -s "$LIB" target/release/libcolcrypt.so || fail "the packaged library is not target/release/libcolcrypt.so"
echo "installed library: $(stat -c %s "$LIB") bytes, no debug information, same as target/release/libcolcrypt.so"
if grep -E "terminated by signal|PANIC" "$C/server.log"; then fail "server log shows a crashed backend"; fi
echo "test-package: $(basename "$DEB") passed"
