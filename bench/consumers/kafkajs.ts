/**
 * A plain kafkajs consumer through its public API: a throw-away group (kafkajs cannot read chosen
 * partitions without one), from the beginning, a no-op eachBatch, no commits; it stops once it has
 * seen `--records` messages. kafkajs has no zstd, snappy or lz4 codec of its own.
 *
 *   bun bench/consumers/kafkajs.ts --broker host:port --topic name --records N
 */
import { Kafka, logLevel } from "kafkajs";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: { broker: { type: "string" }, topic: { type: "string" }, records: { type: "string" } },
});
const wanted = Number(args.records);

const kafka = new Kafka({ clientId: "bench-kafkajs", brokers: [args.broker!], logLevel: logLevel.ERROR });
const consumer = kafka.consumer({ groupId: `bench-throwaway-${process.pid}-${Date.now()}` });
let count = 0;
await consumer.connect();
await consumer.subscribe({ topic: args.topic!, fromBeginning: true });
await new Promise<void>((resolve, reject) => {
  consumer
    .run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        count += batch.messages.length;
        if (count >= wanted) resolve();
      },
    })
    .catch(reject);
});
await consumer.disconnect();
// The group it leaves behind is deleted outside the measurement, by the benchmark.
console.log(JSON.stringify({ records: count }));
