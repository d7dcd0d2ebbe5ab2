/**
 * `read`: plan which partitions to read from where, start the worker pool, merge its output
 * into stdout with checkpoints, and end with a final STATE for every stream.
 */
import { availableParallelism } from "node:os";
import { parseCatalog } from "../catalog/catalog.ts";
import { loadConfig } from "../config/load.ts";
import { decodeOptions } from "../decode/options.ts";
import { readJsonFile } from "../input/json-file.ts";
import { KafkaClient } from "../kafka/client.ts";
import { crc32cImplementation } from "../kafka/crc32c.ts";
import { protocolLog } from "../log.ts";
import { defaultWorkers, spread } from "../plan/assign.ts";
import { formatRange, parseRangeFlag, type Range } from "../plan/range.ts";
import { resolveShard, type Shard } from "../plan/shard.ts";
import { ConfigError, listNames } from "../errors.ts";
import type { Config } from "../config/config.ts";
import { selects, topicSelection } from "../config/topics.ts";
import { estimateMessage, streamStatusMessage } from "../protocol/messages.ts";
import { emit, flush } from "../protocol/output.ts";
import { Checkpoints } from "../pool/checkpoints.ts";
import { resolveMetricsAddress } from "../config/metrics-address.ts";
import { ReadMetrics } from "../metrics/read-metrics.ts";
import { planRead } from "../plan/plan.ts";
import { Pool } from "../pool/pool.ts";
import { tailUntilSignal } from "../pool/tail.ts";
import { withinRetryBudget } from "../retry.ts";
import { showReadProgress } from "../terminal/read-progress.ts";
import { openStatus } from "../terminal/status.ts";
import { parseState, type ResumeState } from "../state/parse.ts";
import type { StopSignal } from "../stop-signal.ts";

/**
 * Worker threads started before the plan says how many are needed (no more than partitions):
 * enough for the usual case, few enough that a many-core machine reading one partition wastes little.
 */
const maxThreadsBeforePlan = 4;

/** How often a LOG line reports records/s, bytes/s and lag per topic. */
const progressIntervalMs = 10_000;

export type ReadOptions = {
  config: string;
  catalog: string;
  state?: string;
  range?: string;
  shard?: string;
  shardCount?: string;
  tail?: boolean;
  /** HOST:PORT for /metrics, /healthz and /readyz (src/metrics/). */
  metrics?: string;
  quiet?: boolean;
};

/**
 * A signal before the plan exists (validating the inputs, reading metadata and offsets, waiting
 * for the cluster) ends the read at once with a StoppedError: nothing was read, so there is no
 * STATE to write and the platform keeps the one it has. From the plan on, it ends the read with
 * a final STATE of what was written, and exit 0.
 */
