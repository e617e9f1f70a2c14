#!/usr/bin/env bash
# Sends one Standard Webhooks-signed POST to a Tramontane trigger with nothing but openssl and curl.
#
#   SECRET=whsec_... ./send-signed-webhook.sh http://127.0.0.1:8080/hooks/orders '{"order":42}'
#
# The signature is base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")), where key is
# the base64-decoded part of the secret after "whsec_". Prints the HTTP status and the reply.
set -euo pipefail
url=${1:?usage: SECRET=whsec_... $0 URL BODY [WEBHOOK-ID]}
body=${2:?usage: SECRET=whsec_... $0 URL BODY [WEBHOOK-ID]}
: "${SECRET:?set SECRET to the whsec_ secret of the trigger}"
id=${3:-msg_$(date +%s%N)}
ts=$(date +%s)
key_hex=$(printf '%s' "${SECRET#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
sig=$(printf '%s.%s.%s' "$id" "$ts" "$body" \
  | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | base64)
curl -sS -w '\n%{http_code}\n' -X POST "$url" \
  -H 'content-type: application/json' \
  -H "webhook-id: $id" \
  -H "webhook-timestamp: $ts" \
  -H "webhook-signature: v1,$sig" \
  --data-binary "$body"
