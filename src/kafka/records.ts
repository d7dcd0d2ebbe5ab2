/**
 * A fetch response's partition → the records the read path needs. Control batches (transaction
 * markers) are skipped but still move the next offset past them.
 */
import { errorName } from "./client.ts";

/** The parts of the library's fetch response partition that are read here. */
type ResponsePartition = {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  records?:
    | {
        firstOffset: bigint;
        lastOffsetDelta: number;
        attributes: number;
        firstTimestamp: bigint;
        maxTimestamp: bigint;
        records: { offsetDelta: number; timestampDelta: bigint; key: Buffer | null; value: Buffer | null; headers: [Buffer | null, Buffer | null][] }[];
      }[]
    | null;
};

const logAppendTimeFlag = 0x08;
const controlFlag = 0x20;

/** One record as the read path needs it; offsets and timestamps fit a JS number for any real log. */
export type FetchedRecord = {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: [Buffer | null, Buffer | null][];
};

export type FetchedPartition = {
  topicId: string;
  partition: number;
  /** Kafka error name, e.g. OFFSET_OUT_OF_RANGE; null when the partition was served. */
  error: string | null;
  highWatermark: number;
  logStartOffset: number;
  logAppendTime: boolean;
  records: FetchedRecord[];
  /** Offset after the last batch returned, which may be past the last record (compaction, control batches). */
  nextOffset: number | null;
};

export function toFetchedPartition(topicId: string, p: ResponsePartition): FetchedPartition {
  const records: FetchedRecord[] = [];
  let nextOffset: number | null = null;
  let logAppendTime = false;
  for (const batch of p.records ?? []) {
    nextOffset = Number(batch.firstOffset) + batch.lastOffsetDelta + 1;
    if (batch.attributes & controlFlag) continue;
    logAppendTime = (batch.attributes & logAppendTimeFlag) !== 0;
    const first = Number(batch.firstOffset);
    const firstTimestamp = Number(batch.firstTimestamp);
    const maxTimestamp = Number(batch.maxTimestamp);
    for (const record of batch.records) {
      records.push({
        offset: first + record.offsetDelta,
        timestamp: logAppendTime ? maxTimestamp : firstTimestamp + Number(record.timestampDelta),
        key: record.key,
        value: record.value,
        headers: record.headers,
      });
    }
  }
  return {
    topicId,
    partition: p.partitionIndex,
    error: p.errorCode === 0 ? null : errorName(p.errorCode),
    highWatermark: Number(p.lastStableOffset >= 0n ? p.lastStableOffset : p.highWatermark),
    logStartOffset: Number(p.logStartOffset),
    logAppendTime,
    records,
    nextOffset,
  };
}
