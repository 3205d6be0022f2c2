#!/usr/bin/env bash
# Sourced helper: make_tls DIR NAME... writes a throwaway CA (ca.crt) and a server certificate
# (server.crt, server.key, owned by postgres, mode 0600) whose subject alternative names are
# the given host names and IP addresses, for clusters started by the demo and the tests.
make_tls() {
  local dir="$1"; shift
  local san="" n
  for n in "$@"; do
    if [[ "$n" =~ ^[0-9.]+$ ]]; then san+="IP:$n,"; else san+="DNS:$n,"; fi
  done
  mkdir -p "$dir"
  (
    cd "$dir"
    openssl req -new -x509 -nodes -days 30 -subj "/CN=colcrypt throwaway CA" \
      -keyout ca.key -out ca.crt >/dev/null 2>&1
    openssl req -new -nodes -subj "/CN=$1" -keyout server.key -out server.csr >/dev/null 2>&1
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' "${san%,}" >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
      -extfile server.ext -out server.crt >/dev/null 2>&1
    rm -f server.csr server.ext ca.srl
  )
  chown postgres:postgres "$dir" "$dir/server.key" "$dir/server.crt"
  chmod 600 "$dir/server.key" "$dir/ca.key"
  chmod 644 "$dir/ca.crt" "$dir/server.crt"
}

# tls_conf DIR: postgresql.conf lines for a cluster serving the certificate in DIR.
tls_conf() {
  printf "%s\n" "ssl = on" "ssl_cert_file = '$1/server.crt'" "ssl_key_file = '$1/server.key'" "ssl_ca_file = '$1/ca.crt'"
}
