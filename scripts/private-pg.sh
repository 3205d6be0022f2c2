#!/usr/bin/env bash
# A private copy of a PostgreSQL installation, for tests that install colcrypt builds other than
# the one in the shared system directories (tests/upgrade.sh, tests/test-package.sh). Sourced.
#   private_pg_copy DEST PG_CONFIG   copies the installation PG_CONFIG describes to DEST/<its
#                                    absolute paths>, without colcrypt's files, and puts the
#                                    copy's bin directory first in PATH.
# PostgreSQL finds its share and lib directories relative to its own binary, so the copy's
# pg_config and server use the copy's directories; checked here.
private_pg_copy() {
  local dest="$1" pgc="$2" bindir sharedir pkglibdir d
  bindir=$("$pgc" --bindir); sharedir=$("$pgc" --sharedir); pkglibdir=$("$pgc" --pkglibdir)
  # Debian: /usr/lib/postgresql/N (bin, lib) and /usr/share/postgresql/N; a prefix install: one tree.
  for d in "$(dirname "$bindir")" "$sharedir" "$pkglibdir"; do
    [ -e "$dest$d" ] && continue
    mkdir -p "$dest$(dirname "$d")"
    cp -a "$d" "$dest$(dirname "$d")/"
  done
  # Libraries the binaries find through an $ORIGIN-relative rpath (the PyPI wheel of 18 keeps
  # libpq beside its install tree) come along, at the same place relative to the copy.
  local rp
  for rp in $(for b in "$bindir"/*; do readelf -d "$b" 2>/dev/null; done | sed -nE 's/.*\((RPATH|RUNPATH)\).*\[(.*)\]/\2/p' | tr ':' '\n' | sort -u); do
    case "$rp" in '$ORIGIN'*) d=$(realpath -m "$bindir/${rp#\$ORIGIN/}") ;; *) continue ;; esac
    [ -d "$d" ] && [ ! -e "$dest$d" ] || continue
    mkdir -p "$dest$(dirname "$d")"
    cp -a "$d" "$dest$(dirname "$d")/"
  done
  rm -f "$dest$pkglibdir"/colcrypt*.so "$dest$sharedir/extension"/colcrypt*
  export PATH="$dest$bindir:$PATH"
  [ "$(pg_config --pkglibdir)" = "$dest$pkglibdir" ] && [ "$(pg_config --sharedir)" = "$dest$sharedir" ] \
    || { echo "private_pg_copy: the copy's pg_config reports $(pg_config --pkglibdir) and $(pg_config --sharedir)" >&2; return 1; }
}
