/**
 * What `read` tells Prometheus (docs/metrics.md describes every metric): the phase of the read for
 * the probes, and the numbers the main thread already keeps — where each partition stands and its
 * lag (pool/progress.ts, the one owner of the lag), what the workers' fetches met
 * (pool/fetch-totals.ts), the STATE messages written (pool/checkpoints.ts) — rendered in the text
 * exposition format when scraped. Nothing here runs per record.
 */
import type { Checkpoints } from "../pool/checkpoints.ts";
import type { Pool } from "../pool/pool.ts";
import { lagOf } from "../pool/progress.ts";
import { commit, version } from "../version.ts";
import { fetchDurationBuckets } from "../worker/fetch-stats.ts";
import { Exposition, type Sample } from "./exposition.ts";

/**
 * planning: validating the inputs and planning (which may wait out an unreachable cluster);
 * reading: the workers read (batch or tail); stopping: a signal came, the final STATE is being
 * written; ended: a batch read reached its ends and is finishing. Ready only while reading.
 */
export type ReadPhase = "planning" | "reading" | "stopping" | "ended";

const processStartMs = Date.now() - process.uptime() * 1000;

export class ReadMetrics {
  #phase: ReadPhase = "planning";
  #read: { pool: Pool; checkpoints: Checkpoints } | undefined;

  get phase(): ReadPhase {
    return this.#phase;
  }

