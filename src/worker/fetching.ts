/**
 * A read worker's fetching: one fetch per node for the partitions that are ready, their records
 * turned into protocol lines and handed over in batches. Each partition is fetched from its
 * leader, or from the replica its leader named for the client's rack (read-replica.ts). A
 * response that cannot be read is narrowed down to the one partition, then the one record batch,
 * that it comes from.
 */
import { releaseBytes } from "../kafka/release-bytes.ts";
import { ConfigError, TransientError } from "../errors.ts";
import { type FetchedBatch, UnreadableResponseError } from "../kafka/client.ts";
import { CorruptBatchError, lastOffset, type OpenBatch } from "../kafka/record-batches.ts";
import type { RecordColumns } from "../kafka/record-columns.ts";
import { requestFailed, unreadableResponse } from "./fetch-stats.ts";
import type { FetchTuning } from "./messages.ts";
import { fetchFailed, handlePartitionError, leaveReplica, watchForStalls } from "./partition-errors.ts";
import { describePartitions, fetchNode, followReplica, isReplica } from "./read-replica.ts";
import { RecordLines } from "./record-lines.ts";
import { type FetchedPartition, type Position, untilRoomForBatch, type WorkerState } from "./state.ts";

/** Fetches every ready partition once: grouped by the node each is read from, and alone those read a batch at a time. */
export async function fetchOnce(worker: WorkerState, ready: Position[]): Promise<void> {
  const now = Date.now();
  for (const [node, group] of Map.groupBy(
    ready.filter((p) => !p.oneBatch),
    (p) => fetchNode(p, now),
  )) {
    await attempt(worker, node, group, () => fetchFrom(worker, node, group, worker.start.tuning), isolate);
  }
  for (const position of ready.filter((p) => p.oneBatch)) {
    const oneBatch = { ...worker.start.tuning, maxBytes: 1, partitionMaxBytes: 1 };
    const node = fetchNode(position);
    await attempt(
      worker,
      node,
      [position],
      () => fetchFrom(worker, node, [position], oneBatch),
      (_, _node, _group, error) => {
        throw unreadableBatch(position, error);
      },
    );
  }
}

type OnUnreadable = (
  worker: WorkerState,
  node: number,
  group: Position[],
  error: UnreadableResponseError,
) => Promise<void> | never;

/**
 * Fetches for `group` from `node` and delivers what came back. A failure that may pass (the broker
 * is down, leadership moved) makes the group wait and look up its leaders again, within the retry
 * budget, or go back to its leaders if `node` was their replica; a response that cannot be read
 * goes to `onUnreadable`.
 */
async function attempt(
  worker: WorkerState,
  node: number,
  group: Position[],
  fetch: () => Promise<FetchedPartition[]>,
  onUnreadable: OnUnreadable,
): Promise<void> {
  let results: FetchedPartition[];
  try {
    results = await timed(worker, fetch);
  } catch (error) {
    if (error instanceof UnreadableResponseError) {
      worker.fetchStats.failed(unreadableResponse);
      return onUnreadable(worker, node, group, error);
    }
    if (error instanceof TransientError) {
      worker.fetchStats.failed(requestFailed);
      return fetchFailed(worker, node, group, error.message);
    }
    throw error;
  }
  await deliver(worker, node, group, results);
}

/** Makes one fetch request, counting it and how long it took, whether it succeeds or not. */
async function timed(worker: WorkerState, fetch: () => Promise<FetchedPartition[]>): Promise<FetchedPartition[]> {
  const started = performance.now();
  try {
    return await fetch();
  } finally {
    worker.fetchStats.fetched((performance.now() - started) / 1000);
  }
}

/**
 * A response for several partitions could not be read: fetch each alone to learn which, and read
 * that one a batch at a time from here, so that the failure can name the batch's offset.
 */
async function isolate(worker: WorkerState, node: number, group: Position[]): Promise<void> {
  const [only] = group;
  if (group.length === 1 && only) {
    only.oneBatch = true;
    return;
  }
  for (const position of group) {
    await attempt(worker, node, [position], () => fetchFrom(worker, node, [position], worker.start.tuning), isolate);
  }
}

function fetchFrom(
  worker: WorkerState,
  node: number,
  group: Position[],
  tuning: FetchTuning,
): Promise<FetchedPartition[]> {
  return worker.client.fetch({
    node,
    partitions: group.map((p) => ({
      topic: p.topic,
      topicId: p.topicId,
      partition: p.partition,
      offset: p.next,
      leaderEpoch: p.leaderEpoch,
    })),
    maxWaitMs: tuning.maxWaitMs,
    maxBytes: tuning.maxBytes,
    partitionMaxBytes: tuning.partitionMaxBytes,
  });
}

/**
 * Turns the results of a fetch from `node` into protocol lines and batches for the main thread;
 * follows a leader's redirect to a replica, and takes a replica's errors back to the leaders.
 */
