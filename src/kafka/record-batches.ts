/**
 * Kafka record batches (message format v2) read straight from a fetch response's bytes.
 *
 * The client library would parse every record into objects of its own first (a BigInt per
 * timestamp, arrays per varint read), which cost more CPU and memory than all else a worker
 * does with a record (bench/: memory). Here each record becomes one small object whose key and
 * value are views into the batch, and each batch's CRC-32C is checked, which the library skips.
 *
 * Layout (https://kafka.apache.org/documentation/#recordbatch): baseOffset int64, batchLength
 * int32, partitionLeaderEpoch int32, magic int8, crc uint32 (CRC-32C of everything after it),
 * attributes int16, lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64, producerId
 * int64, producerEpoch int16, baseSequence int32, then the record count int32 and the records,
 * compressed as a whole when attributes say so.
 */
import { compressionsAlgorithmsByBitmask } from "@platformatic/kafka";
import { crc32c } from "./crc32c.ts";

/** A batch's header, as the read path needs it. */
export type BatchHeader = {
  firstOffset: number;
  lastOffsetDelta: number;
  attributes: number;
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: number;
};

/** One record; `key`, `value` and header bytes are views into the fetched or decompressed batch. */
export type BatchRecord = {
  offset: number;
  /** The record's create time, or the batch's log append time when the topic stamps that. */
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: [Uint8Array | null, Uint8Array | null][];
};

/** A batch that cannot be read: corrupt bytes, an unknown codec or format. Retrying cannot help. */
export class CorruptBatchError extends Error {
  override name = "CorruptBatchError";
}

const controlFlag = 0x20;
export const logAppendTimeFlag = 0x08;
const compressionMask = 0x07;
/** Bytes before `batchLength` counts: baseOffset and batchLength themselves. */
const logOverhead = 12;
/** Offset of the first byte the CRC covers (attributes), and of the record count. */
const crcStart = 21;
const recordCountAt = 57;
const headerSize = 61;
const noHeaders: [Uint8Array | null, Uint8Array | null][] = Object.freeze([]) as never;

/**
 * Calls `onBatch` for each whole batch in `bytes`, in order. `onBatch` returns true to have the
 * batch's records read (then `onRecord` gets each), false to skip them (aborted transactions).
 * A batch cut short at the end of `bytes` is left out, as the broker may cut the last one.
 */
export function readBatches(
  bytes: Buffer,
  onBatch: (batch: BatchHeader, records: () => BatchRecord[]) => void,
  /** Collects what batches took decompressed (their garbage, once read: see worker/collector.ts). */
  sizes: Decompressed = { decompressed: 0, ownBuffers: [] },
): void {
  let at = 0;
  while (bytes.length - at >= headerSize) {
    const length = bytes.readInt32BE(at + 8);
    const end = at + logOverhead + length;
    if (end > bytes.length) break;
    const firstOffset = int64(bytes, at);
    if (length < headerSize - logOverhead)
      throw new CorruptBatchError(`the batch at offset ${firstOffset} declares a length of ${length} bytes`);
    const magic = bytes.readInt8(at + 16);
    if (magic !== 2)
      throw new CorruptBatchError(
        `the batch at offset ${firstOffset} has message format v${magic}; only v2 (Kafka 0.11 and later) is read`,
      );
    const crc = bytes.readUInt32BE(at + 17);
    if (crc32c(bytes.subarray(at + crcStart, end)) !== crc)
      throw new CorruptBatchError(`the batch at offset ${firstOffset} fails its CRC-32C check`);
    const header: BatchHeader = {
      firstOffset,
      lastOffsetDelta: bytes.readInt32BE(at + 23),
      attributes: bytes.readInt16BE(at + 21),
      firstTimestamp: int64(bytes, at + 27),
      maxTimestamp: int64(bytes, at + 35),
      producerId: int64(bytes, at + 43),
    };
    const count = bytes.readInt32BE(at + recordCountAt);
    const recordsStart = at + headerSize;
    onBatch(header, () => readRecords(bytes.subarray(recordsStart, end), header, count, sizes));
    at = end;
  }
}

