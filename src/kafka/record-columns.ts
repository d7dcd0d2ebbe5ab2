/**
 * A batch's records as columns of numbers rather than an object each: its offset, its timestamp,
 * and where its value lies in the batch's bytes. The fast lane reads a plain record's value where
 * it lies (worker/record-lines.ts); a record it does not take is read again as an object
 * (`record`). An object and a view of the value for each record were most of a worker's garbage:
 * ~256 bytes of heap a record; a worker's columns are written over, batch after batch
 * (docs/decisions/0014).
 */
import type { BatchRecord, OpenBatch } from "./record-batches.ts";
import { RecordReader, type ScannedRecord } from "./record-reader.ts";

export class RecordColumns {
  length = 0;
  offsets = new Float64Array(0);
  timestamps = new Float64Array(0);
  /**
   * Where a plain record's value (one with no key and no headers) lies in `bytes`, first byte and
   * the byte after; -1 for any other record, and for a null value.
   */
  plainStarts = new Int32Array(0);
  plainEnds = new Int32Array(0);
  /** The batch's records' bytes, decompressed if they were. */
  bytes: Uint8Array = new Uint8Array(0);
  /** Where each record starts in `bytes`, to read it again as an object. */
  #starts = new Int32Array(0);
  #batch: OpenBatch | null = null;

  /** Columns of `batch`'s records, or empty ones to `read` batches into. */
  constructor(batch?: OpenBatch) {
    if (batch) this.read(batch);
  }

  /**
   * Reads every record of `batch`, which was checked to hold its count's worth of bytes, in place
   * of the batch read before: the columns grow to the largest batch and are written over, so that
   * a worker reading one batch at a time makes no garbage for them.
   */
  read(batch: OpenBatch): this {
    const total = batch.count;
    if (total > this.offsets.length) this.#grow(total);
    this.#batch = batch;
    this.bytes = batch.bytes;
    this.length = total;
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
    return this;
  }

  /** Record `i` as an object, for whatever the fast lane does not take. */
  record(i: number): BatchRecord {
    const batch = this.#batch;
    if (!batch || i < 0 || i >= this.length) throw new RangeError(`no record ${i} of ${this.length}`);
    const reader = new RecordReader(this.bytes, batch.header);
    reader.at = this.#starts[i] as number;
    return reader.record();
  }

  /** Every record as an object. */
  toArray(): BatchRecord[] {
    return Array.from({ length: this.length }, (_, i) => this.record(i));
  }

  #grow(records: number): void {
    const capacity = Math.max(records, this.offsets.length * 2);
    this.offsets = new Float64Array(capacity);
    this.timestamps = new Float64Array(capacity);
    this.plainStarts = new Int32Array(capacity);
    this.plainEnds = new Int32Array(capacity);
    this.#starts = new Int32Array(capacity);
  }
}