async function deliver(
  worker: WorkerState,
  node: number,
  group: Position[],
  results: FetchedPartition[],
): Promise<void> {
  const { decode } = worker.start;
  const progressBefore = new Map(group.map((p) => [p, p.next]));
  const emittedAt = Date.now();
  const batch = worker.batch;
  // By key, not by a search of the group: a fetch may cover thousands of partitions.
  const byKey = new Map(group.map((p) => [`${p.topicId}\u0000${p.partition}`, p]));
  const redirected: Position[] = [];
  const replicaErrors = new Map<string, Position[]>();
  for (const result of results) {
    const position = byKey.get(`${result.topicId}\u0000${result.partition}`);
    if (!position || worker.ended.has(position.topicId)) continue;
    if (result.error !== null) {
      worker.fetchStats.failed(result.error);
      if (isReplica(position, node))
        replicaErrors.set(result.error, [...(replicaErrors.get(result.error) ?? []), position]);
      else await handlePartitionError(worker, position, result.error);
      continue;
    }
    if (result.preferredReadReplica >= 0 && result.preferredReadReplica !== node) {
      // A leader naming a replica sends no records (librdkafka drops any it would): they are read
      // from the replica, from the same offset. Not a read either: failures and the retry budget
      // stay as they were, so that a leader that keeps naming a failing replica cannot loop for
      // ever (leaveReplica).
      if (followReplica(position, result.preferredReadReplica)) redirected.push(position);
      continue;
    }
    worker.fetchStats.received(position.topic, result.fetchedBytes);
    position.retry.succeeded();
    position.failures = 0;
    position.unknownWarned = false;
    batch.ends.set(position, result.highWatermark);
    position.end = Math.max(position.end, result.highWatermark);
    const origin = { topic: position.topic, partition: position.partition, logAppendTime: result.logAppendTime };
    const lines = new RecordLines(origin, emittedAt, decode, worker.schemas?.decode);
    const written = await writeBatches(worker, position, result.batches, lines);
    // Bytes freed at once count too: only a forced collection gives the allocator's freed pages
    // back. Fetched bytes count a sixteenth: a collection every 16 MiB fetched took 1.4× the CPU
    // of a 10M read in purging and faulting pages back, and none let it creep up (0014).
    worker.collector.fetched(result.fetchedBytes / 16 + written.decompressedBytes, lines.recordsAsObjects);
    if (written.lastTimestamp !== undefined) batch.timestamps.set(position, written.lastTimestamp);
    const before = position.next;
    // Past the batches returned, unless one of them could not be read: then up to it.
    const next = written.unreadableFrom ?? result.nextOffset;
    if (next !== null) position.next = Math.max(position.next, next);
    if (position.to !== null) position.next = Math.min(position.next, position.to);
    if (position.next !== before) batch.moved.set(position, position.next);
  }
  batch.send();
  for (const [replica, followed] of Map.groupBy(redirected, (p) => p.replica)) {
    worker.post({
      type: "log",
      level: "INFO",
      message: `${describePartitions(followed)}: reading from broker ${replica}, the replica their leader named for rack ${worker.start.clientRack}`,
    });
  }
  for (const [error, failed] of replicaErrors) await leaveReplica(worker, failed, node, `answered ${error}`);
  worker.collector.collectIfDue();
  await watchForStalls(worker, group, progressBefore);
}

/**
 * Writes the lines of the records of `batches` from the position's next offset (up to its end, if
 * it has one), a batch at a time: each is decompressed when it is reached and freed once written.
 * A batch that does not open (decompress or parse) ends the partition's part of the fetch there,
 * and the partition is read a batch at a time from it (or, if it already was, the read fails).
 */
async function writeBatches(
  worker: WorkerState,
  position: Position,
  batches: FetchedBatch[],
  lines: RecordLines,
): Promise<{ lastTimestamp: number | undefined; unreadableFrom: number | null; decompressedBytes: number }> {
  const batch = worker.batch;
  const schemas = worker.schemas;
  let lastTimestamp: number | undefined;
  let decompressedBytes = 0;
  let unreadableFrom: number | null = null;
  for (const fetched of batches) {
    // A fetch returns whole batches, which may begin before the offset asked for.
    if (lastOffset(fetched.header) < position.next) continue;
    if (position.to !== null && fetched.header.firstOffset >= position.to) break;
    let opened: OpenBatch;
    let records: RecordColumns;
    try {
      opened = fetched.open();
      records = worker.columns.read(opened);
    } catch (error) {
      if (!(error instanceof CorruptBatchError)) throw error;
      worker.fetchStats.failed(unreadableResponse);
      if (position.oneBatch) throw unreadableBatch(position, error);
      position.oneBatch = true;
      unreadableFrom = fetched.header.firstOffset;
      break;
    }
    decompressedBytes += opened.decompressedBytes + (opened.releasable?.length ?? 0);
    if (schemas) {
      const wanted = records
        .toArray()
        .filter((r) => r.offset >= position.next && (position.to === null || r.offset < position.to));
      await schemas.prepare(position.topic, position.partition, wanted, worker.start.decode);
    }
    for (let i = 0; i < records.length; i++) {
      const offset = records.offsets[i] as number;
      if (offset < position.next) continue;
      if (position.to !== null && offset >= position.to) break;
      lastTimestamp = records.timestamps[i];
      // A skipped record (Debezium's tombstone) still moves the checkpoint past it.
      if (lines.write(batch.lines, records, i)) batch.added(position);
      if (batch.full()) {
        batch.moved.set(position, offset + 1);
        batch.send();
        // The records' bytes stay as they are until this batch is written.
        await untilRoomForBatch(worker);
      }
    }
    // Its records are written: nothing reads its bytes again.
    if (opened.releasable) releaseBytes(opened.releasable);
  }
  return { lastTimestamp, unreadableFrom, decompressedBytes };
}

/** The failure of a partition read a batch at a time whose batch at its next offset cannot be read. */
function unreadableBatch(p: Position, error: Error): ConfigError {
  return new ConfigError(
    `${p.topic} partition ${p.partition}: the record batch holding offset ${p.next} cannot be read (${error.message}); ` +
      "it is corrupt in Kafka, and no record of it can be emitted, whatever on_decode_error says. To skip it, resume from a " +
      "state past that batch, or delete the records before the offset after it",
  );
}