export async function read(options: ReadOptions, stop: StopSignal): Promise<void> {
  const config = loadConfig(options.config);
  const catalog = parseCatalog(readJsonFile(options.catalog, "catalog"));
  const state: ResumeState = options.state ? parseState(readJsonFile(options.state, "state")) : new Map();
  refuseUnselected(config, catalog);
  const shard = resolveShard({ shard: options.shard, shardCount: options.shardCount }, process.env);
  const range = shard
    ? shardOnly(shard, options.range, catalog)
    : options.range !== undefined
      ? parseRangeFlag(options.range)
      : catalog.range;
  const tail = options.tail ?? catalog.tail;
  const metricsAddress = resolveMetricsAddress(options.metrics, process.env, config.metrics_address);

  // Bound before planning: a taken port is a config error before anything is read, and /healthz
  // answers while the plan waits for the cluster (/readyz only once reading).
  const metrics = new ReadMetrics();
  // Loaded only when asked for: a read without metrics needs no HTTP server.
  const server = metricsAddress
    ? await (await import("../metrics/server.ts")).MetricsServer.listen(metricsAddress, metrics)
    : undefined;
  if (server) protocolLog("INFO", `serving metrics on http://${server.address}/metrics (probes: /healthz, /readyz)`);
  // The workers' threads load while the read is planned (started before the client, so that
  // loading them overlaps everything after); the pool ends those it does not need.
  const pool = Pool.prestart(Math.min(config.workers ?? availableParallelism(), maxThreadsBeforePlan));
  const client = new KafkaClient(config);
  // On a terminal: what the read is doing, then its progress, then a summary (stderr only).
  const status = openStatus({ quiet: options.quiet, live: !process.stdout.isTTY });
  status.step(`connecting to ${config.bootstrap_servers} and planning the read`);
  let endProgress: ((outcome: "done" | "stopped" | "failed") => void) | undefined;
  let finished = false;
  try {
    let lastFailure: string | undefined;
    const planning = withinRetryBudget(
      config.retry_budget_ms,
      () => planRead(client, config, catalog.streams, state, range, tail),
      (error, delayMs) => {
        lastFailure = error.message;
        protocolLog("WARN", `planning the read failed: ${error.message}; trying again in ${delayMs} ms`);
      },
      stop.abort,
    );
    const plan = await stop.race(planning, () =>
      lastFailure === undefined
        ? `read stopped by ${stop.name} before it began; nothing was read`
        : `read stopped by ${stop.name} before the cluster could be reached; nothing was read (last try: ${lastFailure})`,
    );
    for (const warning of plan.warnings) protocolLog("WARN", warning);
    const workers = config.workers ?? defaultWorkers(availableParallelism(), plan.assignments.length);
    protocolLog(
      "INFO",
      `reading ${plan.assignments.length} partitions of ${catalog.streams.length} streams in range ${formatRange(range)}${shard ? ` (shard ${shard.index}/${shard.count})` : ""} with ${Math.min(workers, Math.max(1, plan.assignments.length))} workers${tail ? ", tailing" : ""} (CRC-32C ${crc32cImplementation})`,
    );
    // Summed in one pass: a catalog may have thousands of streams, each of many partitions.
    const left = new Map<string, number>();
    for (const a of plan.assignments) left.set(a.topic, (left.get(a.topic) ?? 0) + (a.to === null ? 0 : a.to - a.from));
    for (const stream of catalog.streams) {
      await emit(streamStatusMessage(stream.name, "STARTED"));
      if (!tail) await emit(estimateMessage(stream.name, left.get(stream.name) ?? 0));
    }

    const checkpoints = new Checkpoints(plan.startState, {
      records: config.checkpoint_records,
      intervalMs: config.checkpoint_interval_ms,
    });
    pool.start(
      checkpoints,
      spread(plan.assignments, workers, (a) => (a.to === null ? 0 : a.to - a.from)),
      {
        settings: config,
        clientRack: config.client_rack,
        // A worker can find these out itself: it asks only when they are not handed to it.
        cluster: await client.knownCluster().catch(() => undefined),
        decode: decodeOptions(config, catalog.streams),
        registry: config.schema_registry,
        // In flight per worker: one fetch (≤ 1 MiB; one batch of it decompressed at a time) and ≤ 2
        // batches of ≤ 1 MiB (a worker waits for an ack between the batches of one fetch too),
        // which keeps memory flat however large the backlog (bench/: memory mode). Four batches
        // were no faster and cost more memory (docs/decisions/0012). 256 KiB a partition, not
        // 128: a partition whose next batch is larger than that sends nothing unless it comes
        // first in the response, so producers' large batches came one a fetch (0014).
        tuning: {
          maxWaitMs: tail ? 100 : 500,
          maxBytes: 1 << 20,
          partitionMaxBytes: 256 << 10,
          maxBatchesInFlight: 2,
          maxBatchRecords: config.checkpoint_records,
          maxBatchBytes: 1 << 20,
        },
        onOutOfRange: config.on_offset_out_of_range,
        retryBudgetMs: config.retry_budget_ms,
        failAfterBatches: faultInjection(),
      },
      tail,
    );
    metrics.reading(pool, checkpoints);
    const progress = pool.progress;
    endProgress = showReadProgress(status, pool.progress, plan.assignments, catalog.streams.length, tail);

    const progressTimer = setInterval(() => protocolLog("INFO", progress.report()), progressIntervalMs);
    // SIGTERM or SIGINT, whenever it comes from here on: let the workers finish their fetch, then end with a final STATE.
    stop.onStop(() => {
      metrics.stopping();
      pool.stop();
    });
    try {
      if (tail) await tailUntilSignal(pool, client, config, catalog.streams, plan.assignments, range);
      else await pool.done;
    } finally {
      clearInterval(progressTimer);
    }
    metrics.ended();

    await pool.finalCheckpoint();
    // A stream is complete when a batch read reached the end of each of its partitions, whether
    // or not a signal came (one may come after the last fetch), and its topic was not deleted
    // while tailing; a tail itself always ends by a signal.
    const unfinished = new Set(
      plan.assignments
        .filter((a) => a.to !== null && (checkpoints.offset(a.topic, a.partition) ?? a.from) < a.to)
        .map((a) => a.topic),
    );
    for (const stream of catalog.streams) {
      const incomplete = unfinished.has(stream.name) || pool.ended(stream.name);
      await emit(streamStatusMessage(stream.name, incomplete ? "INCOMPLETE" : "COMPLETE"));
    }
    await flush();
    finished = true;
  } finally {
    if (endProgress) endProgress(!finished ? "failed" : stop.requested ? "stopped" : "done");
    else status.end();
    pool.terminate();
    await client.close();
    await server?.close();
  }
}

/** A catalog stream outside the config's topic selection: the catalog and the config disagree. */
function refuseUnselected(config: Config, catalog: ReturnType<typeof parseCatalog>): void {
  const selection = topicSelection(config);
  const outside = catalog.streams.filter((stream) => !selects(selection, stream.name)).map((stream) => stream.name);
  if (outside.length === 0) return;
  throw new ConfigError(
    `catalog: ${outside.length === 1 ? "stream" : `${outside.length} streams`} ${listNames(outside)} ${outside.length === 1 ? "is" : "are"} outside the topics the config selects (topics, topic_pattern, topic_exclude_pattern, include_internal_topics)`,
  );
}

/** A shard's range; a range given as well would say the same thing twice, perhaps differently. */
function shardOnly(shard: Shard, rangeFlag: string | undefined, catalog: ReturnType<typeof parseCatalog>): Range {
  if (rangeFlag !== undefined)
    throw new ConfigError(
      `${shard.source} cannot be combined with --range: each says which partitions this copy reads`,
    );
  if (catalog.rangeField !== undefined)
    throw new ConfigError(
      `${shard.source} cannot be combined with the catalog's ${catalog.rangeField}: each says which partitions this copy reads`,
    );
  return shard.range;
}

/** Test hook for the worker-failure test; never set in production. */
function faultInjection(): number | undefined {
  const value = process.env.SOURCE_KAFKA_FAULT_AFTER_BATCHES;
  return value === undefined ? undefined : Number(value);
}
