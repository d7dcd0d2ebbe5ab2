/**
 * A read worker: owns some partitions, fetches them, decodes each record and serialises it to a
 * protocol line, and hands the main thread ready bytes. At most `maxBatchesInFlight` batches wait
 * for the main thread's ack, so a slow stdout slows fetching instead of growing memory.
 */
import { documentJson } from "../decode/document.ts";
import { ConfigError, TransientError, failureType, oneLine } from "../errors.ts";
import { KafkaClient, UnreadableResponseError, transientPartitionErrors, type FetchedPartition } from "../kafka/client.ts";
import type { SchemaCache } from "../registry/schemas.ts";
import type { Assignment, Batch, FetchTuning, FromWorker, PartitionPosition, ToWorker, WorkerStart } from "./messages.ts";
import { PeriodicCollector } from "./collector.ts";
import { RetryBudget } from "./retry.ts";

declare const self: Worker;

type Position = Assignment & {
  next: number;
  retry: RetryBudget;
  /** No fetch before this time (ms since the epoch): backing off after a failure. */
  notBefore: number;
  /** Fetched alone, one record batch at a time: a response holding it could not be read. */
  oneBatch: boolean;
  /** The end of the log as last seen, for telling "nothing to read" from "not being served". */
  end: number;
  /** Since when the partition has had data to read but fetches brought none of it; null while it moves. */
  stalledSince: number | null;
  /** Failures in a row; every few, the client reconnects (see retryLater). */
  failures: number;
  /** A WARN said that a broker calls the partition unknown though metadata lists it; reset once served. */
  unknownWarned: boolean;
};

const encoder = new TextEncoder();
const idleWaitMs = 100;

let start: WorkerStart;
let client: KafkaClient;
let schemas: SchemaCache | undefined;
let positions: Position[] = [];
let inFlight = 0;
let stopping = false;
let batchesSent = 0;
let wakeUp: (() => void) | null = null;

const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => self.postMessage(message, transfer);
const wake = () => {
  wakeUp?.();
  wakeUp = null;
};

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "start") {
    start = message;
    positions = message.assignments.map(toPosition);
    client = new KafkaClient(message.settings);
    run().catch((error) => post({ type: "error", failureType: failureType(error), message: oneLine(error) }));
  } else if (message.type === "ack") {
    inFlight--;
    wake();
  } else if (message.type === "add") {
    positions.push(...message.assignments.map(toPosition));
    wake();
  } else if (message.type === "stop") {
    stopping = true;
    wake();
  }
};

/**
 * The schema registry's decoders, loaded only when one is configured: they bring Avro and
 * Protobuf libraries whose code would otherwise cost every worker a few MB for nothing.
 */
async function registrySchemas(registry: NonNullable<WorkerStart["registry"]>, timeoutMs: number): Promise<SchemaCache> {
  const [{ RegistryClient }, { SchemaCache }] = await Promise.all([import("../registry/client.ts"), import("../registry/schemas.ts")]);
  return new SchemaCache(new RegistryClient(registry, timeoutMs));
}

const toPosition = (a: Assignment): Position => ({ ...a, next: a.from, retry: new RetryBudget(start.retryBudgetMs), notBefore: 0, oneBatch: false, end: a.to ?? 0, stalledSince: null, failures: 0, unknownWarned: false });

async function run(): Promise<void> {
  if (start.registry) schemas = await registrySchemas(start.registry, start.settings.connect_timeout_ms);
  const tailing = positions.some((p) => p.to === null);
  while (!stopping) {
    const active = positions.filter((p) => p.to === null || p.next < p.to);
    if (active.length === 0) {
      if (!tailing) break;
      await sleep(idleWaitMs);
      continue;
    }
    const now = Date.now();
    const ready = active.filter((p) => p.notBefore <= now);
    if (ready.length === 0) {
      // Every partition left is backing off; the wait is at most RetryBudget.maxDelayMs.
      await sleep(Math.min(...active.map((p) => p.notBefore)) - now);
      continue;
    }
    while (inFlight >= start.tuning.maxBatchesInFlight && !stopping) await new Promise<void>((resolve) => (wakeUp = resolve));
    if (stopping) break;
    await fetchOnce(ready);
  }
  await client.close();
  post({ type: "done" });
}

