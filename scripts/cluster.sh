#!/usr/bin/env bash
# Throwaway PostgreSQL clusters run by the `postgres` user (PostgreSQL refuses to run as root).
# Sourced by the demo and the test tiers:
#   cluster_init DIR PORT [extra postgresql.conf lines...]   cluster_start DIR   cluster_stop DIR
#   cluster_psql DIR [psql args...]   (connects over the cluster's own Unix socket as postgres)
set -euo pipefail

PG_BINDIR="$(pg_config --bindir)"
# Debian's pg_config --bindir may point at /usr/bin wrappers; the server binaries live here.
[ -x "$PG_BINDIR/initdb" ] || PG_BINDIR="/usr/lib/postgresql/$(pg_config --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')/bin"

as_postgres() { runuser -u postgres -- "$@"; }

cluster_init() {
  local dir="$1" port="$2"; shift 2
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_postgres "$PG_BINDIR/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log"; return 1; }
    mkdir -p "$dir/socket"; chown postgres:postgres "$dir/socket"
    {
      echo "port = $port"
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = '$dir/socket'"
      echo "shared_preload_libraries = 'colcrypt'"
      echo "fsync = off"
      echo "logging_collector = off"
      # Tests and the demo connect over this cluster's own Unix socket, with no forwarder or
      # pooler on the machine relaying network clients to it (colcrypt's default is off).
      echo "colcrypt.allow_unix_socket_keys = on"
      for line in "$@"; do echo "$line"; done
    } >>"$dir/data/postgresql.conf"
  fi
}

cluster_start() {
  local dir="$1"
  # The postmaster must not inherit the caller's descriptors: above all the test lock's
  # (`flock /tmp/colcrypt-test.lock …`), which a cluster left running would hold, blocking every
  # later run. 0-2 stay; 255 is bash's own script.
  ( for fd in /proc/$BASHPID/fd/*; do fd=${fd##*/}; case $fd in 0|1|2|255) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac; done
    as_postgres "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ) \
    || { tail -n 30 "$dir/server.log"; return 1; }
}

cluster_stop() {
  local dir="$1"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_postgres "$PG_BINDIR/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
}

cluster_port() { sed -nE "s/^port = ([0-9]+)$/\1/p" "$1/data/postgresql.conf" | tail -n 1; }

cluster_psql() {
  local dir="$1"; shift
  as_postgres psql -X -v ON_ERROR_STOP=1 -h "$dir/socket" -p "$(cluster_port "$dir")" -U postgres "$@"
}

# Writes a new random master key (64 hex digits) to PATH, readable by postgres only.
make_master_key() {
  local path="$1"
  mkdir -p "$(dirname "$path")"
  chown postgres:postgres "$(dirname "$path")"
  head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n' >"$path"
  chown postgres:postgres "$path"
  chmod 600 "$path"
}
