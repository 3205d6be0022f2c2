#!/usr/bin/env bash
# Builds Citus 13.2.2 from the vendored source and installs it into the system PostgreSQL 15, for
# the Citus tier (tests/integration/t_citus.sh). Idempotent: when the installed citus.so already
# says 13.2.2 it does nothing, so `make test` can call it every time. Installing citus.so is
# harmless to other tests: only clusters that preload it load it.
set -euo pipefail

CITUS_VERSION=13.2.2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# Beside the project (../shared), or where this machine keeps it for clones made elsewhere.
VENDOR="${CITUS_VENDOR:-}"
for d in "$ROOT/../shared/vendor/citus" /work/shared/vendor/citus; do
  [ -n "$VENDOR" ] || [ ! -d "$d" ] || VENDOR="$(cd "$d" && pwd)"
done
PG_CONFIG="${PG_CONFIG:-$(command -v pg_config)}"
LIBDIR="$("$PG_CONFIG" --pkglibdir)"

# citus.so embeds "Citus <version> on <host>..." (CITUS_VERSION_STR); no server needed to check.
if [ -f "$LIBDIR/citus.so" ] && grep -aq "Citus $CITUS_VERSION on" "$LIBDIR/citus.so"; then
  exit 0
fi
if [ -z "$VENDOR" ] || [ ! -f "$VENDOR/citus-$CITUS_VERSION.tar.gz" ]; then
  echo "setup-citus: the Citus source (citus-$CITUS_VERSION.tar.gz) is not under ../shared/vendor/citus; set CITUS_VENDOR" >&2
  exit 1
fi

source "$ROOT/scripts/apt-need.sh"
apt_need setup-citus postgresql-server-dev-15 liblz4-dev libzstd-dev libkrb5-dev libselinux1-dev libxslt1-dev \
  libpam0g-dev libreadline-dev autoconf flex bison make gcc patch

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "setup-citus: building Citus $CITUS_VERSION (about 4 minutes on two cores)"
tar -xzf "$VENDOR/citus-$CITUS_VERSION.tar.gz" -C "$WORK"
cd "$WORK/citus-$CITUS_VERSION"
# PostgreSQL 15.20 declares have_createdb_privilege(); the patch renames Citus' static copy.
patch -s -p1 <"$VENDOR/pg15.20-have_createdb_privilege.patch"
./configure -q --without-libcurl PG_CONFIG="$PG_CONFIG" >/dev/null
make -s -j"$(nproc)" >/dev/null
make -s install >/dev/null
grep -aq "Citus $CITUS_VERSION on" "$LIBDIR/citus.so"
echo "setup-citus: installed Citus $CITUS_VERSION into $LIBDIR"
