/**
 * A fetch response's partition → the record batches the read path needs. Control batches
 * (transaction markers) and the batches of aborted transactions are dropped, but still move the
 * next offset past them, so that a checkpoint never points back into them. The batches' records
 * are read when they are written, one batch at a time (worker/fetching.ts): a decompressed batch
 * is freed before the next is decompressed, and memory holds one batch's bytes, not a fetch's.
 */
import { errorName } from "./error-codes.ts";
import type { RawFetchPartition } from "./fetch-response.ts";
import {
  type BatchHeader,
  type BatchRecord,
  isControl,
  lastOffset,
  logAppendTimeFlag,
  type OpenBatch,
  readBatches,
} from "./record-batches.ts";
import { batchRecords } from "./record-reader.ts";

const transactionalFlag = 0x10;
/** A control record's key is (version: int16, type: int16); type 0 is ABORT, 1 is COMMIT. */
const abortMarker = 0;

/** One record as an object; offsets and timestamps fit a JS number for any real log. */
export type FetchedRecord = BatchRecord;

/** One batch of a partition's, its records not yet read: `open` decompresses them, if they are compressed. */
export type FetchedBatch = { header: BatchHeader; open: () => OpenBatch };

export type FetchedPartition = {
  topicId: string;
  partition: number;
  /** Kafka error name, e.g. OFFSET_OUT_OF_RANGE; null when the partition was served. */
  error: string | null;
  highWatermark: number;
  logStartOffset: number;
  logAppendTime: boolean;
  /** The batches holding records, in offset order. */
  batches: FetchedBatch[];
  /** Offset after the last batch returned, which may be past the last record (compaction, control batches). */
  nextOffset: number | null;
  /**
   * The replica the leader says to read this partition from instead (KIP-392; it then sends no
   * records), or -1. Only a fetch that names a rack gets one.
   */
  preferredReadReplica: number;
  /** Bytes of this partition's record batches as the broker sent them (compressed, if they were). */
  fetchedBytes: number;
};

/**
 * Reads the partition's batches' headers and checks their CRC-32C; throws CorruptBatchError for a
 * batch that cannot be read. A batch whose records do not decompress or parse throws when opened.
 */
export function toFetchedPartition(topicId: string, p: RawFetchPartition): FetchedPartition {
  const batches: FetchedBatch[] = [];
  let nextOffset: number | null = null;
  let logAppendTime = false;
  const aborted = new AbortedTransactions(p.abortedTransactions ?? []);
  if (p.recordBytes !== null) {
    readBatches(p.recordBytes, (batch, open) => {
      nextOffset = lastOffset(batch) + 1;
      if (aborted.drops(batch, open)) return;
      logAppendTime = (batch.attributes & logAppendTimeFlag) !== 0;
      batches.push({ header: batch, open });
    });
  }
  return {
    topicId,
    partition: p.partitionIndex,
    error: p.errorCode === 0 ? null : errorName(p.errorCode),
    highWatermark: Number(p.lastStableOffset >= 0n ? p.lastStableOffset : p.highWatermark),
    logStartOffset: Number(p.logStartOffset),
    logAppendTime,
    batches,
    nextOffset,
    preferredReadReplica: p.preferredReadReplica,
    fetchedBytes: p.recordBytes?.length ?? 0,
  };
}

/** Every record of the partition, as an object (discovery's sample, tests). */
export function partitionRecords(partition: FetchedPartition): BatchRecord[] {
  return partition.batches.flatMap((batch) => batchRecords(batch.open()));
}

/**
 * Which batches belong to aborted transactions, as Kafka's own consumer decides it: a read_committed
 * fetch still returns aborted batches, with a list of (producerId, firstOffset) of the aborted
 * transactions it overlaps. A producer's transactional batches are dropped from that firstOffset
 * until the producer's ABORT marker. (The library's own filter keeps one range per producer and
 * keeps a range whose marker is not in the same response, so aborted records could leak.)
 */
class AbortedTransactions {
  /** Aborted transactions not yet reached, by first offset. */
  readonly #pending: { producerId: number; firstOffset: number }[];
  /** Producers inside an aborted transaction at the current batch. */
  readonly #open = new Set<number>();

  constructor(list: { producerId: bigint; firstOffset: bigint }[]) {
    this.#pending = list
      .map((t) => ({ producerId: Number(t.producerId), firstOffset: Number(t.firstOffset) }))
      .sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** True for a control batch or a batch of an aborted transaction; batches must come in offset order. */
  drops(batch: BatchHeader, open: () => OpenBatch): boolean {
    const control = isControl(batch);
    if (batch.producerId < 0) return control;
    const last = lastOffset(batch);
    for (let first = this.#pending[0]; first && first.firstOffset <= last; first = this.#pending[0]) {
      this.#pending.shift();
      this.#open.add(first.producerId);
    }
    if (control) {
      if (isAbortMarker(batchRecords(open())[0])) this.#open.delete(batch.producerId);
      return true;
    }
    return (batch.attributes & transactionalFlag) !== 0 && this.#open.has(batch.producerId);
  }
}

function isAbortMarker(record: BatchRecord | undefined): boolean {
  const key = record?.key;
  return key !== null && key !== undefined && key.length >= 4 && (((key[2] ?? 0) << 8) | (key[3] ?? 0)) === abortMarker;
}
