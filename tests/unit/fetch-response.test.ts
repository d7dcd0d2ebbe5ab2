/**
 * The Fetch version a broker is read with, and the response read with its records left as bytes.
 * (Every read test against the real broker goes through both.)
 */
import { expect, test } from "bun:test";
import { kGetApi, Writer } from "@platformatic/kafka";
import { BrokerTooOldError, fetchVersion, parseFetchResponse } from "../../src/kafka/fetch-response.ts";

type Callback = (error: Error | null, api?: { key: number; version: number }) => void;

/** The Fetch version chosen for a consumer whose library picked `version` from the broker's. */
function versionFor(version: number): Promise<number> {
  const library = { [kGetApi]: (_name: string, callback: Callback) => callback(null, { key: 1, version }) };
  return fetchVersion(library as never);
}

test("Fetch v12 to v17 are read, at the version the broker offers", async () => {
  for (const version of [12, 13, 16, 17]) expect(await versionFor(version)).toBe(version);
});

test("a broker without Fetch v12 (older than Kafka 2.7) is told apart, by name", async () => {
  const failure = await versionFor(11).then(
    () => null,
    (error: Error) => error,
  );
  expect(failure).toBeInstanceOf(BrokerTooOldError);
  expect(failure!.message).toBe("the broker offers Fetch up to v11; source-kafka needs v12 or later (Kafka 2.7+)");
});

const topicId = "9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";

/** A Fetch response as a broker sends it after the correlation id: header tags, then the body. */
function response(version: number, records: Buffer): Uint8Array {
  const w = Writer.create()
    .appendTaggedFields()
    .appendInt32(0) // throttle_time_ms
    .appendInt16(0) // error_code
    .appendInt32(0); // session_id
  w.appendUnsignedVarInt(2); // one topic
  if (version >= 13) w.appendUUID(topicId);
  else w.appendString("orders");
  w.appendUnsignedVarInt(3); // two partitions
  w.appendInt32(0).appendInt16(0).appendInt64(100n).appendInt64(99n).appendInt64(5n);
  w.appendUnsignedVarInt(2).appendInt64(7n).appendInt64(40n).appendTaggedFields(); // one aborted transaction
  w.appendInt32(-1)
    .appendUnsignedVarInt(records.length + 1)
    .append(records);
  w.appendTaggedFields();
  w.appendInt32(1).appendInt16(6).appendInt64(-1n).appendInt64(-1n).appendInt64(-1n); // NOT_LEADER_OR_FOLLOWER
  w.appendUnsignedVarInt(0).appendInt32(2).appendUnsignedVarInt(0).appendTaggedFields();
  w.appendTaggedFields(); // the topic's
  w.appendTaggedFields(); // the response's: no node endpoints
  return new Uint8Array(w.buffer);
}

test("reads each partition's fields, errors left in place, and its records as a view of the response's bytes", () => {
  const records = Buffer.from("record batches, as bytes");
  for (const version of [12, 17]) {
    const bytes = response(version, records);
    const parsed = parseFetchResponse(version, bytes);
    expect(parsed.errorCode).toBe(0);
    expect(parsed.responses.map((t) => t.topicId)).toEqual([version >= 13 ? topicId : "orders"]);
    const [served, moved] = parsed.responses[0]!.partitions;
    expect({ ...served, recordBytes: served?.recordBytes?.toString() }).toEqual({
      partitionIndex: 0,
      errorCode: 0,
      highWatermark: 100n,
      lastStableOffset: 99n,
      logStartOffset: 5n,
      abortedTransactions: [{ producerId: 7n, firstOffset: 40n }],
      preferredReadReplica: -1,
      recordBytes: records.toString(),
    });
    expect(served?.recordBytes?.buffer).toBe(bytes.buffer);
    expect(moved).toMatchObject({ partitionIndex: 1, errorCode: 6, preferredReadReplica: 2, recordBytes: null });
  }
});

test("a response cut short does not parse", () => {
  const bytes = response(17, Buffer.from("record batches, as bytes"));
  expect(() => parseFetchResponse(17, bytes.subarray(0, bytes.length - 30))).toThrow();
});
