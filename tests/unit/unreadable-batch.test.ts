/**
 * A record batch whose CRC-32C holds but whose records cannot be read (they do not decompress):
 * the read path learns it only when it reaches the batch, since batches are decompressed as their
 * records are written (src/worker/fetching.ts). The records before it are written and
 * checkpointed; the partition is then read a batch at a time, and the read fails naming the batch.
 * A fake client and a main thread that acks at once: no broker (tests/broker/cluster-faults.test.ts
 * corrupts a broker's batch on disk, which its CRC-32C catches before any record is read).
 */
import { expect, test } from "bun:test";
import { ConfigError } from "../../src/errors.ts";
import { readBatches } from "../../src/kafka/record-batches.ts";
import type { FetchedBatch } from "../../src/kafka/records.ts";
import { WorkerOutput } from "../../src/pool/worker-output.ts";
import { fetchOnce } from "../../src/worker/fetching.ts";
import type { Batch, FromWorker } from "../../src/worker/messages.ts";
import { type FetchRequest, newWorkerState } from "../../src/worker/state.ts";
import { onePartitionClient, startOnePartition } from "../support/one-partition.ts";
import { recordBatch } from "../support/record-batch.ts";

const value = (offset: number) => JSON.stringify({ offset });
const log = Buffer.concat([
  recordBatch({ firstOffset: 0, records: [{ value: value(0) }, { value: value(1) }] }),
  // Gzip's attribute bits over bytes that are not gzip: its CRC-32C is computed over them as they are.
  recordBatch({
    firstOffset: 2,
    records: [{ value: value(2) }, { value: value(3) }],
    compress: { bits: 1, with: () => Buffer.from("not gzip at all") },
  }),
  recordBatch({ firstOffset: 4, records: [{ value: value(4) }, { value: value(5) }] }),
]);

/** The log's batches from the one holding `offset`, as many as `maxBytes` lets through (one at the least). */
function batchesFrom(offset: number, maxBytes: number): FetchedBatch[] {
  const all: FetchedBatch[] = [];
  readBatches(log, (header, open) => all.push({ header, open }));
  const from = all.filter((b) => b.header.firstOffset + b.header.lastOffsetDelta >= offset);
  return maxBytes <= 1 ? from.slice(0, 1) : from;
}

const requests: FetchRequest[] = [];
const client = onePartitionClient(6, (request) => {
  requests.push(request);
  return batchesFrom(request.partitions[0]?.offset ?? 0, request.maxBytes);
});

test("records before a batch that does not decompress are written; then the read fails naming the batch", async () => {
  const posted: string[] = [];
  const output = new WorkerOutput();
  const batches: Batch[] = [];
  const start = startOnePartition(6, { onDecodeError: "emit_raw" });
  const worker = newWorkerState(
    start,
    () => client,
    (message: FromWorker) => {
      if (message.type !== "batch") return;
      batches.push(message);
      posted.push(new TextDecoder().decode(output.bytes(message.lines)));
      // The main thread's ack, at once.
      worker.inFlight--;
      worker.outputBuffers.back(output.ack(message.lines).lines);
    },
  );
  const [position] = worker.positions;

  // One round: the partition's fetch, then (the batch found unreadable) its fetch of that one batch.
  const failure = await fetchOnce(worker, worker.positions).then(
    () => null,
    (error: Error) => error,
  );
  expect(failure).toBeInstanceOf(ConfigError);
  expect(failure?.message).toStartWith(
    "orders partition 0: the record batch holding offset 2 cannot be read (the batch at offset 2 does not decompress",
  );
  const lines = posted.flatMap((text) => text.split("\n").filter(Boolean));
  expect(lines.map((line) => JSON.parse(line).record.data.offset)).toEqual([0, 1]);
  // The checkpoint moved up to the unreadable batch, not past it.
  expect(batches.map((batch) => batch.positions.map(([, , next]) => next))).toEqual([[2]]);
  expect(position?.next).toBe(2);
  expect(position?.oneBatch).toBe(true);
  // The second fetch asked for one batch, from the unreadable one.
  expect(requests.map((r) => [r.partitions[0]?.offset, r.maxBytes])).toEqual([
    [0, 1 << 20],
    [2, 1],
  ]);
});
