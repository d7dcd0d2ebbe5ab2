/**
 * Writes Kafka record batches (message format v2) for unit tests of the reader, byte by byte from
 * the format's documentation (https://kafka.apache.org/documentation/#recordbatch), so that the
 * tests do not share code with what they test. Real brokers' batches are read by the broker tests.
 */
import { crc32c } from "@platformatic/kafka";

export type TestRecord = {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: Uint8Array | string | null;
  value?: Uint8Array | string | null;
  headers?: [string, string | null][];
};

export type TestBatch = {
  firstOffset: number;
  records: TestRecord[];
  attributes?: number;
  firstTimestamp?: number;
  maxTimestamp?: number;
  producerId?: number;
  lastOffsetDelta?: number;
  /** Compresses the records: the codec's attribute bits go into attributes. */
  compress?: { bits: number; with: (bytes: Buffer) => Buffer };
};

function varint(value: number): number[] {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  const out: number[] = [];
  while (zigzag >= 0x80) {
    out.push((zigzag % 128) | 0x80);
    zigzag = Math.floor(zigzag / 128);
  }
  out.push(zigzag);
  return out;
}

function bytesOf(value: Uint8Array | string | null | undefined): number[] {
  if (value === null || value === undefined) return varint(-1);
  const bytes = typeof value === "string" ? Buffer.from(value) : Buffer.from(value);
  return [...varint(bytes.length), ...bytes];
}

function record(r: TestRecord, index: number): number[] {
  const body = [
    0,
    ...varint(r.timestampDelta ?? 0),
    ...varint(r.offsetDelta ?? index),
    ...bytesOf(r.key),
    ...bytesOf(r.value),
    ...varint(r.headers?.length ?? 0),
    ...(r.headers ?? []).flatMap(([k, v]) => [...bytesOf(k), ...bytesOf(v)]),
  ];
  return [...varint(body.length), ...body];
}

export function recordBatch(batch: TestBatch): Buffer {
  let records: Buffer = Buffer.from(batch.records.flatMap(record));
  let attributes = batch.attributes ?? 0;
  if (batch.compress) {
    records = batch.compress.with(records);
    attributes |= batch.compress.bits;
  }
  const afterCrc = Buffer.alloc(40);
  afterCrc.writeInt16BE(attributes, 0);
  afterCrc.writeInt32BE(batch.lastOffsetDelta ?? batch.records.length - 1, 2);
  afterCrc.writeBigInt64BE(BigInt(batch.firstTimestamp ?? 0), 6);
  afterCrc.writeBigInt64BE(BigInt(batch.maxTimestamp ?? batch.firstTimestamp ?? 0), 14);
  afterCrc.writeBigInt64BE(BigInt(batch.producerId ?? -1), 22);
  afterCrc.writeInt16BE(0, 30);
  afterCrc.writeInt32BE(0, 32);
  afterCrc.writeInt32BE(batch.records.length, 36);
  const covered = Buffer.concat([afterCrc, records]);
  const head = Buffer.alloc(21);
  head.writeBigInt64BE(BigInt(batch.firstOffset), 0);
  head.writeInt32BE(9 + covered.length, 8);
  head.writeInt32BE(0, 12);
  head.writeInt8(2, 16);
  head.writeUInt32BE(crc32c(covered), 17);
  return Buffer.concat([head, covered]);
}

/** A partition of a raw fetch response holding `batches`. */
export function rawPartition(batches: Buffer[], aborted: [producerId: number, firstOffset: number][] = []) {
  return {
    partitionIndex: 0,
    errorCode: 0,
    highWatermark: 100n,
    lastStableOffset: 100n,
    logStartOffset: 0n,
    abortedTransactions: aborted.map(([producerId, firstOffset]) => ({
      producerId: BigInt(producerId),
      firstOffset: BigInt(firstOffset),
    })),
    preferredReadReplica: -1,
    recordBytes: batches.length === 0 ? null : Buffer.concat(batches),
    records: null,
  };
}
