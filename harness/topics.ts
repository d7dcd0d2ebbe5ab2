/**
 * Creating topics and producing real messages to the harness broker, for tests and the demo.
 * They use the client library's producer directly (a real producer speaking the real protocol);
 * the connector itself only reaches Kafka through src/kafka/.
 */
import { Admin, Consumer, Producer } from "@platformatic/kafka";

export type TestMessage = {
  partition: number;
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
  timestamp?: number;
};

/** A comma-separated bootstrap list (a multi-node cluster's) as the client wants it. */
const brokers = (bootstrap: string) => bootstrap.split(",");

export type TopicOptions = {
  replicas?: number;
  configs?: Record<string, string>;
  /** Each partition's replicas by node id, its leader first (instead of `replicas`). */
  assignments?: number[][];
};

export async function createTopic(
  bootstrap: string,
  topic: string,
  partitions: number,
  options: TopicOptions = {},
): Promise<void> {
  const admin = new Admin({ clientId: "tests", bootstrapBrokers: brokers(bootstrap) });
  const { assignments } = options;
  try {
    await admin.createTopics({
      topics: [topic],
      // Kafka takes either counts or assignments.
      ...(assignments
        ? { assignments: assignments.map((nodes, partition) => ({ partition, brokers: nodes })) }
        : { partitions, replicas: options.replicas ?? 1 }),
      configs: Object.entries(options.configs ?? {}).map(([name, value]) => ({ name, value })),
    });
    // A new topic's partitions get leaders a moment later; producing before then fails part of a send.
    for (let attempt = 0; attempt < 100; attempt++) {
      const metadata = await admin.metadata({ topics: [topic], forceUpdate: true }).catch(() => null);
      const info = metadata?.topics.get(topic);
      if (info && info.partitions.length === partitions && info.partitions.every((p) => p.leader >= 0)) return;
      await Bun.sleep(100);
    }
    throw new Error(`topic ${topic} has no leaders after 10 s`);
  } finally {
    await admin.close();
  }
}

export async function deleteTopic(bootstrap: string, topic: string): Promise<void> {
  const admin = new Admin({ clientId: "tests", bootstrapBrokers: brokers(bootstrap) });
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.close();
  }
}

const toBuffer = (value: string | Buffer | null | undefined) =>
  value === null || value === undefined ? undefined : Buffer.isBuffer(value) ? value : Buffer.from(value);

/** Produces the messages in order, acknowledged by the broker, one request per call. */
export async function produce(bootstrap: string, topic: string, messages: TestMessage[]): Promise<void> {
  // Idempotent, so that a retried send can never write a message twice.
  const producer = new Producer({
    clientId: "tests",
    bootstrapBrokers: brokers(bootstrap),
    autocreateTopics: false,
    idempotent: true,
  });
  const partitions = [...new Set(messages.map((m) => m.partition))];
  const before = await endOffsets(bootstrap, topic, partitions);
  try {
    await producer.send({
      acks: -1,
      messages: messages.map((m) => ({
        topic,
        partition: m.partition,
        key: toBuffer(m.key),
        value: toBuffer(m.value) as Buffer,
        headers: m.headers
          ? new Map(Object.entries(m.headers).map(([k, v]) => [Buffer.from(k), toBuffer(v)!]))
          : undefined,
        timestamp: m.timestamp === undefined ? undefined : BigInt(m.timestamp),
      })),
    });
  } finally {
    await producer.close();
  }
  // Acknowledged is not always visible to every request at once right after a topic is created
  // on a loaded machine: wait until the log's end (high watermark) shows the messages, so that a
  // test's read starts from a settled log.
  const wanted = new Map(partitions.map((p) => [p, before.get(p)! + messages.filter((m) => m.partition === p).length]));
  for (let attempt = 0; attempt < 100; attempt++) {
    const ends = await endOffsets(bootstrap, topic, partitions);
    if (partitions.every((p) => ends.get(p)! >= wanted.get(p)!)) return;
    await Bun.sleep(100);
  }
  throw new Error(`produced to ${topic}, but its end offsets never showed it`);
}

/** High watermarks of `partitions` of `topic` (read_uncommitted: open transactions count). */
export async function endOffsets(bootstrap: string, topic: string, partitions: number[]): Promise<Map<number, number>> {
  const admin = new Admin({ clientId: "tests", bootstrapBrokers: brokers(bootstrap) });
  try {
    const [listed] = await admin.listOffsets({
      topics: [
        { name: topic, partitions: partitions.map((partition) => ({ partitionIndex: partition, timestamp: -1n })) },
      ],
      isolationLevel: 0,
    });
    return new Map(listed!.partitions.map((p) => [p.partitionIndex, Number(p.offset)]));
  } finally {
    await admin.close();
  }
}

export async function addPartitions(bootstrap: string, topic: string, total: number): Promise<void> {
  const admin = new Admin({ clientId: "tests", bootstrapBrokers: brokers(bootstrap) });
  try {
    await admin.createPartitions({ topics: [{ name: topic, count: total }] });
  } finally {
    await admin.close();
  }
}

/** Deletes the records of `partition` before `offset`, as retention would. */
export async function deleteRecordsBefore(
  bootstrap: string,
  topic: string,
  partition: number,
  offset: number,
): Promise<void> {
  const admin = new Admin({ clientId: "tests", bootstrapBrokers: brokers(bootstrap) });
  try {
    await admin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition, offset: BigInt(offset) }] }] });
  } finally {
    await admin.close();
  }
}

/** The leader's node id of each partition of `topic`, by partition number (-1: none right now). */
export async function partitionLeaders(bootstrap: string, topic: string): Promise<number[]> {
  const admin = new Admin({ clientId: "tests", bootstrapBrokers: brokers(bootstrap) });
  try {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
    return metadata.topics.get(topic)!.partitions.map((p) => p.leader);
  } finally {
    await admin.close();
  }
}

/**
 * Waits until partition 0 of `topic` ends at `count` or beyond, e.g. until Debezium (harness/debezium.ts)
 * has written a round of changes; a topic not created yet counts as empty.
 */
export async function waitForMessages(
  bootstrap: string,
  topic: string,
  count: number,
  timeoutMs = 60_000,
): Promise<void> {
  const consumer = new Consumer({ clientId: "tests", groupId: "tests-no-group", bootstrapBrokers: brokers(bootstrap) });
  const deadline = Date.now() + timeoutMs;
  let end = 0;
  try {
    while (Date.now() < deadline) {
      const listed = await consumer
        .listOffsets({ topics: [topic], partitions: { [topic]: [0] }, timestamp: -1n })
        .catch(() => undefined);
      end = Number(listed?.get(topic)?.[0] ?? 0);
      if (end >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await consumer.close();
  }
  throw new Error(`${topic} holds ${end} messages after ${timeoutMs} ms, not ${count}`);
}
