#!/usr/bin/env bash
# Runs every candidate RUNS times (interleaved) against the broker, then prints median and spread.
# Usage: bash bench/client-decision/run.sh [source|compiled|deno] [results.jsonl]
# env: RUNS=3  LIMIT=<records, default all>  BROKER=127.0.0.1:49092  DENO=/tmp/deno/node_modules/.bin/deno
set -euo pipefail
cd "$(dirname "$0")/../.."
BUN=node_modules/.bin/bun
MODE=${1:-source}
OUT=${2:-/tmp/client-decision-$MODE.jsonl}
ARGS=(--broker "${BROKER:-127.0.0.1:49092}")
[[ -n "${LIMIT:-}" ]] && ARGS+=(--limit "$LIMIT")
case "$MODE" in
  source)   run() { $BUN "bench/client-decision/$1.ts" "${@:2}"; } ;;
  compiled) $BUN bench/client-decision/compile.ts /tmp/cd-bin >/dev/null
            run() { "/tmp/cd-bin/$1" "${@:2}"; } ;;
  deno)     run() { "${DENO:-/tmp/deno/node_modules/.bin/deno}" run -A --no-lock "bench/client-decision/$1.ts" "${@:2}"; } ;;
  *) echo "unknown mode $MODE" >&2; exit 2 ;;
esac
: > "$OUT"
$BUN bench/client-decision/groups.ts "${ARGS[@]:0:2}"
for i in $(seq "${RUNS:-3}"); do
  run platformatic "${ARGS[@]}" | tee -a "$OUT"
  run kafkajs --mode cluster "${ARGS[@]}" 2>/dev/null | tee -a "$OUT"
  run kafkajs --mode group "${ARGS[@]}" 2>/dev/null | tee -a "$OUT"
done
$BUN bench/client-decision/groups.ts "${ARGS[@]:0:2}"
$BUN bench/client-decision/summarize.ts "$OUT"
