#!/usr/bin/env bash
# Sends one GitHub-style signed POST (X-Hub-Signature-256) to a Tramontane trigger.
#
#   SECRET='It'"'"'s a Secret to Everybody' ./send-github-webhook.sh http://127.0.0.1:8080/hooks/github '{"ref":"main"}'
set -euo pipefail
url=${1:?usage: SECRET=... $0 URL BODY [DELIVERY-ID]}
body=${2:?usage: SECRET=... $0 URL BODY [DELIVERY-ID]}
: "${SECRET:?set SECRET to the GitHub webhook secret}"
id=${3:-$(cat /proc/sys/kernel/random/uuid 2>/dev/null || date +%s%N)}
sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)
curl -sS -w '\n%{http_code}\n' -X POST "$url" \
  -H 'content-type: application/json' \
  -H 'x-github-event: push' \
  -H "x-github-delivery: $id" \
  -H "x-hub-signature-256: sha256=$sig" \
  --data-binary "$body"
