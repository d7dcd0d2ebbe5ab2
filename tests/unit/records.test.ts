/**
 * The record-batch reader and aborted-transaction filtering as pure functions of a fetch
 * response's bytes: the cases a broker test cannot force, such as an ABORT marker that only
 * arrives in the next response, a batch cut short, or a corrupt uncompressed batch.
 */
import { describe, expect, test } from "bun:test";
import { gzipSync, zstdCompressSync } from "node:zlib";
import { crc32c } from "@platformatic/kafka";
import { CorruptBatchError } from "../../src/kafka/record-batches.ts";
import { RecordColumns } from "../../src/kafka/record-columns.ts";
import { partitionRecords, toFetchedPartition } from "../../src/kafka/records.ts";
import { rawPartition, recordBatch } from "../support/record-batch.ts";

const transactional = 0x10;
const control = 0x20;
const logAppendTime = 0x08;

/** A batch of `count` records of `producerId` from `firstOffset`; values are "v<offset>". */
function batch(firstOffset: number, count: number, producerId: number, attributes: number): Buffer {
  return recordBatch({
    firstOffset,
    producerId,
    attributes,
    records: Array.from({ length: count }, (_, i) => ({ value: `v${firstOffset + i}` })),
  });
}

/** A control batch whose record key is (version 0, type): 0 ABORT, 1 COMMIT. */
function marker(offset: number, producerId: number, type: 0 | 1): Buffer {
  return recordBatch({
    firstOffset: offset,
    producerId,
    attributes: transactional | control,
    records: [{ key: new Uint8Array([0, 0, 0, type]), value: new Uint8Array(6) }],
  });
}

const partition = (batches: Buffer[], aborted: [number, number][] = []) =>
  toFetchedPartition("topic-id", rawPartition(batches, aborted));
/** The partition's batches read as the read path reads them. */
const readColumns = (p: ReturnType<typeof partition>) => p.batches.map((batch) => new RecordColumns(batch.open()));
const values = (p: ReturnType<typeof partition>) => partitionRecords(p).map((r) => Buffer.from(r.value!).toString());

