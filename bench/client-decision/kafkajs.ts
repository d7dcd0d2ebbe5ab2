// kafkajs 2.2.4, two ways to read a topic from the beginning:
//   --mode group   public API: consumer with a throw-away groupId (JoinGroup/SyncGroup happen; autoCommit off)
//   --mode cluster PRIVATE API (kafkajs/src/cluster + broker.fetch, not in the typings, may break in any release):
//                  no group, partitions and offsets chosen here.
// Usage: bun bench/client-decision/kafkajs.ts --mode group|cluster [--topic decision-1m] [--limit N]
import { Kafka, logLevel } from "kafkajs";
// @ts-expect-error private modules, no type declarations
import Cluster from "kafkajs/src/cluster/index.js";
// @ts-expect-error
import { createLogger } from "kafkajs/src/loggers/index.js";
// @ts-expect-error
import LoggerConsole from "kafkajs/src/loggers/console.js";
// @ts-expect-error
import socketFactory from "kafkajs/src/network/socketFactory.js";
import { arg, report } from "./common.ts";

const topic = arg("topic", "decision-1m");
const limit = Number(arg("limit", "Infinity"));
const broker = arg("broker", "127.0.0.1:49092");
const mode = arg("mode", "group");

// Outside the timer: how many records there are to read (earliest..latest per partition).
const kafka = new Kafka({ clientId: "decision-bench", brokers: [broker], logLevel: logLevel.ERROR });
const admin = kafka.admin();
await admin.connect();
const offsets = await admin.fetchTopicOffsets(topic); // [{partition, offset (hwm), low, high}]
await admin.disconnect();
const total = Math.min(
  limit,
  offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0),
);

const t0 = performance.now();
let firstRecordMs = -1;
let count = 0;

if (mode === "group") {
  const consumer = kafka.consumer({ groupId: `decision-throwaway-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (firstRecordMs < 0 && batch.messages.length > 0) firstRecordMs = performance.now() - t0;
          count += batch.messages.length;
          if (count >= total) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
} else {
  const cluster = new Cluster({
    logger: createLogger({ level: logLevel.ERROR, logCreator: LoggerConsole }),
    socketFactory: socketFactory(),
    brokers: [broker],
    clientId: "decision-bench",
    connectionTimeout: 1000,
    requestTimeout: 30000,
    enforceRequestTimeout: true,
    metadataMaxAge: 300000,
    allowAutoTopicCreation: false,
    isolationLevel: 1,
  });
  await cluster.connect();
  await cluster.addTargetTopic(topic);
  const parts = cluster.findTopicPartitionMetadata(topic).map((p: any) => p.partitionId);
  const byTs = async (fromBeginning: boolean) => {
    const [{ partitions }] = await cluster.fetchTopicsOffset([
      { topic, fromBeginning, partitions: parts.map((partition: number) => ({ partition })) },
    ]);
    return new Map<number, bigint>(partitions.map((p: any) => [p.partition, BigInt(p.offset)]));
  };
  const next = await byTs(true);
  const end = await byTs(false);
  const leaders: Record<string, number[]> = cluster.findLeaderForPartitions(topic, parts);
  await Promise.all(
    Object.entries(leaders).map(async ([nodeId, ps]) => {
      const b = await cluster.findBroker({ nodeId });
      let open = ps.filter((p) => next.get(p)! < end.get(p)!);
      while (open.length > 0 && count < total) {
        const res = await b.fetch({
          isolationLevel: 1,
          maxWaitTime: 500,
          minBytes: 1,
          maxBytes: 8 << 20,
          topics: [
            {
              topic,
              partitions: open.map((p) => ({ partition: p, fetchOffset: next.get(p)!.toString(), maxBytes: 1 << 20 })),
            },
          ],
        });
        for (const tr of res.responses) {
          for (const pr of tr.partitions) {
            if (pr.errorCode !== 0) throw new Error(`fetch partition ${pr.partition} errorCode ${pr.errorCode}`);
            const from = next.get(pr.partition)!;
            for (const m of pr.messages) {
              const o = BigInt(m.offset);
              if (o < from || count >= total) continue; // whole batches come back: skip records before fetchOffset
              if (firstRecordMs < 0) firstRecordMs = performance.now() - t0;
              count++;
              next.set(pr.partition, o + 1n);
            }
          }
        }
        open = open.filter((p) => next.get(p)! < end.get(p)!);
      }
    }),
  );
  await cluster.disconnect();
}
report(`kafkajs-${mode}`, count, firstRecordMs, performance.now() - t0);
