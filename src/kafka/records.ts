/**
 * A fetch response's partition → the records the read path needs. Control batches (transaction
 * markers) and the batches of aborted transactions are dropped, but still move the next offset
 * past them, so that a checkpoint never points back into them.
 */
import { errorName } from "./client.ts";

/** The parts of the library's fetch response partition that are read here. */
type ResponsePartition = {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  abortedTransactions?: { producerId: bigint; firstOffset: bigint }[] | null;
  records?:
    | {
        firstOffset: bigint;
        lastOffsetDelta: number;
        attributes: number;
        firstTimestamp: bigint;
        maxTimestamp: bigint;
        producerId: bigint;
        records: { offsetDelta: number; timestampDelta: bigint; key: Buffer | null; value: Buffer | null; headers: [Buffer | null, Buffer | null][] }[];
      }[]
    | null;
};

const logAppendTimeFlag = 0x08;
const transactionalFlag = 0x10;
const controlFlag = 0x20;
/** A control record's key is (version: int16, type: int16); type 0 is ABORT, 1 is COMMIT. */
const abortMarker = 0;

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
  const aborted = new AbortedTransactions(p.abortedTransactions ?? []);
  for (const batch of p.records ?? []) {
    nextOffset = Number(batch.firstOffset) + batch.lastOffsetDelta + 1;
    if (aborted.drops(batch)) continue;
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

type Batch = NonNullable<ResponsePartition["records"]>[number];

/**
 * Which batches belong to aborted transactions, as Kafka's own consumer decides it: a read_committed
 * fetch still returns aborted batches, with a list of (producerId, firstOffset) of the aborted
 * transactions it overlaps. A producer's transactional batches are dropped from that firstOffset
 * until the producer's ABORT marker. The library filters too, but keeps one range per producer
 * and keeps a range whose marker is not in the same response, so aborted records could leak.
 */
class AbortedTransactions {
  /** Aborted transactions not yet reached, by first offset. */
  readonly #pending: { producerId: bigint; firstOffset: bigint }[];
  /** Producers inside an aborted transaction at the current batch. */
  readonly #open = new Set<bigint>();

  constructor(list: { producerId: bigint; firstOffset: bigint }[]) {
    this.#pending = [...list].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  }

  /** True for a control batch or a batch of an aborted transaction; batches must come in offset order. */
  drops(batch: Batch): boolean {
    const control = (batch.attributes & controlFlag) !== 0;
    if (batch.producerId < 0n) return control;
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    while (this.#pending.length > 0 && this.#pending[0]!.firstOffset <= lastOffset) this.#open.add(this.#pending.shift()!.producerId);
    if (control) {
      if (isAbortMarker(batch)) this.#open.delete(batch.producerId);
      return true;
    }
    return (batch.attributes & transactionalFlag) !== 0 && this.#open.has(batch.producerId);
  }
}

function isAbortMarker(batch: Batch): boolean {
  const key = batch.records[0]?.key;
  return key !== null && key !== undefined && key.length >= 4 && key.readInt16BE(2) === abortMarker;
}
