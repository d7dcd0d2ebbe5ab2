#!/usr/bin/env bash
# Reads the decision-{gzip,snappy,lz4,zstd} topics (made with ProducerPerformance compression.type=...)
# with each client in each runtime; prints PASS with the result line or FAIL with the first error line.
# Usage: bash bench/client-decision/compression.sh   (needs /tmp/cd-bin from compile.ts for 'compiled')
set -uo pipefail
cd "$(dirname "$0")/../.."
BUN=node_modules/.bin/bun
DENO=${DENO:-/tmp/deno/node_modules/.bin/deno}
for codec in gzip snappy lz4 zstd; do
  for runtime in source compiled deno; do
    for client in platformatic "kafkajs --mode cluster"; do
      set -- $client
      case $runtime in
        source)   cmd=($BUN "bench/client-decision/$1.ts") ;;
        compiled) cmd=("/tmp/cd-bin/$1") ;;
        deno)     cmd=("$DENO" run -A --no-lock "bench/client-decision/$1.ts") ;;
      esac
      out=$(timeout 60 "${cmd[@]}" "${@:2}" --topic "decision-$codec" 2>&1)
      if line=$(grep '^{"client"' <<<"$out"); then echo "PASS $codec $runtime $client $line"
      else echo "FAIL $codec $runtime $client: $(grep -m1 -iE 'error|not implemented|exception' <<<"$out" || tail -1 <<<"$out")"; fi
    done
  done
done
