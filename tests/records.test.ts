/**
 * Aborted-transaction filtering as a pure function of one fetch response: the cases a single
 * broker test cannot force, such as an ABORT marker that only arrives in the next response.
 */
import { describe, expect, test } from "bun:test";
import { toFetchedPartition } from "../src/kafka/records.ts";

const transactional = 0x10;
const control = 0x20;

/** A batch of `count` records of `producerId` from `firstOffset`; values are "v<offset>". */
function batch(firstOffset: number, count: number, producerId: number, attributes: number) {
  return {
    firstOffset: BigInt(firstOffset),
    lastOffsetDelta: count - 1,
    attributes,
    firstTimestamp: 0n,
    maxTimestamp: 0n,
    producerId: BigInt(producerId),
    records: Array.from({ length: count }, (_, i) => ({
      offsetDelta: i,
      timestampDelta: 0n,
      key: null,
      value: Buffer.from(`v${firstOffset + i}`),
      headers: [] as [Buffer | null, Buffer | null][],
    })),
  };
}

/** A control batch whose record key is (version 0, type): 0 ABORT, 1 COMMIT. */
function marker(offset: number, producerId: number, type: 0 | 1) {
  const b = batch(offset, 1, producerId, transactional | control);
  b.records[0]!.key = Buffer.from([0, 0, 0, type]) as never;
  b.records[0]!.value = Buffer.from([0, 0, 0, 0, 0, 0]);
  return b;
}

function partition(batches: ReturnType<typeof batch>[], aborted: [producerId: number, firstOffset: number][]) {
  return toFetchedPartition("topic-id", {
    partitionIndex: 0,
    errorCode: 0,
    highWatermark: 100n,
    lastStableOffset: 100n,
    logStartOffset: 0n,
    abortedTransactions: aborted.map(([producerId, firstOffset]) => ({ producerId: BigInt(producerId), firstOffset: BigInt(firstOffset) })),
    records: batches,
  });
}

const values = (p: ReturnType<typeof partition>) => p.records.map((r) => r.value!.toString());

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
      [batch(0, 2, 7, transactional), marker(2, 7, 0), batch(3, 1, 7, transactional), marker(4, 7, 1), batch(5, 1, 7, transactional), marker(6, 7, 0)],
      [[7, 0], [7, 5]],
    );
    expect(values(p)).toEqual(["v3"]);
    expect(p.nextOffset).toBe(7);
  });

  test("keeps another producer's batches that interleave with an aborted transaction", () => {
    const p = partition(
      [batch(0, 1, 7, transactional), batch(1, 1, 8, transactional), batch(2, 1, -1, 0), marker(3, 7, 0), marker(4, 8, 1)],
      [[7, 0]],
    );
    expect(values(p)).toEqual(["v1", "v2"]);
    expect(p.nextOffset).toBe(5);
  });
});