  /** The read is planned and its workers started. */
  reading(pool: Pool, checkpoints: Checkpoints): void {
    this.#read = { pool, checkpoints };
    if (this.#phase === "planning") this.#phase = "reading";
  }

  /** A signal came: the read finishes its fetches and writes its final STATE. */
  stopping(): void {
    if (this.#phase !== "ended") this.#phase = "stopping";
  }

  /** The workers are done: a batch read reached the ends it planned (a stopped read stays stopping). Left: the final STATE and the exit. */
  ended(): void {
    if (this.#phase === "reading") this.#phase = "ended";
  }

  /** Every metric, as a scrape's answer. */
  render(now = Date.now()): string {
    const out = new Exposition();
    out.family(
      "source_kafka_build_info",
      "gauge",
      "The connector's version and commit, and the runtime it runs on; always 1.",
      [[{ version, commit, runtime: runtime() }, 1]],
    );
    out.family("source_kafka_uptime_seconds", "gauge", "Seconds since the process started.", [
      [{}, (now - processStartMs) / 1000],
    ]);
    out.family("process_start_time_seconds", "gauge", "When the process started, in seconds since the Unix epoch.", [
      [{}, processStartMs / 1000],
    ]);
    const cpu = process.cpuUsage();
    out.family("process_cpu_seconds_total", "counter", "CPU time the process used, user and system, in seconds.", [
      [{}, (cpu.user + cpu.system) / 1e6],
    ]);
    out.family(
      "process_resident_memory_bytes",
      "gauge",
      "Resident memory of the process (all its threads), in bytes.",
      [[{}, process.memoryUsage.rss()]],
    );
    if (this.#read) this.#renderRead(out, this.#read.pool, this.#read.checkpoints, now);
    return out.text();
  }

  #renderRead(out: Exposition, pool: Pool, checkpoints: Checkpoints, now: number): void {
    const { progress, fetches } = pool;
    out.family("source_kafka_workers", "gauge", "Worker threads reading.", [[{}, pool.running]]);

    // Partitions in a stable order, those of topics deleted while tailing left out: they are no longer read.
    const partitions = [...progress.partitions()]
      .filter(([topic]) => !pool.ended(topic))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([topic, byNumber]) =>
        [...byNumber]
          .sort(([a], [b]) => a - b)
          .map(([partition, p]) => ({ labels: { topic, partition: String(partition) }, ...p })),
      );
    const assigned = new Map<string, number>();
    for (const { labels } of partitions) assigned.set(labels.topic, (assigned.get(labels.topic) ?? 0) + 1);
    out.family(
      "source_kafka_assigned_partitions",
      "gauge",
      "Partitions of each topic this copy reads (its range or shard of them).",
      [...assigned].map(([topic, count]): Sample => [{ topic }, count]),
    );
    out.family(
      "source_kafka_partition_position",
      "gauge",
      "The next offset to read: past the records handed to stdout, as the next STATE says (a resumed read's state offset until its first batch).",
      partitions.map((p): Sample => [p.labels, p.next]),
    );
    out.family(
      "source_kafka_partition_high_watermark",
      "gauge",
      "The end of the partition's log as the latest fetch saw it (the plan, before the first): the last stable offset, read_committed's end.",
      partitions.map((p): Sample => [p.labels, p.end]),
    );
    out.family(
      "source_kafka_partition_lag",
      "gauge",
      "Offsets between the position and the high watermark (position-based, as Kafka's records-lag: nothing is committed).",
      partitions.map((p): Sample => [p.labels, lagOf(p)]),
    );
    const stamped = partitions.filter((p) => p.lastTimestamp !== null);
    out.family(
      "source_kafka_partition_last_record_timestamp_seconds",
      "gauge",
      "The timestamp of the last record written, in seconds since the Unix epoch (the record's own timestamp: create or log-append time).",
      stamped.map((p): Sample => [p.labels, (p.lastTimestamp ?? 0) / 1000]),
    );
    out.family(
      "source_kafka_partition_last_record_age_seconds",
      "gauge",
      "Seconds between the last record's timestamp and the scrape.",
      stamped.map((p): Sample => [p.labels, (now - (p.lastTimestamp ?? 0)) / 1000]),
    );

    out.family(
      "source_kafka_records_total",
      "counter",
      "Records written to stdout as RECORD messages.",
      [...progress.recordsByTopic()].map(([topic, count]): Sample => [{ topic }, count]),
    );
    out.family("source_kafka_written_bytes_total", "counter", "Bytes of RECORD messages written to stdout.", [
      [{}, progress.totals().bytes],
    ]);
    out.family(
      "source_kafka_fetched_bytes_total",
      "counter",
      "Bytes of record batches fetched from Kafka, as the brokers sent them (compressed, if they were).",
      [...fetches.bytes].map(([topic, bytes]): Sample => [{ topic }, bytes]),
    );
    out.family("source_kafka_fetch_requests_total", "counter", "Fetch requests sent to brokers.", [
      [{}, fetches.requests],
    ]);
    out.family(
      "source_kafka_fetch_errors_total",
      "counter",
      "Fetch errors: per partition, the error code Kafka answered (by name); request_failed for a request without an answer, unreadable_response for a corrupt one.",
      [...fetches.errors].map(([error, count]): Sample => [{ error }, count]),
    );
    out.histogram(
      "source_kafka_fetch_duration_seconds",
      "How long fetch requests took, answer read (a fetch with nothing to read waits on the broker up to 0.1 s tailing, 0.5 s in a batch read).",
      fetchDurationBuckets,
      fetches.durations,
      fetches.durationSeconds,
    );

    const states = checkpoints.states();
    out.family(
      "source_kafka_state_messages_total",
      "counter",
      "STATE messages written to stdout.",
      [...states.byStream].map(([stream, count]): Sample => [{ stream }, count]),
    );
    const lastState = states.lastAt === null ? [] : [[{}, states.lastAt / 1000] as Sample];
    out.family(
      "source_kafka_last_state_timestamp_seconds",
      "gauge",
      "When the last STATE message was written, in seconds since the Unix epoch.",
      lastState,
    );
    out.family(
      "source_kafka_last_state_age_seconds",
      "gauge",
      "Seconds since the last STATE message was written.",
      states.lastAt === null ? [] : [[{}, (now - states.lastAt) / 1000]],
    );
  }
}

/** "bun 1.2.3", "deno 2.1.0" or "node 22.0.0": what runs the connector. */
function runtime(): string {
  const global = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (global.Bun) return `bun ${global.Bun.version}`;
  if (global.Deno) return `deno ${global.Deno.version.deno}`;
  return `node ${process.versions.node}`;
}
