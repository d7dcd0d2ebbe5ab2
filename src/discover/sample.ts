/**
 * A bounded sample of a topic's recent documents (without `_meta`), decoded as `read` would: the last
 * `perPartition` messages of each partition, fetched until they are all in or the deadline passes,
 * with the reasons any partition was left out, so that discover can say why a schema is missing.
 *
 *   const { values, problems } = await sampleDocuments(client, topicInfo, decode, schemas, { perPartition: 100, deadline: Date.now() + 5000 });
 */
import { type ChangeShape, changeShape, debeziumDocument } from "../decode/debezium.ts";
import {
  decodeRecord,
  toDocument,
  type DecodeOptions,
  type RecordInput,
  type WireDecoder,
} from "../decode/document.ts";
import { type KafkaClient, partitionRecords, type TopicInfo } from "../kafka/client.ts";
import { type SchemaCache, UnknownSchemaError } from "../registry/schemas.ts";

export type SampleLimits = { perPartition: number; deadline: number };

type Position = { partition: number; leader: number; leaderEpoch: number; next: number; end: number };

export type Sample = {
  /** The decoded values (objects or not) of the sampled messages that were neither tombstones nor undecodable. */
  values: unknown[];
  /** Why partitions were not (fully) sampled, e.g. "partition 2: UNKNOWN_TOPIC_OR_PARTITION". */
  problems: string[];
  /** Offsets in the sampled ranges: 0 when the topic holds no messages. */
  offsets: number;
  /** In Debezium mode, what each sampled change event showed of its row's and key's schemas, oldest first. */
  changes: ChangeShape[];
};

export async function sampleDocuments(
  client: KafkaClient,
  topic: TopicInfo,
  decode: DecodeOptions,
  schemas: SchemaCache | undefined,
  limits: SampleLimits,
): Promise<Sample> {
  const partitions = topic.partitions.map((p) => p.partition);
  const problems: string[] = [];
  const changes: ChangeShape[] = [];
  if (partitions.length === 0) return { values: [], problems, offsets: 0, changes };
  const [earliest, latest] = await Promise.all([
    client.offsets(topic.name, partitions, "earliest"),
    client.offsets(topic.name, partitions, "latest"),
  ]);
  let positions: Position[] = topic.partitions
    .map((p) => {
      const end = latest.get(p.partition) ?? 0;
      return { ...p, next: Math.max(earliest.get(p.partition) ?? 0, end - limits.perPartition), end };
    })
    .filter((p) => p.next < p.end);
  const offsets = positions.reduce((sum, p) => sum + p.end - p.next, 0);
  const values: unknown[] = [];
  const debezium = decode.debeziumTopics?.includes(topic.name) ?? false;
  // Undecodable samples are left out, not fatal: discover describes what it can.
  const options: DecodeOptions = { ...decode, onDecodeError: "emit_raw" };
  while (positions.length > 0 && Date.now() < limits.deadline) {
    for (const [leader, group] of Map.groupBy(positions, (p) => p.leader)) {
      const results = await client.fetch({
        node: leader,
        partitions: group.map((p) => ({
          topic: topic.name,
          topicId: topic.id,
          partition: p.partition,
          offset: p.next,
          leaderEpoch: p.leaderEpoch,
        })),
        maxWaitMs: 100,
        maxBytes: 4 << 20,
        partitionMaxBytes: 1 << 20,
      });
      for (const result of results) {
        const position = group.find((p) => p.partition === result.partition);
        if (!position) continue;
        if (result.error !== null) {
          problems.push(`partition ${position.partition}: ${result.error} from broker ${leader}`);
          position.next = position.end; // a partition that cannot be sampled now is left out
          continue;
        }
        const wanted = partitionRecords(result).filter((r) => r.offset >= position.next && r.offset < position.end);
        try {
          await schemas?.prepare(topic.name, position.partition, wanted, decode);
        } catch (error) {
          if (!(error instanceof UnknownSchemaError)) throw error;
          problems.push(`partition ${position.partition}: ${error.message}`);
          position.next = position.end;
          continue;
        }
        for (const record of wanted) {
          const input = {
            ...record,
            topic: topic.name,
            partition: position.partition,
            logAppendTime: result.logAppendTime,
          };
          if (debezium) {
            sampleChange(input, options, schemas?.decode, values, changes);
            continue;
          }
          const document = toDocument(input, options, schemas?.decode);
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
  if (positions.length > 0)
    problems.push(
      `no time left for partition${positions.length > 1 ? "s" : ""} ${positions.map((p) => p.partition).join(", ")}`,
    );
  return { values, problems, offsets, changes };
}

/** A Debezium change event's row (without the columns the connector adds) and shape; tombstones and other values are left out. */
function sampleChange(
  input: RecordInput,
  options: DecodeOptions,
  wire: WireDecoder | undefined,
  values: unknown[],
  changes: ChangeShape[],
): void {
  if (input.value === null) return;
  const { meta, value } = decodeRecord(input, input, options, wire);
  if (meta.decode_error !== undefined || value === null) return;
  const shape = changeShape(value, meta.key);
  const document = shape && debeziumDocument(input, input, options, wire);
  if (!shape || !document) return;
  changes.push(shape);
  const { _meta, _kafka_partition, _kafka_offset, _ab_cdc_lsn, _ab_cdc_updated_at, _ab_cdc_deleted_at, ...row } =
    document;
  values.push(row);
}
