/**
 * The read worker's partition error policy, against a fake cluster: what is retried (and with
 * which leader), what fails and how it is named, when the client reconnects, and how a topic
 * deleted while tailing ends. No broker: the real-broker behaviour is in cluster-faults and
 * out-of-range tests; this pins each rule alone.
 */
import { expect, test } from "bun:test";
import { ConfigError, TransientError } from "../../src/errors.ts";
import type { FromWorker, WorkerStart } from "../../src/worker/messages.ts";
import {
  handlePartitionError,
  reconnectEvery,
  retryLater,
  stallLimitMs,
  watchForStalls,
} from "../../src/worker/partition-errors.ts";
import { RetryBudget } from "../../src/retry.ts";
import { newWorkerState, type Position, type TopicInfo, type WorkerClient } from "../../src/worker/state.ts";

/** A cluster as the worker sees it: topics by name, each partition's offset range. */
class FakeCluster implements WorkerClient {
  topics = new Map<string, TopicInfo>();
  offsetRange = new Map<string, [number, number]>();
  describeFails: Error | null = null;
  closed = 0;
  async fetch(): Promise<never> {
    throw new Error("the policy never fetches");
  }
  async offsets(topic: string, partitions: number[], at: "earliest" | "latest" | number): Promise<Map<number, number>> {
    return new Map(
      partitions.map((p) => {
        const [low, high] = this.offsetRange.get(`${topic}/${p}`) ?? [0, 0];
        return [p, at === "earliest" ? low : high];
      }),
    );
  }
  async describeTopics(names: string[]): Promise<Map<string, TopicInfo>> {
    if (this.describeFails) throw this.describeFails;
    return new Map(names.flatMap((name) => (this.topics.has(name) ? [[name, this.topics.get(name)!] as const] : [])));
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

const topicInfo = (name: string, id: string, leader = 1): TopicInfo => ({
  name,
  id,
  partitions: [0, 1].map((partition) => ({ partition, leader, leaderEpoch: 7 })),
});

function setUp(options: { tail?: boolean; onOutOfRange?: "fail" | "earliest"; budgetMs?: number } = {}) {
  const cluster = new FakeCluster();
  cluster.topics.set("events", topicInfo("events", "id-events"));
  cluster.topics.set("other", topicInfo("other", "id-other"));
  const posted: FromWorker[] = [];
  let connects = 0;
  const assignment = (topic: string, partition: number) => ({
    topic,
    topicId: `id-${topic}`,
    partition,
    leader: 1,
    leaderEpoch: 7,
    from: 10,
    to: options.tail ? null : 100,
  });
  const start = {
    type: "start",
    assignments: [assignment("events", 0), assignment("events", 1), assignment("other", 0)],
    retryBudgetMs: options.budgetMs ?? 60_000,
    onOutOfRange: options.onOutOfRange ?? "fail",
  } as unknown as WorkerStart;
  const worker = newWorkerState(
    start,
    () => (connects++, cluster),
    (message) => posted.push(message),
  );
  const position = (topic: string, partition: number): Position => {
    const found = worker.positions.find((p) => p.topic === topic && p.partition === partition);
    if (!found) throw new Error(`no position ${topic}/${partition}`);
    return found;
  };
  return { cluster, worker, posted, position, connects: () => connects };
}

test("a leadership error is retried later, with the leader the cluster now names", async () => {
  const { cluster, worker, position } = setUp();
  cluster.topics.set("events", topicInfo("events", "id-events", 3));
  const p = position("events", 1);
  const before = Date.now();
  await handlePartitionError(worker, p, "NOT_LEADER_OR_FOLLOWER");
  expect(p.leader).toBe(3);
  expect(p.notBefore).toBeGreaterThanOrEqual(before + RetryBudget.firstDelayMs);
  expect(p.failures).toBe(1);
  expect(position("events", 0).leader).toBe(1);
});

test("while the cluster cannot answer metadata either, the known leader is kept", async () => {
  const { cluster, worker, position } = setUp();
  cluster.describeFails = new TransientError("cluster unreachable");
  const p = position("events", 0);
  await retryLater(worker, [p], "LEADER_NOT_AVAILABLE");
  expect(p.leader).toBe(1);
  expect(p.notBefore).toBeGreaterThan(0);
});

test("every few failures in a row the worker starts a new client", async () => {
  const { worker, position, connects, cluster } = setUp();
  const p = position("events", 0);
  for (let i = 1; i < reconnectEvery; i++) await retryLater(worker, [p], "REQUEST_TIMED_OUT");
  expect(connects()).toBe(1);
  await retryLater(worker, [p], "REQUEST_TIMED_OUT");
  expect(connects()).toBe(2);
  expect(cluster.closed).toBe(1);
});

test("failures outlasting the retry budget end the read with a transient error naming the partition and the last error", async () => {
  const { worker, position } = setUp({ budgetMs: 1_000 });
  const p = position("events", 1);
  let now = 0;
  p.retry = new RetryBudget(1_000, () => now);
  await retryLater(worker, [p], "LEADER_NOT_AVAILABLE");
  now = 1_001;
  const failure = await retryLater(worker, [p], "LEADER_NOT_AVAILABLE").catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(TransientError);
  expect((failure as Error).message).toBe(
    "events partition 1: no broker served it for 1 s (retry_budget_ms is 1000); last error: LEADER_NOT_AVAILABLE",
  );
});

test("OFFSET_OUT_OF_RANGE for an offset the partition does hold is retried, not believed", async () => {
  const { cluster, worker, position } = setUp();
  cluster.offsetRange.set("events/0", [0, 50]);
  const p = position("events", 0);
  await handlePartitionError(worker, p, "OFFSET_OUT_OF_RANGE");
  expect(p.next).toBe(10);
  expect(p.failures).toBe(1);
});

test("an offset retention removed fails by default, naming partition, offset and the range kept", async () => {
  const { cluster, worker, position } = setUp();
  cluster.offsetRange.set("events/0", [40, 90]);
  const failure = await handlePartitionError(worker, position("events", 0), "OFFSET_OUT_OF_RANGE").catch(
    (e: unknown) => e,
  );
  expect(failure).toBeInstanceOf(ConfigError);
  expect((failure as Error).message).toBe(
    "events partition 0: offset 10 is out of range (available 40..90); retention may have removed it. Set on_offset_out_of_range to earliest to skip ahead",
  );
});

test("with on_offset_out_of_range earliest, the partition skips to the earliest offset and says how many it skipped", async () => {
  const { cluster, worker, position, posted } = setUp({ onOutOfRange: "earliest" });
  cluster.offsetRange.set("events/0", [40, 90]);
  const p = position("events", 0);
  await handlePartitionError(worker, p, "OFFSET_OUT_OF_RANGE");
  expect(p.next).toBe(40);
  expect(posted).toEqual([
    {
      type: "log",
      level: "WARN",
      message: "events partition 0: offset 10 is no longer kept; reset to earliest 40, skipping 30 offsets",
    },
  ]);
});

test("an unknown topic the cluster still lists is retried, with one WARN at once naming the broker", async () => {
  const { worker, position, posted } = setUp();
  const p = position("events", 0);
  await handlePartitionError(worker, p, "UNKNOWN_TOPIC_OR_PARTITION");
  await handlePartitionError(worker, p, "UNKNOWN_TOPIC_OR_PARTITION");
  expect(p.failures).toBe(2);
  expect(worker.positions).toHaveLength(3);
  expect(posted).toEqual([
    {
      type: "log",
      level: "WARN",
      message:
        "broker 1 answered UNKNOWN_TOPIC_OR_PARTITION for events partition 0, though the cluster's metadata lists the topic; " +
        "retrying for up to 60 s (a restarting broker may not know it yet; if this lasts, the broker does not serve the topic as it is named in the fetch)",
    },
  ]);
});

test("past the retry budget, that unknown topic fails naming the broker and what is odd", async () => {
  const { worker, position } = setUp({ budgetMs: 1_000 });
  const p = position("events", 1);
  let now = 0;
  p.retry = new RetryBudget(1_000, () => now);
  await handlePartitionError(worker, p, "UNKNOWN_TOPIC_ID");
  now = 1_001;
  const failure = await handlePartitionError(worker, p, "UNKNOWN_TOPIC_ID").catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(TransientError);
  expect((failure as Error).message).toBe(
    "events partition 1: no broker served it for 1 s (retry_budget_ms is 1000); last error: broker 1 answered UNKNOWN_TOPIC_ID for events partition 1, though the cluster's metadata lists the topic",
  );
});

test("a topic deleted during a batch read fails it, naming where the partition was", async () => {
  const { cluster, worker, position } = setUp();
  cluster.topics.delete("events");
  const failure = await handlePartitionError(worker, position("events", 1), "UNKNOWN_TOPIC_ID").catch(
    (e: unknown) => e,
  );
  expect(failure).toBeInstanceOf(ConfigError);
  expect((failure as Error).message).toBe(
    "topic events was deleted during the read (partition 1 was at offset 10 of 100)",
  );
});

test("tailing, a deleted topic's partitions stop and the other topics go on", async () => {
  const { cluster, worker, position, posted } = setUp({ tail: true });
  cluster.topics.set("events", topicInfo("events", "id-events-2")); // deleted and created again: another topic
  await handlePartitionError(worker, position("events", 0), "UNKNOWN_TOPIC_ID");
  expect(worker.positions.map((p) => `${p.topic}/${p.partition}`)).toEqual(["other/0"]);
  expect(worker.ended).toEqual(new Set(["id-events"]));
  expect(posted).toEqual([
    {
      type: "log",
      level: "WARN",
      message:
        "topic events was deleted; its partitions stop here (partition 0 at offset 10, partition 1 at offset 10) while the others go on",
    },
    { type: "ended", topic: "events", topicId: "id-events" },
  ]);
});

test("any other partition error is a config error quoting Kafka's answer", async () => {
  const { worker, position } = setUp();
  const failure = await handlePartitionError(worker, position("other", 0), "TOPIC_AUTHORIZATION_FAILED").catch(
    (e: unknown) => e,
  );
  expect(failure).toBeInstanceOf(ConfigError);
  expect((failure as Error).message).toBe("other partition 0: Kafka answered TOPIC_AUTHORIZATION_FAILED");
});

test("a partition with data waiting that fetches leave out for 15 s makes the worker reconnect and count a retry", async () => {
  const { worker, position, posted, connects } = setUp();
  const stuck = position("events", 0);
  const moving = position("events", 1);
  const group = [stuck, moving];
  const before = new Map(group.map((p) => [p, p.next]));
  moving.next = 20;
  await watchForStalls(worker, group, before, 1_000);
  expect(stuck.stalledSince).toBe(1_000);
  expect(moving.stalledSince).toBeNull();
  await watchForStalls(worker, group, new Map(group.map((p) => [p, p.next])), 1_000 + stallLimitMs - 1);
  expect(connects()).toBe(1);
  await watchForStalls(worker, group, new Map(group.map((p) => [p, p.next])), 1_000 + stallLimitMs);
  expect(connects()).toBe(2);
  expect(stuck.failures).toBe(1);
  expect(stuck.stalledSince).toBeNull();
  expect(posted).toEqual([
    {
      type: "log",
      level: "WARN",
      message: "no data for 15 s from events partition 0 at offset 10 of 100; reconnecting",
    },
  ]);
});