async function fetchOnce(ready: Position[]): Promise<void> {
  for (const [leader, group] of Map.groupBy(ready.filter((p) => !p.oneBatch), (p) => p.leader)) {
    await attempt(group, () => fetchFrom(leader, group, start.tuning), isolate);
  }
  for (const position of ready.filter((p) => p.oneBatch)) {
    const oneBatch = { ...start.tuning, maxBytes: 1, partitionMaxBytes: 1 };
    await attempt([position], () => fetchFrom(position.leader, [position], oneBatch), ([p], error) => {
      throw new ConfigError(
        `${p!.topic} partition ${p!.partition}: the record batch holding offset ${p!.next} cannot be read (${error.message}); ` +
          "it is corrupt in Kafka, and no record of it can be emitted, whatever on_decode_error says. To skip it, resume from a " +
          "state past that batch, or delete the records before the offset after it",
      );
    });
  }
}

/**
 * Fetches for `group` and delivers what came back. A failure that may pass (the broker is down,
 * leadership moved) makes the group wait and look up its leaders again, within the retry budget;
 * a response that cannot be read goes to `onUnreadable`.
 */
async function attempt(
  group: Position[],
  fetch: () => Promise<FetchedPartition[]>,
  onUnreadable: (group: Position[], error: UnreadableResponseError) => Promise<void> | never,
): Promise<void> {
  let results: FetchedPartition[];
  try {
    results = await fetch();
  } catch (error) {
    if (error instanceof UnreadableResponseError) return onUnreadable(group, error);
    if (error instanceof TransientError) return retryLater(group, error.message);
    throw error;
  }
  await deliver(group, results);
}

/**
 * A response for several partitions could not be read: fetch each alone to learn which, and read
 * that one a batch at a time from here, so that the failure can name the batch's offset.
 */
async function isolate(group: Position[]): Promise<void> {
  if (group.length === 1) {
    group[0]!.oneBatch = true;
    return;
  }
  for (const position of group) {
    await attempt([position], () => fetchFrom(position.leader, [position], start.tuning), isolate);
  }
}

function fetchFrom(leader: number, group: Position[], tuning: FetchTuning): Promise<FetchedPartition[]> {
  return client.fetch({
    node: leader,
    partitions: group.map((p) => ({ topic: p.topic, topicId: p.topicId, partition: p.partition, offset: p.next, leaderEpoch: p.leaderEpoch })),
    maxWaitMs: tuning.maxWaitMs,
    maxBytes: tuning.maxBytes,
    partitionMaxBytes: tuning.partitionMaxBytes,
  });
}

/**
 * What the next batch for the main thread holds: lines, where each partition stands after them,
 * and how many records of each stream. A batch is cut at `checkpoint_records` records or
 * `maxBatchChars` characters, so that STATEs can come that often and batches stay small.
 */
class PendingBatch {
  lines = "";
  records = 0;
  readonly moved = new Map<Position, number>();
  readonly counts = new Map<string, number>();
  readonly ends = new Map<Position, number>();

  add(position: Position, line: string): void {
    this.lines += line;
    this.records++;
    this.counts.set(position.topic, (this.counts.get(position.topic) ?? 0) + 1);
  }

  full(): boolean {
    return this.records >= start.tuning.maxBatchRecords || this.lines.length >= start.tuning.maxBatchChars;
  }

  send(): void {
    if (this.moved.size === 0 && this.lines.length === 0) return;
    const ends = [...this.ends].map(([p, end]): [string, number, number] => [p.topic, p.partition, end]);
    sendBatch(this.lines, [...this.moved].map(([p, next]) => [p.topic, p.partition, next, p.topicId]), [...this.counts], ends);
    this.lines = "";
    this.records = 0;
    this.moved.clear();
    this.counts.clear();
    this.ends.clear();
  }
}

