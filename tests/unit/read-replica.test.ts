/**
 * Rack-aware fetching in a read worker (KIP-392), against a fake cluster: which node each fetch
 * goes to when a leader names a replica, when that replica fails in each way, and when its lease
 * ends; and that the worker's output stays every offset once, in order, through every move. No
 * broker: tests/broker/cluster-faults.test.ts proves the same against three real brokers with
 * broker.rack and the RackAwareReplicaSelector; this pins each rule alone.
 */
import { expect, test } from "bun:test";
import { TransientError } from "../../src/errors.ts";
import { fetchOnce } from "../../src/worker/fetching.ts";
import type { Batch, FromWorker, WorkerStart } from "../../src/worker/messages.ts";
import { stallLimitMs, watchForStalls } from "../../src/worker/partition-errors.ts";
import { fetchNode, followReplica, replicaLeaseMs } from "../../src/worker/read-replica.ts";
import { WorkerOutput } from "../../src/pool/worker-output.ts";
import { RetryBudget } from "../../src/retry.ts";
import { batchesOf } from "../support/columns.ts";
import {
  newWorkerState,
  type FetchedPartition,
  type FetchRequest,
  type Position,
  type TopicInfo,
  type WorkerClient,
} from "../../src/worker/state.ts";

const topic = "events";
const topicId = "id-events";

/**
 * Brokers 1-3 holding `events`: partition p led by `leaders[p]`, every broker a replica with the
 * whole log (`logEnd` records). A leader answers a fetch with `named` replica of the partition,
 * if any, and no records; a replica may be down (no answer) or answer an error.
 */
class FakeBrokers implements WorkerClient {
  leaders = [1, 2];
  logEnd = 30;
  perFetch = 4;
  /** The replica each partition's leader names; none: it serves the fetch itself. */
  named = new Map<number, number>();
  down = new Set<number>();
  /** An error a broker answers for partitions it is a replica of (not the leader). */
  replicaError = new Map<number, string>();
  /** Each fetch: [node, [partition, offset][]]. */
  fetches: [number, [number, number][]][] = [];

