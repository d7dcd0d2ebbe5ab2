/**
 * The records of one batch (message format v2), read from its bytes: varint fields and
 * length-prefixed byte strings (https://kafka.apache.org/documentation/#record). A reader either
 * makes each record an object (`record`), or notes where its fields lie (`scan`), which is how
 * the read path takes them (record-columns.ts).
 */
import type { BatchHeader, BatchRecord, OpenBatch } from "./record-batches.ts";
import { CorruptBatchError, logAppendTimeFlag } from "./record-batches.ts";

const noHeaders: [Uint8Array | null, Uint8Array | null][] = Object.freeze([]) as never;

/** Where one record's fields lie in its batch's bytes, as `scan` found them. */
export type ScannedRecord = {
  offset: number;
  timestamp: number;
  /** The value's first byte and the byte after it; -1 and -1 for a null value. */
  valueStart: number;
  valueEnd: number;
  /** Whether it has a key or headers (the value is all the fast lane reads). */
  keyOrHeaders: boolean;
};

/** The batch's records, each an object. */
export function batchRecords(batch: OpenBatch): BatchRecord[] {
  const reader = new RecordReader(batch.bytes, batch.header);
  const records: BatchRecord[] = new Array(batch.count);
  for (let i = 0; i < batch.count; i++) records[i] = reader.record();
  return records;
}

export class RecordReader {
  /** Where the next record starts. */
  at = 0;
  readonly #logAppendTime: boolean;
  constructor(
    readonly bytes: Uint8Array,
    readonly batch: BatchHeader,
  ) {
    this.#logAppendTime = (batch.attributes & logAppendTimeFlag) !== 0;
  }

  /** The next record as an object; its key, value and header bytes are views into the batch. */
  record(): BatchRecord {
    const end = this.#recordEnd();
    const timestampDelta = this.#varint();
    const offsetDelta = this.#varint();
    const key = this.#bytes();
    const value = this.#bytes();
    const headerCount = this.#varint();
    let headers = noHeaders;
    if (headerCount > 0) {
      headers = new Array(headerCount);
      for (let h = 0; h < headerCount; h++) headers[h] = [this.#bytes(), this.#bytes()];
    }
    if (this.at !== end) this.#corrupt();
    return {
      offset: this.batch.firstOffset + offsetDelta,
      timestamp: this.#timestamp(timestampDelta),
      key,
      value,
      headers,
    };
  }

  /** Reads the next record into `into`, making no object. */
  scan(into: ScannedRecord): void {
    const end = this.#recordEnd();
    const timestampDelta = this.#varint();
    const offsetDelta = this.#varint();
    const keyLength = this.#skipBytes();
    const valueLength = this.#varint();
    into.valueStart = valueLength < 0 ? -1 : this.at;
    if (valueLength > 0) this.#skip(valueLength);
    into.valueEnd = valueLength < 0 ? -1 : this.at;
    const headerCount = this.#varint();
    for (let h = 0; h < headerCount; h++) {
      this.#skipBytes();
      this.#skipBytes();
    }
    if (this.at !== end) this.#corrupt();
    into.offset = this.batch.firstOffset + offsetDelta;
    into.timestamp = this.#timestamp(timestampDelta);
    into.keyOrHeaders = keyLength >= 0 || headerCount > 0;
  }

  /** Reads the record's length and its attributes byte (unused in format v2); returns where it ends. */
  #recordEnd(): number {
    const length = this.#varint();
    const end = this.at + length;
    if (length < 0 || end > this.bytes.length) this.#corrupt();
    this.at++;
    return end;
  }

  #timestamp(delta: number): number {
    return this.#logAppendTime ? this.batch.maxTimestamp : this.batch.firstTimestamp + delta;
  }

  #bytes(): Uint8Array | null {
    const length = this.#varint();
    if (length < 0) return null;
    const start = this.at;
    this.#skip(length);
    return this.bytes.subarray(start, this.at);
  }

  /** Past a length-prefixed byte string; returns its length, -1 for null. */
  #skipBytes(): number {
    const length = this.#varint();
    if (length > 0) this.#skip(length);
    return length;
  }

  #skip(length: number): void {
    this.at += length;
    if (this.at > this.bytes.length) this.#corrupt();
  }

  /** A zigzag varint (int32 or int64) as a number; timestamp deltas and lengths fit one exactly. */
  #varint(): number {
    let value = 0;
    let scale = 1;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.at >= this.bytes.length) this.#corrupt();
      // biome-ignore lint/style/noNonNullAssertion: the line above checked the bounds (a hot loop: no second check)
      const byte = this.bytes[this.at++]!;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
      scale *= 128;
    }
    return this.#corrupt();
  }

  #corrupt(): never {
    throw new CorruptBatchError(`a record of the batch at offset ${this.batch.firstOffset} is malformed`);
  }
}