/** Turns a fetch's results into protocol lines and batches for the main thread. */
async function deliver(group: Position[], results: FetchedPartition[]): Promise<void> {
  const progressBefore = new Map(group.map((p) => [p, p.next]));
  const emittedAt = Date.now();
  const batch = new PendingBatch();
  for (const result of results) {
    const position = group.find((p) => p.topicId === result.topicId && p.partition === result.partition);
    if (!position || ended.has(position.topicId)) continue;
    if (result.error !== null) {
      await handlePartitionError(position, result.error);
      continue;
    }
    position.retry.succeeded();
    position.failures = 0;
    position.unknownWarned = false;
    batch.ends.set(position, result.highWatermark);
    position.end = Math.max(position.end, result.highWatermark);
    const prefix = `{"type":"RECORD","record":{"stream":${JSON.stringify(position.topic)},"data":`;
    const suffix = `,"emitted_at":${emittedAt}}}\n`;
    const origin = { topic: position.topic, partition: position.partition, logAppendTime: result.logAppendTime };
    if (schemas) {
      const wanted = result.records.filter((r) => r.offset >= position.next && (position.to === null || r.offset < position.to));
      await schemas.prepare(position.topic, position.partition, wanted, start.decode);
    }
    for (const record of result.records) {
      // A fetch returns whole batches, which may begin before the offset asked for.
      if (record.offset < position.next) continue;
      if (position.to !== null && record.offset >= position.to) break;
      batch.add(position, prefix + documentJson(origin, record, start.decode, schemas?.decode) + suffix);
      if (batch.full()) {
        batch.moved.set(position, record.offset + 1);
        batch.send();
      }
    }
    const before = position.next;
    if (result.nextOffset !== null) position.next = Math.max(position.next, result.nextOffset);
    if (position.to !== null) position.next = Math.min(position.next, position.to);
    if (position.next !== before) batch.moved.set(position, position.next);
  }
  batch.send();
  collector.collectIfDue();
  await watchForStalls(group, progressBefore);
}

const reconnectEvery = 5;

async function reconnect(): Promise<void> {
  await client.close();
  client = new KafkaClient(start.settings);
}

/** How long a partition may have data waiting without a fetch bringing any before the client reconnects. */
const stallLimitMs = 15_000;

/**
 * A partition with data waiting that successive fetches leave out is not being served: the
 * broker's incremental fetch session (KIP-227) can lose track of it. Counting that against the
 * retry budget and reconnecting (a new client starts a new session) turns a silent hang into a
 * retry, and past the budget into a transient error.
 */
async function watchForStalls(group: Position[], before: Map<Position, number>): Promise<void> {
  const now = Date.now();
  const stalled: Position[] = [];
  for (const p of group) {
    const waiting = (p.to ?? p.end) > p.next;
    if (!waiting || p.next !== before.get(p)) {
      p.stalledSince = null;
      continue;
    }
    p.stalledSince ??= now;
    if (now - p.stalledSince >= stallLimitMs) stalled.push(p);
  }
  if (stalled.length === 0) return;
  const where = stalled.map((p) => `${p.topic} partition ${p.partition} at offset ${p.next} of ${p.to ?? p.end}`).join(", ");
  post({ type: "log", level: "WARN", message: `no data for ${stallLimitMs / 1000} s from ${where}; reconnecting` });
  for (const p of stalled) p.stalledSince = null;
  await reconnect();
  await retryLater(stalled, `no data served for ${stallLimitMs / 1000} s`);
}

const collector = new PeriodicCollector();

function sendBatch(text: string, moved: PartitionPosition[], counts: [string, number][], ends: [string, number, number][]): void {
  batchesSent++;
  if (start.failAfterBatches !== undefined && batchesSent > start.failAfterBatches) {
    throw new Error(`injected worker fault after ${start.failAfterBatches} batches`);
  }
  const lines = encoder.encode(text);
  const batch: Batch = { type: "batch", lines, positions: moved, counts, ends };
  inFlight++;
  collector.written(lines.length);
  post(batch, [lines.buffer as ArrayBuffer]);
}

