/**
 * A read worker: owns some partitions, fetches them, decodes each record and serialises it to a
 * protocol line, and hands the main thread ready bytes. At most `maxBatchesInFlight` batches wait
 * for the main thread's ack, so a slow stdout slows fetching instead of growing memory.
 */
import { toDocument } from "../decode/document.ts";
import { ConfigError, failureType, oneLine } from "../errors.ts";
import { KafkaClient } from "../kafka/client.ts";
import { RegistryClient } from "../registry/client.ts";
import { SchemaCache } from "../registry/schemas.ts";
import type { Assignment, Batch, FromWorker, ToWorker, WorkerStart } from "./messages.ts";

declare const self: Worker;

type Position = Assignment & { next: number };

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
    positions = message.assignments.map((a) => ({ ...a, next: a.from }));
    client = new KafkaClient(message.settings);
    if (message.registry) schemas = new SchemaCache(new RegistryClient(message.registry, message.settings.connect_timeout_ms));
    run().catch((error) => post({ type: "error", failureType: failureType(error), message: oneLine(error) }));
  } else if (message.type === "ack") {
    inFlight--;
    wake();
  } else if (message.type === "add") {
    positions.push(...message.assignments.map((a) => ({ ...a, next: a.from })));
    wake();
  } else if (message.type === "stop") {
    stopping = true;
    wake();
  }
};

async function run(): Promise<void> {
  const tailing = positions.some((p) => p.to === null);
  while (!stopping) {
    const active = positions.filter((p) => p.to === null || p.next < p.to);
    if (active.length === 0) {
      if (!tailing) break;
      await sleep(idleWaitMs);
      continue;
    }
    while (inFlight >= start.tuning.maxBatchesInFlight && !stopping) await new Promise<void>((resolve) => (wakeUp = resolve));
    if (stopping) break;
    await fetchOnce(active);
  }
  await client.close();
  post({ type: "done" });
}

async function fetchOnce(active: Position[]): Promise<void> {
  const byLeader = Map.groupBy(active, (p) => p.leader);
  for (const [leader, group] of byLeader) {
    const results = await client.fetch({
      node: leader,
      partitions: group.map((p) => ({ topicId: p.topicId, partition: p.partition, offset: p.next, leaderEpoch: p.leaderEpoch })),
      maxWaitMs: start.tuning.maxWaitMs,
      maxBytes: start.tuning.maxBytes,
      partitionMaxBytes: start.tuning.partitionMaxBytes,
    });
    const emittedAt = Date.now();
    let lines = "";
    const moved: [string, number, number][] = [];
    const counts = new Map<string, number>();
    for (const result of results) {
      const position = group.find((p) => p.topicId === result.topicId && p.partition === result.partition);
      if (!position) continue;
      if (result.error !== null) {
        await handlePartitionError(position, result.error, result.logStartOffset, result.highWatermark);
        continue;
      }
      const streamPrefix = `{"type":"RECORD","record":{"stream":${JSON.stringify(position.topic)},"data":`;
      const suffix = `,"emitted_at":${emittedAt}}}\n`;
      let count = 0;
      if (schemas) {
        const wanted = result.records.filter((r) => r.offset >= position.next && (position.to === null || r.offset < position.to));
        await schemas.prepare(position.topic, position.partition, wanted, start.decode);
      }
      for (const record of result.records) {
        // A fetch returns whole batches, which may begin before the offset asked for.
        if (record.offset < position.next) continue;
        if (position.to !== null && record.offset >= position.to) break;
        const document = toDocument(
          { ...record, topic: position.topic, partition: position.partition, logAppendTime: result.logAppendTime },
          start.decode,
          schemas?.decode,
        );
        lines += streamPrefix + JSON.stringify(document) + suffix;
        count++;
      }
      const before = position.next;
      if (result.nextOffset !== null) position.next = Math.max(position.next, result.nextOffset);
      if (position.to !== null) position.next = Math.min(position.next, position.to);
      if (position.next !== before) moved.push([position.topic, position.partition, position.next]);
      if (count > 0) counts.set(position.topic, (counts.get(position.topic) ?? 0) + count);
    }
    if (moved.length > 0 || lines.length > 0) sendBatch(lines, moved, [...counts]);
  }
}

function sendBatch(text: string, moved: [string, number, number][], counts: [string, number][]): void {
  batchesSent++;
  if (start.failAfterBatches !== undefined && batchesSent > start.failAfterBatches) {
    throw new Error(`injected worker fault after ${start.failAfterBatches} batches`);
  }
  const lines = encoder.encode(text);
  const batch: Batch = { type: "batch", lines, positions: moved, counts };
  inFlight++;
  post(batch, [lines.buffer as ArrayBuffer]);
}

async function handlePartitionError(position: Position, error: string, logStart: number, end: number): Promise<void> {
  const where = `${position.topic} partition ${position.partition}`;
  if (error === "OFFSET_OUT_OF_RANGE") {
    if (start.onOutOfRange === "earliest") {
      const [earliest] = [...(await client.offsets(position.topic, [position.partition], "earliest")).values()];
      post({ type: "log", level: "WARN", message: `${where}: offset ${position.next} is no longer kept; reset to earliest ${earliest}, skipping ${Math.max(0, earliest - position.next)} offsets` });
      position.next = earliest;
      return;
    }
    throw new ConfigError(
      `${where}: offset ${position.next} is out of range (available ${logStart}..${end}); retention may have removed it. Set on_offset_out_of_range to earliest to skip ahead`,
    );
  }
  if (["NOT_LEADER_OR_FOLLOWER", "LEADER_NOT_AVAILABLE", "FENCED_LEADER_EPOCH", "UNKNOWN_LEADER_EPOCH"].includes(error)) {
    // Leadership moved: learn the new leader and fetch from it next time round.
    const info = (await client.describeTopics([position.topic])).get(position.topic)?.partitions[position.partition];
    if (info) {
      position.leader = info.leader;
      position.leaderEpoch = info.leaderEpoch;
    }
    await sleep(idleWaitMs);
    return;
  }
  if (error === "UNKNOWN_TOPIC_OR_PARTITION" || error === "UNKNOWN_TOPIC_ID") {
    throw new ConfigError(`topic ${position.topic} partition ${position.partition} no longer exists (deleted during the read?)`);
  }
  throw new ConfigError(`${where}: Kafka answered ${error}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
