#!/usr/bin/env bash
# A throw-away certificate authority for the browser tests that need TLS (turn_tls.test.mjs):
# test_ca.sh <dir> <name> [<name> …] writes <dir>/ca.pem (the CA, its key ca.key) and for each
# DNS name <dir>/<name>.pem (leaf, then the CA: the chain a server sends) and <dir>/<name>.key.
# Everything is made fresh with openssl for each run and lives only as long as <dir>.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 <dir> <dns-name> [<dns-name> …]" >&2
  exit 2
fi
dir=$1
shift
mkdir -p "$dir"
cd "$dir"

# The CA: a self-signed P-256 certificate marked CA:TRUE that may sign server certificates only.
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj '/CN=Rounds e2e test CA' -keyout ca.key -out ca.pem \
  -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' \
  -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null

# One leaf per name: browsers match the name against subjectAltName only (RFC 6125 §6.4.4), and
# Chromium also wants serverAuth in extendedKeyUsage and a validity under 398 days.
for name in "$@"; do
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$name.key" -out "$name.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:$name" 'basicConstraints=critical,CA:FALSE' \
    'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile "$name.ext" -out "$name.leaf.pem" 2>/dev/null
  cat "$name.leaf.pem" ca.pem >"$name.pem"
  rm -f "$name.csr" "$name.ext" "$name.leaf.pem"
done
# coturn drops root's rights for nothing here, but keep the keys private anyway.
chmod 600 ./*.key
