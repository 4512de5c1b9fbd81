#!/usr/bin/env bash
# Makes a self-signed certificate for trying TLS termination with `gatelab serve --tls-cert --tls-key`.
# Usage: scripts/make-cert.sh [DIR]   (default: ./certs) — writes DIR/gatelab.crt and DIR/gatelab.key,
# valid for localhost and 127.0.0.1 for 30 days. Clients must trust it explicitly (curl --cacert).
set -euo pipefail
dir="${1:-certs}"
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 \
  -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/gatelab.key" -out "$dir/gatelab.crt" 2>/dev/null
echo "wrote $dir/gatelab.crt and $dir/gatelab.key"
