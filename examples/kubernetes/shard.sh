#!/bin/sh
# Runs one shard of source-kafka with its state kept in $STATE_DIR, which belongs to this shard
# alone. Records go to $STATE_DIR/records.jsonl (replace that with your loader); after each STATE
# line the records before it are flushed, then the STATE is saved atomically under its stream's name,
# so a restart resumes from what was written: at-least-once, never a gap.
#
# The shard comes from the environment: SOURCE_KAFKA_SHARD=INDEX/COUNT, or SOURCE_KAFKA_SHARD_COUNT
# with the JOB_COMPLETION_INDEX an Indexed Job sets. Extra arguments (e.g. --tail) pass through.
set -eu
: "${STATE_DIR:?STATE_DIR must name this shard's own directory}"
mkdir -p "$STATE_DIR/streams"

# --state takes an array of STATE messages: one file per stream, joined.
config_dir="${CONFIG_DIR:-/etc/source-kafka}"
set -- read --config "$config_dir/config.json" --catalog "$config_dir/catalog.json" "$@"
if [ -n "$(ls "$STATE_DIR/streams")" ]; then
  { printf '['; first=1; for f in "$STATE_DIR"/streams/*.json; do
      [ "$first" = 1 ] || printf ','; first=0; cat "$f"; done; printf ']'; } > "$STATE_DIR/state.json"
  set -- "$@" --state "$STATE_DIR/state.json"
fi

# The connector's exit status, not awk's, is the pod's: a failed read must fail the Job.
status_file="$STATE_DIR/.exit"
pid_file="$STATE_DIR/.pid"
rm -f "$pid_file"
# This script is the pod's PID 1, which the kubelet's SIGTERM reaches alone: hand it to the
# connector, which writes a final STATE and exits 0 (and /readyz says not ready meanwhile).
# A trap runs only between commands, so the pipeline runs in the background and the script waits.
trap '[ -s "$pid_file" ] && kill -TERM "$(cat "$pid_file")"' TERM INT
{ source-kafka "$@" & echo $! > "$pid_file"; wait $!; echo $? > "$status_file"; } | awk -v dir="$STATE_DIR" '
  /^\{"type":"STATE"/ {
    fflush(dir "/records.jsonl")
    match($0, /"stream_descriptor":\{"name":"[^"]*"/)
    name = substr($0, RSTART + 29, RLENGTH - 30)
    tmp = dir "/streams/" name ".json.tmp"
    print > tmp; close(tmp)
    system("mv \"" tmp "\" \"" dir "/streams/" name ".json\"")
    next
  }
  /^\{"type":"RECORD"/ { print >> (dir "/records.jsonl"); next }
  { print }
' &
# wait returns early when a signal's trap runs; then wait for the pipeline to finish.
wait $! || wait $! || true
exit "$(cat "$status_file")"
