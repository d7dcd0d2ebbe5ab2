/**
 * Kafka record batches (message format v2) read straight from a fetch response's bytes.
 *
 * The client library would parse every record into objects of its own first (a BigInt per
 * timestamp, arrays per varint read), which cost more CPU and memory than all else a worker
 * does with a record (bench/: memory). Here each batch's CRC-32C is checked (the library skips
 * it) and its records are opened, decompressed if they were, for record-reader.ts to read.
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

/** A batch opened for reading: its records' bytes, decompressed if they were, and their count. */
export type OpenBatch = {
  header: BatchHeader;
  bytes: Uint8Array;
  count: number;
  /** Bytes decompressed into a buffer left to the collector (garbage once read: worker/collector.ts). */
  decompressedBytes: number;
  /**
   * The decompressed bytes when they are a buffer of their own (Bun's zstd), which the reader
   * frees once the batch's records are written (release-bytes.ts); null otherwise.
   */
  releasable: Uint8Array | null;
};

/**
 * Calls `onBatch` for each whole batch in `bytes`, in order, with the batch's header and a function
 * that opens its records (decompressing them), which is not called for batches skipped unread
 * (aborted transactions). A batch cut short at the end of `bytes` is left out, as the broker may
 * cut the last one.
 */
export function readBatches(bytes: Buffer, onBatch: (batch: BatchHeader, open: () => OpenBatch) => void): void {
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
    onBatch(header, () => openBatch(bytes.subarray(recordsStart, end), header, count));
    at = end;
  }
}

const zstdCodec = 4;
/**
 * Bun's own zstd (the same libzstd, called without node:zlib's stream machinery around it), which
 * the library's codec does not use: a zstd read costs less CPU with it. Deno has no `Bun`.
 */
const bunZstd = (globalThis as { Bun?: { zstdDecompressSync(data: Uint8Array): Uint8Array } }).Bun?.zstdDecompressSync;

function openBatch(body: Buffer, header: BatchHeader, count: number): OpenBatch {
  const codec = header.attributes & compressionMask;
  let bytes = body;
  let decompressedBytes = 0;
  let releasable: Uint8Array | null = null;
  if (codec !== 0) {
    const algorithm = compressionsAlgorithmsByBitmask[codec];
    if (!algorithm)
      throw new CorruptBatchError(`the batch at offset ${header.firstOffset} uses unknown compression ${codec}`);
    try {
      if (codec === zstdCodec && bunZstd) {
        bytes = bunZstd(body) as Buffer;
        releasable = bytes;
      } else {
        bytes = algorithm.decompressSync(body) as Buffer;
        decompressedBytes = bytes.length;
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
  // Buffer (a subclass) ~1.8× slower.
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  return { header, bytes: view, count, decompressedBytes, releasable };
}

/** An int64 as a number: offsets, timestamps and producer ids of any real log fit 53 bits. */
function int64(bytes: Buffer, at: number): number {
  return bytes.readInt32BE(at) * 2 ** 32 + bytes.readUInt32BE(at + 4);
}

export const isControl = (batch: BatchHeader) => (batch.attributes & controlFlag) !== 0;
export const lastOffset = (batch: BatchHeader) => batch.firstOffset + batch.lastOffsetDelta;
