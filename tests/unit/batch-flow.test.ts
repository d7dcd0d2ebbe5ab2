/**
 * How a read worker hands one large fetch to the main thread: its first batch cut small (its
 * first lines go out early), every later one at `maxBatchBytes`, and never more than
 * `maxBatchesInFlight` batches waiting for an ack, even within one fetch (src/worker/state.ts's
 * untilRoomForBatch). A fake client and a main thread that acks by hand: no broker.
 */
import { expect, test } from "bun:test";
import { WorkerOutput } from "../../src/pool/worker-output.ts";
import { fetchOnce } from "../../src/worker/fetching.ts";
import type { Batch, FromWorker } from "../../src/worker/messages.ts";
import { PendingBatch } from "../../src/worker/pending-batch.ts";
import { newWorkerState, wake } from "../../src/worker/state.ts";
import { batchesOf } from "../support/columns.ts";
import { onePartitionClient, startOnePartition } from "../support/one-partition.ts";

const records = 3_000;
const value = new TextEncoder().encode(JSON.stringify({ order: "x".repeat(480) }));

/** One partition whose first fetch returns all of its records. */
const client = onePartitionClient(records, () =>
  batchesOf(Array.from({ length: records }, (_, offset) => ({ offset, timestamp: 1_700_000_000_000, value }))),
);

const maxBatchBytes = 256 << 10;

/** The main thread's view of the worker's output buffers (src/pool/pool.ts keeps one a worker). */
const output = new WorkerOutput();
const linesOf = (batch: Batch) => output.bytes(batch.lines);

function setUp() {
  const posted: Batch[] = [];
  const start = startOnePartition(records, { maxBatchBytes });
  const worker = newWorkerState(
    start,
    () => client,
    (message: FromWorker) => {
      if (message.type === "batch") posted.push(message);
    },
  );
  /** What the main thread does once a batch is on stdout (worker.ts's "ack"). */
  const ack = (batch: Batch) => {
    worker.inFlight--;
    worker.outputBuffers.back(output.ack(batch.lines).lines);
    wake(worker);
  };
  return { worker, posted, ack };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until `done()` holds: the worker runs on the same event loop, at its own pace. */
async function until(done: () => boolean): Promise<void> {
  for (const giveUpAt = Date.now() + 5_000; !done(); await sleep(1))
    if (Date.now() > giveUpAt) throw new Error("the worker stopped short");
}
const offsetsIn = (batch: Batch) =>
  new TextDecoder()
    .decode(linesOf(batch))
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line).record.data._kafka_offset as number);

test("a fetch's lines wait for acks: never more than maxBatchesInFlight batches out, the first cut small", async () => {
  const { worker, posted, ack } = setUp();
  let fetched = false;
  const fetching = fetchOnce(worker, worker.positions).then(() => (fetched = true));
  await until(() => posted.length >= 2);
  // Time for a third, which must not come.
  await sleep(20);
  // Two batches out and the fetch not finished: the worker waits for an ack with the rest unread.
  expect(posted).toHaveLength(2);
  expect(worker.inFlight).toBe(2);
  expect(fetched).toBe(false);
  const [first, second] = posted as [Batch, Batch];
  const lineBytes = linesOf(first).length / offsetsIn(first).length;
  expect(linesOf(first).length).toBeGreaterThanOrEqual(PendingBatch.firstBatchBytes);
  expect(linesOf(first).length).toBeLessThan(PendingBatch.firstBatchBytes + lineBytes);
  expect(linesOf(second).length).toBeGreaterThanOrEqual(maxBatchBytes);
  expect(linesOf(second).length).toBeLessThan(maxBatchBytes + lineBytes);

  // Each ack lets exactly one more batch out, until the fetch's records are all written. A batch
  // is read before its ack, which hands its buffer back to be written again.
  const written: number[][] = [];
  const ackNext = () => {
    const batch = posted[written.length] as Batch;
    const offsets = offsetsIn(batch);
    written.push(offsets);
    // Where the batch says the partition stands is just past its own last line.
    expect(batch.positions.map(([, , next]) => next)).toEqual([(offsets.at(-1) as number) + 1]);
    ack(batch);
  };
  while (!fetched) {
    ackNext();
    await until(() => fetched || posted.length - written.length === 2);
    await sleep(1);
    expect(posted.length - written.length).toBeLessThanOrEqual(2);
  }
  await fetching;
  while (written.length < posted.length) ackNext();
  expect(written.flat()).toEqual(Array.from({ length: records }, (_, i) => i));
  expect(posted.length).toBeGreaterThan(4);
});
