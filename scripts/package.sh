#!/usr/bin/env bash
# `make package`: an installable .deb of the colcrypt extension for one PostgreSQL major version,
# from the release build (fat LTO).
#   scripts/package.sh [--pg-config PATH] [--out-dir DIR]
# PG_CONFIG (or --pg-config) is the PostgreSQL the extension is built against; its major version
# names the package (postgresql-15-colcrypt) and its dependency (postgresql-15). The files go where
# Debian's (and apt.postgresql.org's) postgresql-N packages look for extensions,
# /usr/lib/postgresql/N/lib and /usr/share/postgresql/N/extension, whatever directories that
# pg_config reports, so a build against another installation of the same major version (a
# relocated copy, a wheel) still packages for Debian. Prints the .deb's path on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_CONFIG="${PG_CONFIG:-$(command -v pg_config)}"
OUT="target/package"
while [ $# -gt 0 ]; do
  case "$1" in
    --pg-config) shift; PG_CONFIG="$1" ;;
    --out-dir) shift; OUT="$1" ;;
    *) echo "usage: $0 [--pg-config PATH] [--out-dir DIR]" >&2; exit 2 ;;
  esac
  shift
done
major=$("$PG_CONFIG" --version | sed -nE 's/^PostgreSQL ([0-9]+).*/\1/p')
[ -n "$major" ] || { echo "package: cannot read the major version from $PG_CONFIG --version" >&2; exit 1; }
# The extension package's version, which pgrx also writes into colcrypt.control.
version=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
meta_version=$(python3 -c 'import json,sys; print(json.load(open("META.json"))["version"])')
[ "$version" = "$meta_version" ] || { echo "package: Cargo.toml says $version, META.json $meta_version" >&2; exit 1; }
# A build for another major version than the default feature (pg15) selects its own pgrx feature.
features=()
[ "$major" = 15 ] || features=(--no-default-features --features "pg$major")

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-package.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
start=$(date +%s)
cargo pgrx package --pg-config "$PG_CONFIG" "${features[@]}" --out-dir "$STAGE/pgrx" >"$STAGE/build.log" 2>&1 \
  || { cat "$STAGE/build.log"; exit 1; }
echo "package: release build and staging took $(( $(date +%s) - start ))s" >&2

pkg="postgresql-$major-colcrypt"
arch=$(dpkg --print-architecture)
root="$STAGE/$pkg"
libdir="$root/usr/lib/postgresql/$major/lib"
extdir="$root/usr/share/postgresql/$major/extension"
mkdir -p "$libdir" "$extdir" "$root/DEBIAN" "$root/usr/share/doc/$pkg"
install -m 755 "$STAGE/pgrx$("$PG_CONFIG" --pkglibdir)/colcrypt.so" "$libdir/colcrypt.so"
for f in "$STAGE/pgrx$("$PG_CONFIG" --sharedir)/extension"/colcrypt*; do install -m 644 "$f" "$extdir/"; done
[ -f "$extdir/colcrypt--$version.sql" ] || { echo "package: colcrypt--$version.sql was not staged" >&2; exit 1; }
install -m 644 README.md CHANGELOG.md SECURITY.md "$root/usr/share/doc/$pkg/"
# Debian policy: the license text of a non-common-licenses license goes in copyright; Apache-2.0
# is in /usr/share/common-licenses.
printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: colcrypt\n\nFiles: *\nLicense: Apache-2.0\n On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0.\n' \
  >"$root/usr/share/doc/$pkg/copyright"

# Depends: the server, and the package of every shared library the .so links (libc, libgcc_s).
deps="postgresql-$major"
for lib in $(readelf -d "$libdir/colcrypt.so" | sed -nE 's/.*\(NEEDED\).*\[(.*)\]/\1/p'); do
  owner=$(dpkg -S "*/$lib" 2>/dev/null | head -n 1 | cut -d: -f1) || true
  [ -n "$owner" ] || { echo "package: no Debian package provides $lib" >&2; exit 1; }
  case "$owner" in
    libc6) glibc=$(objdump -T "$libdir/colcrypt.so" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
           owner="libc6 (>= $glibc)" ;;
  esac
  grep -qF "$owner" <<<"$deps" || deps="$deps, $owner"
done
cat >"$root/DEBIAN/control" <<EOF
Package: $pkg
Version: $version-1
Architecture: $arch
Maintainer: colcrypt developers <colcrypt@invalid.invalid>
Section: database
Priority: optional
Depends: $deps
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Homepage: https://pgxn.org/dist/colcrypt/
Description: column encryption for PostgreSQL $major
 colcrypt encrypts columns of PostgreSQL tables: transparent encrypted types with
 server-managed keys, functions for client-supplied keys, and one envelope format
 shared with the client-side library.
 .
 After installing, add colcrypt to shared_preload_libraries, set
 colcrypt.master_key_file or colcrypt.master_key_command, restart PostgreSQL, and run
 CREATE EXTENSION colcrypt (or ALTER EXTENSION colcrypt UPDATE after an upgrade).
EOF
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
mkdir -p "$OUT"
deb="$OUT/${pkg}_${version}-1_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "package: $(stat -c %s "$deb") bytes, Depends: $deps" >&2
echo "$deb"
