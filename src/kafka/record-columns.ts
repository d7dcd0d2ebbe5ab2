/**
 * A batch's records as columns of numbers rather than an object each: its offset, its timestamp,
 * and where its value lies in the batch's bytes. The fast lane reads a plain record's value where
 * it lies (worker/record-lines.ts); a record it does not take is read again as an object
 * (`record`). An object and a view of the value for each record were most of a worker's garbage:
 * ~256 bytes of heap a record, against 28 bytes of columns here (docs/decisions/0014).
 */
import type { BatchRecord, OpenBatch } from "./record-batches.ts";
import { RecordReader, type ScannedRecord } from "./record-reader.ts";

export class RecordColumns {
  /** Bytes of columns a record takes, for the worker's collector (worker/collector.ts). */
  static readonly bytesPerRecord = 28;

  readonly length: number;
  readonly offsets: Float64Array;
  readonly timestamps: Float64Array;
  /**
   * Where a plain record's value (one with no key and no headers) lies in `bytes`, first byte and
   * the byte after; -1 for any other record, and for a null value.
   */
  readonly plainStarts: Int32Array;
  readonly plainEnds: Int32Array;
  /** The batch's records' bytes, decompressed if they were. */
  readonly bytes: Uint8Array;
  /** Where each record starts in `bytes`, to read it again as an object. */
  readonly #starts: Int32Array;
  readonly #batch: OpenBatch;

  /** Reads every record of `batch`, which was checked to hold its count's worth of bytes. */
  constructor(batch: OpenBatch) {
    const total = batch.count;
    this.#batch = batch;
    this.bytes = batch.bytes;
    this.length = total;
    this.offsets = new Float64Array(total);
    this.timestamps = new Float64Array(total);
    this.plainStarts = new Int32Array(total);
    this.plainEnds = new Int32Array(total);
    this.#starts = new Int32Array(total);
    const scanned: ScannedRecord = { offset: 0, timestamp: 0, valueStart: -1, valueEnd: -1, keyOrHeaders: false };
    const reader = new RecordReader(batch.bytes, batch.header);
    for (let i = 0; i < total; i++) {
      this.#starts[i] = reader.at;
      reader.scan(scanned);
      this.offsets[i] = scanned.offset;
      this.timestamps[i] = scanned.timestamp;
      const plain = !scanned.keyOrHeaders && scanned.valueStart >= 0;
      this.plainStarts[i] = plain ? scanned.valueStart : -1;
      this.plainEnds[i] = plain ? scanned.valueEnd : -1;
    }
  }

  /** Record `i` as an object, for whatever the fast lane does not take. */
  record(i: number): BatchRecord {
    if (i < 0 || i >= this.length) throw new RangeError(`no record ${i} of ${this.length}`);
    const reader = new RecordReader(this.bytes, this.#batch.header);
    reader.at = this.#starts[i] as number;
    return reader.record();
  }

  /** Every record as an object. */
  toArray(): BatchRecord[] {
    return Array.from({ length: this.length }, (_, i) => this.record(i));
  }
}
