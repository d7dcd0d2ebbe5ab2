/**
 * The plain consumer written with our client library, @platformatic/kafka, as the connector uses
 * it: no group, metadata → listOffsets → a fetch loop per leader, nothing done per message but
 * counting. The floor the connector's own work (decode, serialise, write) sits on.
 *
 *   bun bench/consumers/platformatic.ts --broker host:port --topic name
 */
import { Consumer } from "@platformatic/kafka";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { broker: { type: "string" }, topic: { type: "string" } } });
const topic = args.topic!;

const consumer = new Consumer({ clientId: "bench-plain", bootstrapBrokers: [args.broker!], groupId: "unused" });
let count = 0;
try {
  const metadata = await consumer.metadata({ topics: [topic] });
  const info = metadata.topics.get(topic)!;
  const earliest = (await consumer.listOffsets({ topics: [topic], timestamp: -2n })).get(topic)!;
  const latest = (await consumer.listOffsets({ topics: [topic] })).get(topic)!;
  const next = new Map<number, bigint>();
  const byLeader = new Map<number, number[]>();
  for (let p = 0; p < info.partitionsCount; p++) {
    if (earliest[p]! >= latest[p]!) continue;
    next.set(p, earliest[p]!);
    const leader = info.partitions[p]!.leader;
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
  }
  const readLeader = async (leader: number, partitions: number[]) => {
    let open = partitions;
    while (open.length > 0) {
      const response = await consumer.fetch({
        node: leader,
        topics: [
          {
            topicId: info.id,
            partitions: open.map((p) => ({
              partition: p,
              fetchOffset: next.get(p)!,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
              partitionMaxBytes: 2 << 20,
            })),
          },
        ] as never,
        maxWaitTime: 500,
        minBytes: 1,
        maxBytes: 8 << 20,
      });
      for (const topicResponse of response.responses) {
        for (const partition of topicResponse.partitions) {
          if (partition.errorCode !== 0)
            throw new Error(`partition ${partition.partitionIndex}: error ${partition.errorCode}`);
          const from = next.get(partition.partitionIndex)!;
          for (const batch of partition.records ?? []) {
            for (const record of batch.records) if (batch.firstOffset + BigInt(record.offsetDelta) >= from) count++;
            next.set(partition.partitionIndex, batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n);
          }
        }
      }
      open = open.filter((p) => next.get(p)! < latest[p]!);
    }
  };
  await Promise.all([...byLeader].map(([leader, partitions]) => readLeader(leader, partitions)));
} finally {
  await consumer.close();
}
console.log(JSON.stringify({ records: count }));
