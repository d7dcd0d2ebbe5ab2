/**
 * Large backlogs for the stress tests, and the broker's own word on where each partition ends.
 * Volume comes from Kafka's ProducerPerformance tool (a JVM producer, much faster than producing
 * from the test process); small exact data sets still use `produce` from kafka.ts.
 */
import { Consumer } from "@platformatic/kafka";
import { brokerSpec, kafkaTool, toolClass } from "../../harness/kafka.ts";
import { createTopic } from "../../harness/topics.ts";
import { bootstrap } from "./broker.ts";
import { uniqueTopic } from "./connector.ts";

/**
 * Produces `count` records of `size` random bytes (uppercase letters, so they decode as text)
 * spread over the topic's partitions by the tool's partitioner; acks=all, idempotent, so no
 * duplicates and no gaps in the offsets.
 */
export async function producePerf(bootstrap: string, topic: string, count: number, size: number): Promise<void> {
  await kafkaTool(toolClass(brokerSpec(), "ProducerPerformance"), [
    "--topic",
    topic,
    "--num-records",
    String(count),
    "--record-size",
    String(size),
    "--throughput",
    "-1",
    "--producer-props",
    `bootstrap.servers=${bootstrap}`,
    "acks=all",
    "enable.idempotence=true",
    "linger.ms=5",
    "batch.size=65536",
  ]);
}

/** The end offset (high watermark) of each partition of `topic`, by partition. */
export async function endOffsets(bootstrap: string, topic: string, partitions: number): Promise<Map<number, number>> {
  const consumer = new Consumer({ clientId: "tests", groupId: "tests-no-group", bootstrapBrokers: [bootstrap] });
  try {
    const all = Array.from({ length: partitions }, (_, p) => p);
    const listed = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: all }, timestamp: -1n });
    const offsets = listed.get(topic)!;
    return new Map(all.map((p) => [p, Number(offsets[p])]));
  } finally {
    await consumer.close();
  }
}

export type Backlog = { broker: string; topic: string; ends: Map<number, number> };

/** A fresh topic of `partitions` filled with `count` records of `size` bytes by Kafka's own producer. */
export async function backlogTopic(prefix: string, partitions: number, count: number, size: number): Promise<Backlog> {
  const broker = await bootstrap();
  const topic = uniqueTopic(prefix);
  await createTopic(broker, topic, partitions);
  await producePerf(broker, topic, count, size);
  return { broker, topic, ends: await endOffsets(broker, topic, partitions) };
}
