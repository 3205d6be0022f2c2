#!/usr/bin/env bash
# bench/ab/start.sh STAGE NAME PORT: installs a build staged by `cargo pgrx package --out-dir STAGE`
# (renamed into place, as scripts/install-extension.sh does) and starts a cluster $AB_DIR/NAME on
# PORT that preloads it, with the tables bench/ab/ab.sh reads. A cluster keeps the library it
# started with, so two clusters started one after the other compare two builds side by side.
# Run it under the shared lock: flock /tmp/colcrypt-test.lock bash bench/ab/start.sh ...
# Stop with: source scripts/cluster.sh; cluster_stop "$AB_DIR/NAME/cluster"
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/cluster.sh"
STAGE="$1"; NAME="$2"; PORT="$3"; AB_DIR="${AB_DIR:-/tmp/colcrypt-ab}"
files=$(cd "$STAGE" && find . -type f -name '*.so' && find . -type f ! -name '*.so' ! -name '*.control' | sort && find . -type f -name '*.control')
declare -A tmp_of
while read -r rel; do dest="/${rel#./}"; tmp="$(dirname "$dest")/.$(basename "$dest").new.$$"; tmp_of[$rel]="$tmp"
  cp "$STAGE/$rel" "$tmp"; chmod 644 "$tmp"; [ "${dest##*.}" = so ] && chmod 755 "$tmp"; done <<<"$files"
while read -r rel; do mv -f "${tmp_of[$rel]}" "/${rel#./}"; done <<<"$files"
D="$AB_DIR/$NAME"; rm -rf "$D"; mkdir -p "$D"; chmod 755 "$AB_DIR" "$D"
make_master_key "$D/keys/master.key"
cluster_init "$D/cluster" "$PORT" "shared_buffers = 256MB" "max_parallel_workers_per_gather = 0" "jit = off" \
  "colcrypt.master_key_file = '$D/keys/master.key'"
cluster_start "$D/cluster"
cluster_psql "$D/cluster" -d postgres -Atq <<SQL
CREATE EXTENSION colcrypt;
SELECT colcrypt.create_key('bench');
CREATE TABLE plain_t (id bigserial PRIMARY KEY, ssn text UNIQUE);
CREATE TABLE enc_t (id bigserial PRIMARY KEY, ssn colcrypt.encrypted_text(bench, searchable) UNIQUE);
INSERT INTO plain_t (ssn) SELECT 'ssn-' || i FROM generate_series(1, 100000) i;
INSERT INTO enc_t (ssn) SELECT 'ssn-' || i FROM generate_series(1, 100000) i;
CREATE TABLE read_enc (id int, v colcrypt.encrypted_text(bench));
INSERT INTO read_enc SELECT i, md5(i::text) || md5((-i)::text) FROM generate_series(1, 100000) i;
CREATE TABLE read_text AS SELECT id, v::text AS v FROM read_enc;
CREATE TABLE src AS SELECT id, v::text AS s FROM read_enc;
CREATE TABLE load_bytea (id int, v bytea);
CREATE TABLE load_enc (id int, v colcrypt.encrypted_text(bench));
CREATE TABLE doc_src AS SELECT i AS id, (SELECT jsonb_object_agg('k' || j, repeat(md5((i * j)::text), 2)) FROM generate_series(1, 80) j) AS d
  FROM generate_series(1, 1000) i;
CREATE TABLE doc_enc (id int, d colcrypt.encrypted_jsonb(bench));
INSERT INTO doc_enc SELECT id, d FROM doc_src;
CREATE TABLE read_i8 (id int, v colcrypt.encrypted_int8(bench));
INSERT INTO read_i8 SELECT id, id FROM src;
VACUUM ANALYZE;
SQL
