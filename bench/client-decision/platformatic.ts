// @platformatic/kafka 2.12.1, group-free read: metadata -> listOffsets -> fetch loop.
// No JoinGroup, no OffsetCommit: partitions and start offsets are chosen here.
// Usage: bun bench/client-decision/platformatic.ts [--topic decision-1m] [--limit N] [--broker 127.0.0.1:49092]
import { Consumer } from "@platformatic/kafka";
import { arg, report } from "./common.ts";

const topic = arg("topic", "decision-1m");
const limit = Number(arg("limit", "Infinity"));
const broker = arg("broker", "127.0.0.1:49092");

const t0 = performance.now();
let firstRecordMs = -1;
let count = 0;

// groupId is mandatory in the constructor but is never used: we never call consume()/joinGroup()/commit().
const consumer = new Consumer({ clientId: "decision-bench", bootstrapBrokers: [broker], groupId: "unused" });
try {
  // 1. metadata: topic id (UUID string) and partition leaders.
  const md = await consumer.metadata({ topics: [topic] });
  const t = md.topics.get(topic)!;
  const topicId = t.id;
  // 2. listOffsets: timestamp -2n = earliest, default -1n = latest (high watermark). Result: Map<topic, bigint[]> indexed by partition.
  const earliest = (await consumer.listOffsets({ topics: [topic], timestamp: -2n })).get(topic)!;
  const latest = (await consumer.listOffsets({ topics: [topic] })).get(topic)!;

  // Per leader, the partitions still to read and their next offset.
  const next = new Map<number, bigint>();
  const byLeader = new Map<number, number[]>();
  for (let p = 0; p < t.partitionsCount; p++) {
    const [low, high, info] = [earliest[p], latest[p], t.partitions[p]];
    if (low === undefined || high === undefined || !info || low >= high) continue;
    next.set(p, low);
    const leader = info.leader;
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
  }

  const readLeader = async (leader: number, partitions: number[]) => {
    let open = partitions.filter((p) => next.get(p)! < latest[p]!);
    while (open.length > 0 && count < limit) {
      const res = await consumer.fetch({
        node: leader,
        topics: [
          {
            topicId,
            partitions: open.map((p) => ({
              partition: p,
              fetchOffset: next.get(p)!,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
              partitionMaxBytes: 1 << 20,
            })),
          },
        ],
        maxWaitTime: 500,
        minBytes: 1,
        maxBytes: 8 << 20,
      });
      for (const tr of res.responses) {
        for (const pr of tr.partitions) {
          if (pr.errorCode !== 0) throw new Error(`fetch partition ${pr.partitionIndex} errorCode ${pr.errorCode}`);
          const from = next.get(pr.partitionIndex)!;
          for (const batch of pr.records ?? []) {
            for (const r of batch.records) {
              // A fetch may return a whole batch that starts before fetchOffset: skip those records.
              const offset = batch.firstOffset + BigInt(r.offsetDelta);
              if (offset < from || count >= limit) continue;
              if (firstRecordMs < 0) firstRecordMs = performance.now() - t0;
              count++;
            }
            // Next offset = end of the batch (lastOffsetDelta covers compacted/filtered gaps too).
            next.set(pr.partitionIndex, batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n);
          }
        }
      }
      open = open.filter((p) => next.get(p)! < latest[p]!);
    }
  };
  await Promise.all([...byLeader].map(([leader, ps]) => readLeader(leader, ps)));
  const expected = latest.reduce((n, hwm, p) => n + Number(hwm - earliest[p]!), 0);
  if (count !== Math.min(expected, limit))
    throw new Error(`read ${count} records, expected ${Math.min(expected, limit)}`);
} finally {
  await consumer.close();
}
report("platformatic", count, firstRecordMs, performance.now() - t0);