const zstdCodec = 4;
/**
 * Bun's own zstd (the same libzstd, called without node:zlib's stream machinery around it), which
 * the library's codec does not use: a zstd read costs less CPU with it. Deno has no `Bun`.
 */
const bunZstd = (globalThis as { Bun?: { zstdDecompressSync(data: Uint8Array): Uint8Array } }).Bun?.zstdDecompressSync;

/**
 * What a fetch's batches took decompressed: the bytes left to the collector, and the buffers of
 * their own (Bun's zstd) that the reader frees once their records are written (release-bytes.ts).
 */
export type Decompressed = { decompressed: number; ownBuffers: Uint8Array[] };

function readRecords(body: Buffer, header: BatchHeader, count: number, sizes: Decompressed): BatchRecord[] {
  const codec = header.attributes & compressionMask;
  let bytes = body;
  if (codec !== 0) {
    const algorithm = compressionsAlgorithmsByBitmask[codec];
    if (!algorithm)
      throw new CorruptBatchError(`the batch at offset ${header.firstOffset} uses unknown compression ${codec}`);
    try {
      if (codec === zstdCodec && bunZstd) {
        bytes = bunZstd(body) as Buffer;
        sizes.ownBuffers.push(bytes);
      } else {
        bytes = algorithm.decompressSync(body) as Buffer;
        sizes.decompressed += bytes.length;
      }
    } catch (error) {
      throw new CorruptBatchError(
        `the batch at offset ${header.firstOffset} does not decompress (${(error as Error).message})`,
      );
    }
  }
  // A record takes 7 bytes at the least: no more records than that can fit.
  if (count < 0 || count * 7 > bytes.length)
    throw new CorruptBatchError(
      `the batch at offset ${header.firstOffset} declares ${count} records in ${bytes.length} bytes`,
    );
  // Records are read from a plain Uint8Array view, not the Buffer: JSC runs byte loops over a
  // Buffer (a subclass) ~1.8× slower, and every key and value view made from it would be one too.
  const reader = new RecordReader(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), header);
  const records: BatchRecord[] = new Array(count);
  for (let i = 0; i < count; i++) records[i] = reader.record();
  return records;
}

/** Reads the records of one batch: varint fields and length-prefixed byte strings. */
class RecordReader {
  #at = 0;
  readonly #logAppendTime: boolean;
  constructor(
    readonly bytes: Uint8Array,
    readonly batch: BatchHeader,
  ) {
    this.#logAppendTime = (batch.attributes & logAppendTimeFlag) !== 0;
  }

  record(): BatchRecord {
    const length = this.#varint();
    const end = this.#at + length;
    if (length < 0 || end > this.bytes.length) this.#corrupt();
    this.#at++; // attributes: unused in format v2
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
    if (this.#at !== end) this.#corrupt();
    return {
      offset: this.batch.firstOffset + offsetDelta,
      timestamp: this.#logAppendTime ? this.batch.maxTimestamp : this.batch.firstTimestamp + timestampDelta,
      key,
      value,
      headers,
    };
  }

  #bytes(): Uint8Array | null {
    const length = this.#varint();
    if (length < 0) return null;
    const start = this.#at;
    this.#at += length;
    if (this.#at > this.bytes.length) this.#corrupt();
    return this.bytes.subarray(start, this.#at);
  }

  /** A zigzag varint (int32 or int64) as a number; timestamp deltas and lengths fit one exactly. */
  #varint(): number {
    let value = 0;
    let scale = 1;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.#at >= this.bytes.length) this.#corrupt();
      // biome-ignore lint/style/noNonNullAssertion: the line above checked the bounds (a hot loop: no second check)
      const byte = this.bytes[this.#at++]!;
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

/** An int64 as a number: offsets, timestamps and producer ids of any real log fit 53 bits. */
function int64(bytes: Buffer, at: number): number {
  return bytes.readInt32BE(at) * 2 ** 32 + bytes.readUInt32BE(at + 4);
}

export const isControl = (batch: BatchHeader) => (batch.attributes & controlFlag) !== 0;