  async fetch(request: FetchRequest): Promise<FetchedPartition[]> {
    this.fetches.push([request.node, request.partitions.map((p) => [p.partition, p.offset])]);
    if (this.down.has(request.node))
      throw new TransientError(`TCP step: Kafka is unreachable at broker ${request.node} during fetch`);
    return request.partitions.map(({ partition, offset }) => {
      const leader = this.leaders[partition] === request.node;
      const named = leader ? (this.named.get(partition) ?? -1) : -1;
      const error = leader ? null : (this.replicaError.get(request.node) ?? null);
      const served = named < 0 && error === null;
      const offsets = served ? range(offset, Math.min(offset + this.perFetch, this.logEnd)) : [];
      return {
        topicId,
        partition,
        error,
        highWatermark: this.logEnd,
        logStartOffset: 0,
        logAppendTime: false,
        batches: batchesOf(
          offsets.map((o) => ({ offset: o, timestamp: 1_700_000_000_000, value: JSON.stringify({ partition, o }) })),
        ),
        nextOffset: offsets.length > 0 ? offset + offsets.length : null,
        fetchedBytes: 0,
        preferredReadReplica: named,
      };
    });
  }
  async offsets(): Promise<Map<number, number>> {
    throw new Error("not asked in these tests");
  }
  async describeTopics(): Promise<Map<string, TopicInfo>> {
    const info: TopicInfo = {
      name: topic,
      id: topicId,
      partitions: this.leaders.map((leader, partition) => ({ partition, leader, leaderEpoch: 0 })),
    };
    return new Map([[topic, info]]);
  }
  async close(): Promise<void> {}
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

function setUp(budgetMs = 60_000) {
  const cluster = new FakeBrokers();
  const posted: FromWorker[] = [];
  const start = {
    type: "start",
    clientRack: "rack-3",
    decode: { keyFormat: "auto", valueFormat: "auto", onDecodeError: "fail" },
    assignments: cluster.leaders.map((leader, partition) => ({
      topic,
      topicId,
      partition,
      leader,
      leaderEpoch: 0,
      from: 0,
      to: cluster.logEnd,
    })),
    tuning: {
      maxWaitMs: 100,
      maxBytes: 1 << 20,
      partitionMaxBytes: 1 << 20,
      maxBatchesInFlight: 4,
      maxBatchRecords: 1000,
      maxBatchBytes: 1 << 20,
    },
    retryBudgetMs: budgetMs,
    onOutOfRange: "fail",
  } as unknown as WorkerStart;
  const worker = newWorkerState(
    start,
    () => cluster,
    (message) => posted.push(message),
  );
  const position = (partition: number): Position => worker.positions[partition]!;
  /** The main thread's view of the worker's output buffers (no batch is acked here: none is written over). */
  const output = new WorkerOutput();
  /** One round of the worker's loop: fetch what is ready (not backing off). */
  const round = () =>
    fetchOnce(
      worker,
      worker.positions.filter((p) => p.next < (p.to ?? 0) && p.notBefore <= Date.now()),
    );
  /** Offsets of `partition` in the RECORD lines posted, in order. */
  const emitted = (partition: number) =>
    posted
      .filter((m): m is Batch => m.type === "batch")
      .flatMap((b) => new TextDecoder().decode(output.bytes(b.lines)).split("\n").filter(Boolean))
      .map((line) => JSON.parse(line).record.data)
      .filter((data) => data._kafka_partition === partition)
      .map((data) => data._kafka_offset as number);
  /** Where each batch said `partition` stood, in order: the checkpoints it allows. */
  const checkpoints = (partition: number) =>
    posted
      .filter((m): m is Batch => m.type === "batch")
      .flatMap((b) => b.positions.filter(([, p]) => p === partition).map(([, , next]) => next));
  const logs = () => posted.flatMap((m) => (m.type === "log" ? [`${m.level} ${m.message}`] : []));
  return { cluster, worker, position, round, emitted, checkpoints, logs };
}

/** The nodes the fetches of `partition` went to, in order. */
const nodesOf = (cluster: FakeBrokers, partition: number) =>
  cluster.fetches.filter(([, ps]) => ps.some(([p]) => p === partition)).map(([node]) => node);

test("a partition its leader redirects is read from the named replica, from the same offset, every offset once", async () => {
  const { cluster, round, emitted, checkpoints, logs } = setUp();
  cluster.named.set(0, 3);
  for (let i = 0; i < 10; i++) await round();
  expect(nodesOf(cluster, 0)).toEqual([1, 3, 3, 3, 3, 3, 3, 3, 3]);
  // The leader's redirect carried no records and moved nothing; the replica's first fetch asks for offset 0.
  expect(cluster.fetches.filter(([node]) => node === 3)[0]).toEqual([3, [[0, 0]]]);
  expect(emitted(0)).toEqual(range(0, 30));
  expect(checkpoints(0)).toEqual([4, 8, 12, 16, 20, 24, 28, 30]);
  // Partition 1's leader names none: it is read from its leader all along.
  expect(new Set(nodesOf(cluster, 1))).toEqual(new Set([2]));
  expect(emitted(1)).toEqual(range(0, 30));
  expect(logs()).toEqual([
    "INFO events partition 0: reading from broker 3, the replica their leader named for rack rack-3",
  ]);
});

test("partitions led by different brokers and named to one replica are fetched from it together", async () => {
  const { cluster, round } = setUp();
  cluster.named.set(0, 3);
  cluster.named.set(1, 3);
  await round();
  await round();
  expect(cluster.fetches).toEqual([
    [1, [[0, 0]]],
    [2, [[1, 0]]],
    [
      3,
      [
        [0, 0],
        [1, 0],
      ],
    ],
  ]);
});

test("a replica's OFFSET_OUT_OF_RANGE sends the partition back to its leader at once: no wait, no offset skipped or repeated", async () => {
  const { cluster, position, round, emitted, logs } = setUp();
  cluster.named.set(0, 3);
  await round(); // redirected
  await round(); // read offsets 0-3 from broker 3
  // Broker 3 lags now (its high watermark or log start): its answer is not final; the leader's is.
  cluster.replicaError.set(3, "OFFSET_OUT_OF_RANGE");
  cluster.named.delete(0);
  await round();
  expect(position(0).notBefore).toBe(0);
  expect(position(0).retry.failingForMs()).toBe(0);
  await round();
  while (position(0).next < 30) await round();
  expect(nodesOf(cluster, 0).slice(0, 4)).toEqual([1, 3, 3, 1]);
  expect(cluster.fetches.filter(([node]) => node === 1)[1]).toEqual([1, [[0, 4]]]);
  expect(emitted(0)).toEqual(range(0, 30));
  expect(logs()).toContain(
    "INFO events partition 0: reading from the leader again; broker 3, the replica read from, answered OFFSET_OUT_OF_RANGE",
  );
});

test("a replica's NOT_LEADER_OR_FOLLOWER or UNKNOWN_TOPIC_OR_PARTITION goes back to the leader, never ends the partition", async () => {
  for (const error of ["NOT_LEADER_OR_FOLLOWER", "UNKNOWN_TOPIC_OR_PARTITION"]) {
    const { cluster, worker, round, emitted } = setUp();
    cluster.named.set(0, 3);
    await round();
    cluster.replicaError.set(3, error);
    cluster.named.delete(0);
    await round();
    while (worker.positions.some((p) => p.next < 30)) await round();
    expect(nodesOf(cluster, 0).slice(0, 3)).toEqual([1, 3, 1]);
    expect(emitted(0)).toEqual(range(0, 30));
    expect(worker.ended.size).toBe(0);
  }
});

test("a replica that does not answer: back to the leader at once; named and failing again, the partition waits and spends its retry budget", async () => {
  const { cluster, position, round, logs } = setUp();
  let now = 0;
  position(0).retry = new RetryBudget(60_000, () => now);
  cluster.named.set(0, 3);
  cluster.down.add(3);
  await round(); // the leader names broker 3
  await round(); // broker 3 does not answer: back to the leader, at once
  expect(position(0).replica).toBe(-1);
  expect(position(0).notBefore).toBe(0);
  now = 500;
  expect(position(0).retry.failingForMs()).toBe(0);
  await round(); // the leader names broker 3 again (the controller has not fenced it yet)
  const before = Date.now();
  await round(); // and it fails again: now that is a retry
  expect(nodesOf(cluster, 0)).toEqual([1, 3, 1, 3]);
  expect(position(0).notBefore).toBeGreaterThanOrEqual(before + RetryBudget.firstDelayMs);
  now = 800;
  expect(position(0).retry.failingForMs()).toBe(300);
  expect(logs().filter((line) => line.includes("reading from the leader again"))).toEqual([
    "INFO events partition 0: reading from the leader again; broker 3, the replica read from, failed: TCP step: Kafka is unreachable at broker 3 during fetch",
    "INFO events partition 0: reading from the leader again; broker 3, the replica read from, failed: TCP step: Kafka is unreachable at broker 3 during fetch",
  ]);
});

test("a leader that names a replica that never serves fails the read after the retry budget, naming the replica", async () => {
  const { cluster, position, round } = setUp(1_000);
  cluster.named.set(0, 3);
  cluster.down.add(3);
  let now = 0;
  position(0).retry = new RetryBudget(1_000, () => now);
  let failure: unknown;
  for (let i = 0; i < 20 && failure === undefined; i++) {
    position(0).notBefore = 0;
    now += 200;
    failure = await round().catch((e: unknown) => e);
  }
  expect(failure).toBeInstanceOf(TransientError);
  expect((failure as Error).message).toBe(
    "events partition 0: no broker served it for 1 s (retry_budget_ms is 1000); last error: broker 3, the replica the leader named, failed: TCP step: Kafka is unreachable at broker 3 during fetch",
  );
});

test("when broker 2 fails, the partition it leads retries later while the one it is a replica of goes back to its leader at once", async () => {
  const { cluster, position, round } = setUp();
  cluster.named.set(0, 2);
  await round(); // partition 0 redirected to broker 2, which also leads partition 1
  cluster.down.add(2);
  await round();
  expect(cluster.fetches.at(-1)).toEqual([
    2,
    [
      [0, 0],
      [1, 4],
    ],
  ]);
  expect(position(0).replica).toBe(-1);
  expect(position(0).notBefore).toBe(0);
  expect(position(1).notBefore).toBeGreaterThan(0);
  expect(position(1).failures).toBe(1);
});

test("a named replica is read from for replicaLeaseMs; then the leader is asked again", () => {
  const { position } = setUp();
  const p = position(0);
  expect(fetchNode(p, 1_000)).toBe(1);
  expect(followReplica(p, 3, 1_000)).toBe(true);
  expect(fetchNode(p, 1_000 + replicaLeaseMs - 1)).toBe(3);
  expect(fetchNode(p, 1_000 + replicaLeaseMs)).toBe(1);
  // The leader naming the same replica again renews the lease, and is no change.
  expect(followReplica(p, 3, 1_000 + replicaLeaseMs)).toBe(false);
  expect(fetchNode(p, 1_000 + 2 * replicaLeaseMs - 1)).toBe(3);
  expect(replicaLeaseMs).toBe(300_000);
});

test("after the lease, the leader is asked again and its answer followed; the read goes on from where it was", async () => {
  const { cluster, position, round, emitted } = setUp();
  cluster.named.set(0, 3);
  await round();
  await round();
  position(0).replicaUntil = Date.now(); // the lease has run out
  cluster.named.set(0, 2); // the leader prefers another replica now
  await round();
  await round();
  while (position(0).next < 30) await round();
  expect(nodesOf(cluster, 0).slice(0, 5)).toEqual([1, 3, 1, 2, 2]);
  expect(cluster.fetches.filter(([node, ps]) => node === 1 && ps[0]?.[0] === 0)[1]).toEqual([1, [[0, 4]]]);
  expect(emitted(0)).toEqual(range(0, 30));
});

test("a replica that serves nothing while data waits is left when the partition stalls", async () => {
  const { worker, position } = setUp();
  const p = position(0);
  followReplica(p, 3, 0);
  const before = new Map([[p, p.next]]);
  await watchForStalls(worker, [p], before, 1_000);
  expect(p.replica).toBe(3);
  await watchForStalls(worker, [p], before, 1_000 + stallLimitMs);
  expect(p.replica).toBe(-1);
  expect(fetchNode(p)).toBe(1);
});
