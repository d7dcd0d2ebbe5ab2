/**
 * What the next batch for the main thread holds: lines (as bytes), where each partition stands
 * after them, and how many records of each stream. A batch is cut at `checkpoint_records` records
 * or `maxBatchBytes` bytes, so that STATEs can come that often and batches stay small.
 *
 * It knows its worker only through a `BatchOutlet`: where batches go and which buffers they are
 * written into, not the whole worker state.
 */
import { LineBuffer } from "./line-buffer.ts";
import type { Batch } from "./messages.ts";
import type { OutputBuffer, OutputBuffers } from "./output-buffers.ts";

/** A partition as a batch names it. */
export type BatchPartition = { topic: string; partition: number; topicId: string };

/** What a batch needs of its worker. */
export type BatchOutlet = {
  readonly limits: { maxBatchRecords: number; maxBatchBytes: number };
  /** The buffers batches are written into. */
  readonly buffers: OutputBuffers;
  /** Posts a batch, `transfer` moved rather than copied. */
  send(batch: Batch, transfer: ArrayBuffer[]): void;
};

export class PendingBatch<P extends BatchPartition = BatchPartition> {
  lines: LineBuffer;
  /** The buffer `lines` began in. */
  #buffer: OutputBuffer;
  records = 0;
  readonly moved = new Map<P, number>();
  readonly counts = new Map<string, number>();
  readonly ends = new Map<P, number>();
  /** The timestamp (ms) of the last record read of each partition that has one in the batch. */
  readonly timestamps = new Map<P, number>();
  readonly #outlet: BatchOutlet;
  /** Batches sent so far: the first is cut small. */
  #sent = 0;

  /**
   * The first batch's cut: its lines reach stdout once a few dozen records are written, not after
   * the whole first fetch is (the time to the first record, issue 25).
   */
  static readonly firstBatchBytes = 16 << 10;

  constructor(outlet: BatchOutlet) {
    this.#outlet = outlet;
    this.#buffer = outlet.buffers.take();
    this.lines = new LineBuffer(this.#buffer.buffer);
  }

  /** Counts a line just written to `lines` for the partition's stream. */
  added(partition: P): void {
    this.records++;
    this.counts.set(partition.topic, (this.counts.get(partition.topic) ?? 0) + 1);
  }

  full(): boolean {
    const { limits } = this.#outlet;
    const maxBytes = this.#sent === 0 ? PendingBatch.firstBatchBytes : limits.maxBatchBytes;
    return this.records >= limits.maxBatchRecords || this.lines.length >= maxBytes;
  }

  /**
   * Posts the batch, its buffer shared or transferred rather than copied (it comes back with the
   * ack), and starts an empty one in a spare buffer.
   */
  send(): void {
    if (this.moved.size === 0 && this.lines.length === 0) return;
    const { lines, transfer } = this.#outlet.buffers.name(this.#buffer, this.lines.take());
    const batch: Batch = {
      type: "batch",
      lines,
      positions: [...this.moved].map(([p, next]) => [p.topic, p.partition, next, p.topicId, this.timestamps.get(p)]),
      counts: [...this.counts],
      ends: [...this.ends].map(([p, end]) => [p.topic, p.partition, end]),
    };
    this.#outlet.send(batch, transfer);
    this.#sent++;
    this.#buffer = this.#outlet.buffers.take();
    this.lines = new LineBuffer(this.#buffer.buffer);
    this.records = 0;
    this.moved.clear();
    this.counts.clear();
    this.ends.clear();
    this.timestamps.clear();
  }
}