async function handlePartitionError(position: Position, error: string): Promise<void> {
  const where = `${position.topic} partition ${position.partition}`;
  if (error === "OFFSET_OUT_OF_RANGE") {
    // Asked at once, a broker has answered OFFSET_OUT_OF_RANGE for a new partition's offset 0
    // (saying the range is -1..-1): believe it only when the partition's offsets confirm it.
    const earliest = (await client.offsets(position.topic, [position.partition], "earliest")).get(position.partition)!;
    const latest = (await client.offsets(position.topic, [position.partition], "latest")).get(position.partition)!;
    if (position.next >= earliest && position.next <= latest) return retryLater([position], `${error} for offset ${position.next} of ${earliest}..${latest}`);
    if (start.onOutOfRange === "earliest") {
      post({ type: "log", level: "WARN", message: `${where}: offset ${position.next} is no longer kept; reset to earliest ${earliest}, skipping ${Math.max(0, earliest - position.next)} offsets` });
      position.next = earliest;
      return;
    }
    throw new ConfigError(
      `${where}: offset ${position.next} is out of range (available ${earliest}..${latest}); retention may have removed it. Set on_offset_out_of_range to earliest to skip ahead`,
    );
  }
  if (transientPartitionErrors.has(error)) return retryLater([position], error);
  if (error === "UNKNOWN_TOPIC_OR_PARTITION" || error === "UNKNOWN_TOPIC_ID") {
    // A broker that has just restarted may not know the partition yet: only the cluster's
    // metadata can tell that the topic is gone.
    const gone = await deleted(position).catch((e: unknown) => (e instanceof TransientError ? undefined : Promise.reject(e)));
    if (gone === undefined) return retryLater([position], error);
    if (!gone) {
      // Odd unless the broker is just starting: say so at once rather than only when the budget runs out.
      const odd = `broker ${position.leader} answered ${error} for ${where}, though the cluster's metadata lists the topic`;
      if (!position.unknownWarned) {
        position.unknownWarned = true;
        post({ type: "log", level: "WARN", message: `${odd}; retrying for up to ${start.retryBudgetMs / 1000} s (a restarting broker may not know it yet; if this lasts, the broker does not serve the topic as it is named in the fetch)` });
      }
      return retryLater([position], odd);
    }
    if (position.to !== null) {
      throw new ConfigError(`topic ${position.topic} was deleted during the read (partition ${position.partition} was at offset ${position.next} of ${position.to})`);
    }
    return endTopic(position);
  }
  throw new ConfigError(`${where}: Kafka answered ${error}`);
}

/**
 * Counts a failure against the budget of each of `group`'s partitions, sets when each tries
 * next, and looks up their leaders again (a restarted broker or an election moves them).
 */
async function retryLater(group: Position[], reason: string): Promise<void> {
  // An error that persists through several tries may be state held for this client (a fetch
  // session, a connection): start afresh with a new client every few failures.
  if (group.some((p) => ++p.failures % reconnectEvery === 0)) await reconnect();
  for (const p of group) {
    const delay = p.retry.failed();
    if (delay === null) {
      throw new TransientError(
        `${p.topic} partition ${p.partition}: no broker served it for ${Math.round(p.retry.failingForMs() / 1000)} s ` +
          `(retry_budget_ms is ${start.retryBudgetMs}); last error: ${reason}`,
      );
    }
    p.notBefore = Date.now() + delay;
  }
  let topics;
  try {
    topics = await client.describeTopics([...new Set(group.map((p) => p.topic))]);
  } catch (error) {
    // The cluster is not answering metadata either: keep the leaders we know and try again later.
    if (error instanceof TransientError) return;
    throw error;
  }
  for (const p of group) {
    const info = topics.get(p.topic)?.partitions[p.partition];
    if (info && info.leader >= 0) {
      p.leader = info.leader;
      p.leaderEpoch = info.leaderEpoch;
    }
  }
}

/** True when the cluster no longer has the position's topic (or has a new topic of that name). */
async function deleted(position: Position): Promise<boolean> {
  const topic = (await client.describeTopics([position.topic])).get(position.topic);
  return topic === undefined || topic.id !== position.topicId;
}

/** Ids of topics deleted while tailing: their partitions are no longer read. */
const ended = new Set<string>();

/**
 * Tailing, a deleted topic's partitions stop here; the other topics go on, and the final STATE
 * keeps where they stopped. By id: a topic created again under the name is another topic, which
 * the main thread hands out afresh.
 */
function endTopic(deleted: Position): void {
  ended.add(deleted.topicId);
  const stopped = positions.filter((p) => p.topicId === deleted.topicId);
  positions = positions.filter((p) => p.topicId !== deleted.topicId);
  const where = stopped.map((p) => `partition ${p.partition} at offset ${p.next}`).join(", ");
  post({ type: "log", level: "WARN", message: `topic ${deleted.topic} was deleted; its partitions stop here (${where}) while the others go on` });
  post({ type: "ended", topic: deleted.topic, topicId: deleted.topicId });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
