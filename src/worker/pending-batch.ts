/**
 * What the next batch for the main thread holds: lines (as bytes), where each partition stands
 * after them, and how many records of each stream. A batch is cut at `checkpoint_records` records
 * or `maxBatchBytes` bytes, so that STATEs can come that often and batches stay small.
 */
import { LineBuffer } from "./line-buffer.ts";
import type { Batch } from "./messages.ts";
import type { Position, WorkerState } from "./state.ts";

export class PendingBatch {
  lines: LineBuffer;
  records = 0;
  readonly moved = new Map<Position, number>();
  readonly counts = new Map<string, number>();
  readonly ends = new Map<Position, number>();
  /** The timestamp (ms) of the last record read of each partition that has one in the batch. */
  readonly timestamps = new Map<Position, number>();
  readonly #worker: WorkerState;

  constructor(worker: WorkerState) {
    this.#worker = worker;
    this.lines = new LineBuffer(worker.spareBuffers.pop());
  }

  /** Counts a line just written to `lines` for the position's stream. */
  added(position: Position): void {
    this.records++;
    this.counts.set(position.topic, (this.counts.get(position.topic) ?? 0) + 1);
  }

  full(): boolean {
    const { tuning } = this.#worker.start;
    return this.records >= tuning.maxBatchRecords || this.lines.length >= tuning.maxBatchBytes;
  }

  /**
   * Posts the batch, its buffer transferred rather than copied (it comes back with the ack), and
   * starts an empty one in a spare buffer.
   */
  send(): void {
    if (this.moved.size === 0 && this.lines.length === 0) return;
    const worker = this.#worker;
    worker.batchesSent++;
    const { failAfterBatches } = worker.start;
    if (failAfterBatches !== undefined && worker.batchesSent > failAfterBatches) {
      throw new Error(`injected worker fault after ${failAfterBatches} batches`);
    }
    const lines = this.lines.take();
    const batch: Batch = {
      type: "batch",
      lines,
      positions: [...this.moved].map(([p, next]) => [p.topic, p.partition, next, p.topicId, this.timestamps.get(p)]),
      counts: [...this.counts],
      ends: [...this.ends].map(([p, end]) => [p.topic, p.partition, end]),
    };
    worker.inFlight++;
    worker.post(batch, [lines.buffer as ArrayBuffer]);
    this.lines = new LineBuffer(worker.spareBuffers.pop());
    this.records = 0;
    this.moved.clear();
    this.counts.clear();
    this.ends.clear();
    this.timestamps.clear();
  }
}
