/**
 * Large backlogs for the stress tests, and the broker's own word on where each partition ends.
 * Volume comes from Kafka's ProducerPerformance tool (a JVM producer, much faster than producing
 * from the test process); small exact data sets still use `produce` from kafka.ts.
 */
import { brokerSpec, kafkaTool, toolClass } from "../../harness/kafka.ts";
import { createTopic, endOffsets } from "../../harness/topics.ts";
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

export type Backlog = { broker: string; topic: string; ends: Map<number, number> };

/** A fresh topic of `partitions` filled with `count` records of `size` bytes by Kafka's own producer. */
export async function backlogTopic(prefix: string, partitions: number, count: number, size: number): Promise<Backlog> {
  const broker = await bootstrap();
  const topic = uniqueTopic(prefix);
  await createTopic(broker, topic, partitions);
  await producePerf(broker, topic, count, size);
  return {
    broker,
    topic,
    ends: await endOffsets(
      broker,
      topic,
      Array.from({ length: partitions }, (_, p) => p),
    ),
  };
}