describe("record batches", () => {
  test("reads offsets, create timestamps, null and empty keys and values, and headers exactly", () => {
    const p = partition([
      recordBatch({
        firstOffset: 40,
        firstTimestamp: 1_700_000_000_000,
        records: [
          {
            offsetDelta: 0,
            timestampDelta: 0,
            key: "k",
            value: '{"a":1}',
            headers: [
              ["h1", "x"],
              ["h2", null],
            ],
          },
          { offsetDelta: 2, timestampDelta: -5, key: null, value: null },
          { offsetDelta: 3, timestampDelta: 70_000, key: "", value: "" },
        ],
        lastOffsetDelta: 3,
      }),
    ]);
    expect(partitionRecords(p).map((r) => [r.offset, r.timestamp])).toEqual([
      [40, 1_700_000_000_000],
      [42, 1_699_999_999_995],
      [43, 1_700_000_070_000],
    ]);
    expect(
      partitionRecords(p).map((r) => [
        r.key && Buffer.from(r.key).toString(),
        r.value && Buffer.from(r.value).toString(),
      ]),
    ).toEqual([
      ["k", '{"a":1}'],
      [null, null],
      ["", ""],
    ]);
    expect(
      partitionRecords(p)[0]!.headers.map(([k, v]) => [Buffer.from(k!).toString(), v && Buffer.from(v).toString()]),
    ).toEqual([
      ["h1", "x"],
      ["h2", null],
    ]);
    expect(partitionRecords(p)[1]!.headers).toEqual([]);
    expect(p.nextOffset).toBe(44);
    expect(p.logAppendTime).toBe(false);
  });

  test("batches read into columns: offsets, timestamps, and where a plain record's value lies", () => {
    const p = partition([
      recordBatch({
        firstOffset: 10,
        firstTimestamp: 5_000,
        records: [{ value: '{"a":1}' }, { offsetDelta: 1, key: "k", value: "v" }, { offsetDelta: 2, value: null }],
      }),
      recordBatch({
        firstOffset: 13,
        firstTimestamp: 6_000,
        records: [
          { value: "", timestampDelta: 7 },
          { offsetDelta: 1, value: "h", headers: [["h", "x"]] },
          { offsetDelta: 2, value: "last" },
        ],
      }),
    ]);
    const [first, second] = p.batches.map((batch) => new RecordColumns(batch.open()));
    expect(p.batches.map((b) => [b.header.firstOffset, b.header.lastOffsetDelta])).toEqual([
      [10, 2],
      [13, 2],
    ]);
    expect([...first!.offsets, ...second!.offsets]).toEqual([10, 11, 12, 13, 14, 15]);
    expect([...first!.timestamps, ...second!.timestamps]).toEqual([5_000, 5_000, 5_000, 6_007, 6_000, 6_000]);
    // Plain: a value, no key, no headers. Its bytes are read where they lie.
    const plain = [first!, second!].flatMap((columns) =>
      Array.from({ length: columns.length }, (_, i) => {
        const start = columns.plainStarts[i]!;
        if (start < 0) return null;
        return Buffer.from(columns.bytes.subarray(start, columns.plainEnds[i])).toString();
      }),
    );
    expect(plain).toEqual(['{"a":1}', null, null, "", null, "last"]);
    // Any record, asked for in any order, as an object.
    const columns = second!;
    expect(Buffer.from(columns.record(1).value!).toString()).toBe("h");
    expect(Buffer.from(first!.record(1).key!).toString()).toBe("k");
    expect(columns.record(2).offset).toBe(15);
    expect(() => columns.record(3)).toThrow(RangeError);
  });

  test("a log-append-time batch stamps every record with its max timestamp", () => {
    const p = partition([
      recordBatch({
        firstOffset: 0,
        attributes: logAppendTime,
        firstTimestamp: 10,
        maxTimestamp: 99,
        records: [{ value: "a" }, { value: "b", timestampDelta: 3 }],
      }),
    ]);
    expect(partitionRecords(p).map((r) => r.timestamp)).toEqual([99, 99]);
    expect(p.logAppendTime).toBe(true);
  });

  test("gzip and zstd batches decompress to the same records", () => {
    const records = Array.from({ length: 50 }, (_, i) => ({
      key: `k${i}`,
      value: JSON.stringify({ i, pad: "z".repeat(40) }),
    }));
    const plain = values(partition([recordBatch({ firstOffset: 7, records })]));
    expect(plain).toHaveLength(50);
    expect(
      values(partition([recordBatch({ firstOffset: 7, records, compress: { bits: 1, with: (b) => gzipSync(b) } })])),
    ).toEqual(plain);
    expect(
      values(
        partition([recordBatch({ firstOffset: 7, records, compress: { bits: 4, with: (b) => zstdCompressSync(b) } })]),
      ),
    ).toEqual(plain);
  });

  test("a batch cut short at the end of the response is left for the next fetch", () => {
    const whole = batch(0, 2, -1, 0);
    const next = batch(2, 2, -1, 0);
    const p = partition([whole, next.subarray(0, next.length - 5)]);
    expect(values(p)).toEqual(["v0", "v1"]);
    expect(p.nextOffset).toBe(2);
  });

  test("an uncompressed batch with a flipped byte fails its CRC, naming the batch's offset", () => {
    const good = batch(0, 2, -1, 0);
    const bad = Buffer.from(batch(2, 3, -1, 0));
    bad[bad.length - 2]! ^= 0x01;
    expect(() => partition([good, bad])).toThrow(
      new CorruptBatchError("the batch at offset 2 fails its CRC-32C check"),
    );
  });

  test("a compressed batch that does not decompress is corrupt when read, naming the batch's offset", () => {
    const bogus = recordBatch({
      firstOffset: 5,
      records: [{ value: "x" }],
      compress: { bits: 1, with: () => Buffer.from("not gzip at all") },
    });
    // Its CRC covers the compressed bytes, which are as written: the fetch is read, the batch is not.
    const p = partition([bogus]);
    expect(p.nextOffset).toBe(6);
    expect(() => readColumns(p)).toThrow(/^the batch at offset 5 does not decompress/);
  });

  test("a record running past its batch is malformed when read, not read from the next batch's bytes", () => {
    const bytes = Buffer.from(batch(0, 1, -1, 0));
    // The record's length varint is the first byte after the 61-byte header: claim 60 bytes.
    bytes[61] = 120;
    bytes.writeUInt32BE(crc32c(bytes.subarray(21)), 17);
    const malformed = new CorruptBatchError("a record of the batch at offset 0 is malformed");
    expect(() => readColumns(partition([bytes]))).toThrow(malformed);
    expect(() => partitionRecords(partition([bytes]))).toThrow(malformed);
  });

  test("a batch declaring an impossible length or record count is corrupt, not a loop or a huge allocation", () => {
    const shortLength = Buffer.from(batch(3, 1, -1, 0));
    shortLength.writeInt32BE(-20, 8);
    expect(() => partition([shortLength])).toThrow(
      new CorruptBatchError("the batch at offset 3 declares a length of -20 bytes"),
    );
    const manyRecords = Buffer.from(batch(4, 1, -1, 0));
    manyRecords.writeInt32BE(2_000_000_000, 57);
    manyRecords.writeUInt32BE(crc32c(manyRecords.subarray(21)), 17);
    expect(() => readColumns(partition([manyRecords]))).toThrow(
      /^the batch at offset 4 declares 2000000000 records in \d+ bytes$/,
    );
  });

  test('CRC-32C is the Castagnoli checksum (check value of "123456789")', () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
  });
});

describe("toFetchedPartition with transactions", () => {
  test("drops an aborted batch whose ABORT marker is in a later response, and moves past it", () => {
    const first = partition([batch(0, 1, -1, 0), batch(1, 2, 7, transactional)], [[7, 1]]);
    expect(values(first)).toEqual(["v0"]);
    expect(first.nextOffset).toBe(3);
    const second = partition([marker(3, 7, 0), batch(4, 1, 7, transactional), marker(5, 7, 1)], [[7, 1]]);
    expect(values(second)).toEqual(["v4"]);
    expect(second.nextOffset).toBe(6);
  });

  test("drops each aborted transaction of one producer, keeping its committed one in between", () => {
    const p = partition(
      [
        batch(0, 2, 7, transactional),
        marker(2, 7, 0),
        batch(3, 1, 7, transactional),
        marker(4, 7, 1),
        batch(5, 1, 7, transactional),
        marker(6, 7, 0),
      ],
      [
        [7, 0],
        [7, 5],
      ],
    );
    expect(values(p)).toEqual(["v3"]);
    expect(p.nextOffset).toBe(7);
  });

  test("keeps another producer's batches that interleave with an aborted transaction", () => {
    const p = partition(
      [
        batch(0, 1, 7, transactional),
        batch(1, 1, 8, transactional),
        batch(2, 1, -1, 0),
        marker(3, 7, 0),
        marker(4, 8, 1),
      ],
      [[7, 0]],
    );
    expect(values(p)).toEqual(["v1", "v2"]);
    expect(p.nextOffset).toBe(5);
  });
});
