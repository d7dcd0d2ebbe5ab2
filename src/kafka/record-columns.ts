/**
 * A partition's records from one fetch, as columns of numbers rather than an object each: its
 * offset, its timestamp, and where its value lies in its batch's bytes. The fast lane reads a
 * plain record's value where it lies (worker/record-lines.ts); a record it does not take is
 * read again as an object (`record`). An object and a view of the value for each record were
 * most of a worker's garbage: ~256 bytes of heap a record, against 24 bytes of columns here
 * (docs/decisions/0014-records-in-columns.md).
 */
import type { BatchRecord, OpenBatch } from "./record-batches.ts";
import { RecordReader, type ScannedRecord } from "./record-reader.ts";

export class RecordColumns {
  /** Bytes of columns a record takes, for the worker's collector (worker/collector.ts). */
  static readonly bytesPerRecord = 28;
  static readonly none = new RecordColumns([]);

  readonly length: number;
  readonly offsets: Float64Array;
  readonly timestamps: Float64Array;
  /**
   * Where a plain record's value (one with no key and no headers) lies in `bytesOf(i)`, first byte
   * and the byte after; -1 for any other record, and for a null value.
   */
  readonly plainStarts: Int32Array;
  readonly plainEnds: Int32Array;
  /** Where each record starts in its batch's bytes, to read it again as an object. */
  readonly #starts: Int32Array;
  readonly #batches: OpenBatch[];
  /** The index of each batch's first record, and the number of records after the last batch. */
  readonly #firsts: number[];
  /** The batch of the record last asked for: records are asked for in order. */
  #batch = 0;

  /** Reads every record of `batches`, which were checked to hold their counts' worth of bytes. */
  constructor(batches: OpenBatch[]) {
    let total = 0;
    this.#firsts = [];
    for (const batch of batches) {
      this.#firsts.push(total);
      total += batch.count;
    }
    this.#firsts.push(total);
    this.#batches = batches;
    this.length = total;
    this.offsets = new Float64Array(total);
    this.timestamps = new Float64Array(total);
    this.plainStarts = new Int32Array(total);
    this.plainEnds = new Int32Array(total);
    this.#starts = new Int32Array(total);
    const scanned: ScannedRecord = { offset: 0, timestamp: 0, valueStart: -1, valueEnd: -1, keyOrHeaders: false };
    let i = 0;
    for (const batch of batches) {
      const reader = new RecordReader(batch.bytes, batch.header);
      for (let r = 0; r < batch.count; r++, i++) {
        this.#starts[i] = reader.at;
        reader.scan(scanned);
        this.offsets[i] = scanned.offset;
        this.timestamps[i] = scanned.timestamp;
        const plain = !scanned.keyOrHeaders && scanned.valueStart >= 0;
        this.plainStarts[i] = plain ? scanned.valueStart : -1;
        this.plainEnds[i] = plain ? scanned.valueEnd : -1;
      }
    }
  }

  /** The bytes record `i` lies in, which `plainStarts` and `plainEnds` index. */
  bytesOf(i: number): Uint8Array {
    return this.#batchOf(i).bytes;
  }

  /** Record `i` as an object, for whatever the fast lane does not take. */
  record(i: number): BatchRecord {
    const batch = this.#batchOf(i);
    const reader = new RecordReader(batch.bytes, batch.header);
    reader.at = this.#starts[i] as number;
    return reader.record();
  }

  /** Every record as an object. */
  toArray(): BatchRecord[] {
    return Array.from({ length: this.length }, (_, i) => this.record(i));
  }

  #batchOf(i: number): OpenBatch {
    if (i < 0 || i >= this.length) throw new RangeError(`no record ${i} of ${this.length}`);
    let b = i < (this.#firsts[this.#batch] as number) ? 0 : this.#batch;
    while (i >= (this.#firsts[b + 1] as number)) b++;
    this.#batch = b;
    return this.#batches[b] as OpenBatch;
  }
}
