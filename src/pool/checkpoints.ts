/**
 * Where each stream stands, and when to say so. The main thread applies a batch only after its
 * lines are written, so every STATE built here names offsets whose records are already out.
 * STATE is cumulative: it carries every partition of the stream, including those this instance
 * was handed in its state but does not read (another range's, or a partition gone from the topic).
 */
import type { StreamState } from "../protocol/messages.ts";
import type { PartitionPosition } from "../worker/messages.ts";

type StreamProgress = {
  partitions: Map<number, number>;
  /** The id of the topic being read; positions of an earlier topic of the name are stale. */
  topicId?: string;
  recordsSinceState: number;
  changed: boolean;
};

export type Cadence = { records: number; intervalMs: number };

export class Checkpoints {
  readonly #streams = new Map<string, StreamProgress>();
  readonly #cadence: Cadence;
  #recordsSinceState = 0;
  #lastStateAt = Date.now();
  /** STATE messages taken for each stream since the read began, and when the last was (for /metrics). */
  readonly #statesTaken = new Map<string, number>();
  #lastTakenAt: number | null = null;

  constructor(start: Map<string, Map<number, number>>, cadence: Cadence) {
    this.#cadence = cadence;
    for (const [stream, partitions] of start) {
      this.#streams.set(stream, { partitions: new Map(partitions), recordsSinceState: 0, changed: true });
    }
  }

  /** Records that `lines` of `stream` were written and partitions advanced to the given offsets. */
  advance(positions: PartitionPosition[], counts: [string, number][]): void {
    for (const [stream, partition, next, topicId] of positions) {
      const progress = this.#progress(stream);
      progress.topicId ??= topicId;
      if (progress.topicId !== topicId) continue;
      progress.partitions.set(partition, next);
      progress.changed = true;
    }
    for (const [stream, count] of counts) {
      this.#progress(stream).recordsSinceState += count;
      this.#recordsSinceState += count;
    }
  }

  /** Adds a partition found while tailing, at its start offset. */
  addPartition(stream: string, partition: number, offset: number): void {
    const progress = this.#progress(stream);
    if (!progress.partitions.has(partition)) {
      progress.partitions.set(partition, offset);
      progress.changed = true;
    }
  }

  /**
   * The stream's topic was deleted and created again: from now on its partitions are the new
   * topic's, read from `starts`. Partitions of the old topic that the new one does not have go;
   * positions of the old topic that still arrive are ignored.
   */
  restart(stream: string, topicId: string, starts: Map<number, number>, owned: number[]): void {
    const progress = this.#progress(stream);
    progress.topicId = topicId;
    for (const partition of owned) progress.partitions.delete(partition);
    for (const [partition, offset] of starts) progress.partitions.set(partition, offset);
    progress.changed = true;
  }

  /** The next offset to read of a stream's partition, as the last batch written left it. */
  offset(stream: string, partition: number): number | undefined {
    return this.#streams.get(stream)?.partitions.get(partition);
  }

  due(now = Date.now()): boolean {
    return this.#recordsSinceState >= this.#cadence.records || now - this.#lastStateAt >= this.#cadence.intervalMs;
  }

  /**
   * The STATE of each stream that moved since its last one (every stream when `all`), with the
   * records emitted since; calling it starts the next interval.
   */
  take(all = false): { stream: string; state: StreamState; recordCount: number }[] {
    const states = [];
    for (const [stream, progress] of this.#streams) {
      if (!all && !progress.changed) continue;
      const partitions: Record<string, { offset: number }> = {};
      for (const [partition, offset] of [...progress.partitions].sort((a, b) => a[0] - b[0])) {
        partitions[String(partition)] = { offset };
      }
      states.push({ stream, state: { partitions }, recordCount: progress.recordsSinceState });
      this.#statesTaken.set(stream, (this.#statesTaken.get(stream) ?? 0) + 1);
      progress.recordsSinceState = 0;
      progress.changed = false;
    }
    this.#recordsSinceState = 0;
    this.#lastStateAt = Date.now();
    if (states.length > 0) this.#lastTakenAt = this.#lastStateAt;
    return states;
  }

  /**
   * STATE messages of each stream since the read began, and when the last one was (ms since the
   * epoch; null before the first). Each STATE `take` returns is written at once (Pool.#writeStates).
   */
  states(): { byStream: ReadonlyMap<string, number>; lastAt: number | null } {
    return { byStream: this.#statesTaken, lastAt: this.#lastTakenAt };
  }

  #progress(stream: string): StreamProgress {
    let progress = this.#streams.get(stream);
    if (!progress) {
      progress = { partitions: new Map(), recordsSinceState: 0, changed: true };
      this.#streams.set(stream, progress);
    }
    return progress;
  }
}
