/**
 * What Kafka actually stores, read off the wire: the attributes of a partition's record batches.
 * Tests use it to prove that data really is compressed (or transactional), so that a test of the
 * decoder cannot pass on data that never needed decoding.
 */
import { Consumer } from "@platformatic/kafka";

/** Compression codec ids of a batch's attributes (bits 0-2), as Kafka numbers them. */
export const codecIds = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

export type BatchInfo = {
  firstOffset: number;
  records: number;
  codec: number;
  transactional: boolean;
  control: boolean;
};

/** Every batch of `partition` of `topic` from offset 0, fetched read_uncommitted. */
export async function batches(bootstrap: string, topic: string, partition: number): Promise<BatchInfo[]> {
  const consumer = new Consumer({
    clientId: "tests-batches",
    groupId: "tests-batches-no-group",
    bootstrapBrokers: [bootstrap],
  });
  try {
    // Tracked, so that the library sends the topic's name where the broker wants names (Fetch v12, Kafka 2.7-3.0).
    consumer.topics.track(topic);
    const metadata = await consumer.metadata({ topics: [topic], forceUpdate: true });
    const info = metadata.topics.get(topic)!;
    const found: BatchInfo[] = [];
    for (;;) {
      const fetchOffset = BigInt(found.length === 0 ? 0 : found.at(-1)!.firstOffset + found.at(-1)!.records);
      const response = await consumer.fetch({
        node: info.partitions[partition]!.leader,
        topics: [
          {
            topicId: info.id,
            partitions: [
              { partition, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 },
            ],
          },
        ] as never,
        maxWaitTime: 100,
        isolationLevel: 0,
      });
      // In the library's incremental fetch session a partition with nothing new is left out.
      const fetched = response.responses[0]?.partitions[0]?.records ?? [];
      if (fetched.length === 0) return found;
      for (const batch of fetched) {
        found.push({
          firstOffset: Number(batch.firstOffset),
          records: batch.lastOffsetDelta + 1,
          codec: batch.attributes & 0x07,
          transactional: (batch.attributes & 0x10) !== 0,
          control: (batch.attributes & 0x20) !== 0,
        });
      }
    }
  } finally {
    await consumer.close(true);
  }
}
