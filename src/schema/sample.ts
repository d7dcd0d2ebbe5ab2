/**
 * A bounded sample of a topic's recent documents (without `_meta`), decoded as `read` would: the last
 * `perPartition` messages of each partition, fetched until they are all in or the deadline passes.
 *
 *   const documents = await sampleDocuments(client, topicInfo, decode, schemas, { perPartition: 100, deadline: Date.now() + 5000 });
 */
import { toDocument, type DecodeOptions } from "../decode/document.ts";
import type { KafkaClient, TopicInfo } from "../kafka/client.ts";
import { type SchemaCache, UnknownSchemaError } from "../registry/schemas.ts";

export type SampleLimits = { perPartition: number; deadline: number };

type Position = { partition: number; leader: number; leaderEpoch: number; next: number; end: number };

export async function sampleDocuments(
  client: KafkaClient,
  topic: TopicInfo,
  decode: DecodeOptions,
  schemas: SchemaCache | undefined,
  limits: SampleLimits,
): Promise<unknown[]> {
  const partitions = topic.partitions.map((p) => p.partition);
  if (partitions.length === 0) return [];
  const [earliest, latest] = await Promise.all([client.offsets(topic.name, partitions, "earliest"), client.offsets(topic.name, partitions, "latest")]);
  let positions: Position[] = topic.partitions
    .map((p) => {
      const end = latest.get(p.partition)!;
      return { ...p, next: Math.max(earliest.get(p.partition)!, end - limits.perPartition), end };
    })
    .filter((p) => p.next < p.end);
  const values: unknown[] = [];
  // Undecodable samples are left out, not fatal: discover describes what it can.
  const options: DecodeOptions = { ...decode, onDecodeError: "emit_raw" };
  while (positions.length > 0 && Date.now() < limits.deadline) {
    for (const [leader, group] of Map.groupBy(positions, (p) => p.leader)) {
      const results = await client.fetch({
        node: leader,
        partitions: group.map((p) => ({ topic: topic.name, topicId: topic.id, partition: p.partition, offset: p.next, leaderEpoch: p.leaderEpoch })),
        maxWaitMs: 100,
        maxBytes: 4 << 20,
        partitionMaxBytes: 1 << 20,
      });
      for (const result of results) {
        const position = group.find((p) => p.partition === result.partition);
        if (!position) continue;
        if (result.error !== null) {
          position.next = position.end; // a partition that cannot be sampled now is left out
          continue;
        }
        const wanted = result.records.filter((r) => r.offset >= position.next && r.offset < position.end);
        try {
          await schemas?.prepare(topic.name, position.partition, wanted, decode);
        } catch (error) {
          if (!(error instanceof UnknownSchemaError)) throw error;
          position.next = position.end;
          continue;
        }
        for (const record of wanted) {
          const document = toDocument({ ...record, topic: topic.name, partition: position.partition, logAppendTime: result.logAppendTime }, options, schemas?.decode);
          const { _meta: meta, ...value } = document as { _meta: { decode_error?: string; op: string } };
          if (meta.decode_error === undefined && meta.op === "c") values.push(value);
        }
        const before = position.next;
        position.next = Math.max(position.next, result.nextOffset ?? position.next, (wanted.at(-1)?.offset ?? -1) + 1);
        // Offsets that yield no record (transaction markers, aborted batches) end this partition's sample.
        if (position.next === before) position.next = position.end;
      }
    }
    positions = positions.filter((p) => p.next < p.end);
  }
  return values;
}
