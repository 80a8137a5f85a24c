#!/usr/bin/env bash
# Make a test CA and a server certificate for localhost and 127.0.0.1, valid
# two days, in $D/tls (ca.pem, server.pem, server.key). Kept if already there,
# so a broker restarted in the same $D presents the certificate clients trust.
set -euo pipefail
: "${D:?set D to the broker directory}"
mkdir -p "$D/tls"
cd "$D/tls"
[ -f ca.pem ] && [ -f server.pem ] && [ -f server.key ] && exit 0
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=iotda-test-ca" \
  -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
  -extfile ext.cnf -out server.pem 2>/dev/null
chmod 644 server.key
