/**
 * A fetch response's partition → the records the read path needs. Control batches (transaction
 * markers) and the batches of aborted transactions are dropped, but still move the next offset
 * past them, so that a checkpoint never points back into them.
 */
import { errorName } from "./error-codes.ts";
import type { RawFetchPartition } from "./fetch-response.ts";
import {
  type BatchHeader,
  type BatchRecord,
  type Decompressed,
  isControl,
  logAppendTimeFlag,
  type OpenBatch,
  readBatches,
} from "./record-batches.ts";
import { RecordColumns } from "./record-columns.ts";
import { batchRecords } from "./record-reader.ts";

const transactionalFlag = 0x10;
/** A control record's key is (version: int16, type: int16); type 0 is ABORT, 1 is COMMIT. */
const abortMarker = 0;

/** One record as an object; offsets and timestamps fit a JS number for any real log. */
export type FetchedRecord = BatchRecord;

export type FetchedPartition = {
  topicId: string;
  partition: number;
  /** Kafka error name, e.g. OFFSET_OUT_OF_RANGE; null when the partition was served. */
  error: string | null;
  highWatermark: number;
  logStartOffset: number;
  logAppendTime: boolean;
  records: RecordColumns;
  /** Offset after the last batch returned, which may be past the last record (compaction, control batches). */
  nextOffset: number | null;
  /** Bytes of batches decompressed into buffers left to the collector (worker/collector.ts). */
  decompressedBytes: number;
  /**
   * Batches decompressed into buffers of their own, which the reader frees once the records
   * (views into them) are written (release-bytes.ts).
   */
  releasable: Uint8Array[];
  /**
   * The replica the leader says to read this partition from instead (KIP-392; it then sends no
   * records), or -1. Only a fetch that names a rack gets one.
   */
  preferredReadReplica: number;
  /** Bytes of this partition's record batches as the broker sent them (compressed, if they were). */
  fetchedBytes: number;
};

/** Reads the partition's batches; throws CorruptBatchError for a batch that cannot be read. */
export function toFetchedPartition(topicId: string, p: RawFetchPartition): FetchedPartition {
  const kept: OpenBatch[] = [];
  let nextOffset: number | null = null;
  let logAppendTime = false;
  const aborted = new AbortedTransactions(p.abortedTransactions ?? []);
  const sizes: Decompressed = { decompressed: 0, ownBuffers: [] };
  if (p.recordBytes !== null) {
    readBatches(
      p.recordBytes,
      (batch, open) => {
        nextOffset = batch.firstOffset + batch.lastOffsetDelta + 1;
        if (aborted.drops(batch, open)) return;
        logAppendTime = (batch.attributes & logAppendTimeFlag) !== 0;
        kept.push(open());
      },
      sizes,
    );
  }
  return {
    topicId,
    partition: p.partitionIndex,
    error: p.errorCode === 0 ? null : errorName(p.errorCode),
    highWatermark: Number(p.lastStableOffset >= 0n ? p.lastStableOffset : p.highWatermark),
    logStartOffset: Number(p.logStartOffset),
    logAppendTime,
    records: kept.length === 0 ? RecordColumns.none : new RecordColumns(kept),
    nextOffset,
    decompressedBytes: sizes.decompressed,
    releasable: sizes.ownBuffers,
    preferredReadReplica: p.preferredReadReplica,
    fetchedBytes: p.recordBytes?.length ?? 0,
  };
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
    const lastOffset = batch.firstOffset + batch.lastOffsetDelta;
    for (let first = this.#pending[0]; first && first.firstOffset <= lastOffset; first = this.#pending[0]) {
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
