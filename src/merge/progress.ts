/**
 * Progress for people watching a read: about every 10 s a LOG line with records/s, bytes/s and
 * the lag of each topic (offsets between where its partitions stand and the end of their logs,
 * as the latest fetch saw it). The totals since the start feed the live line on a terminal
 * (src/terminal/), which redraws far more often than the LOG interval and must not reset it.
 */
import type { PartitionPosition } from "../worker/messages.ts";

export class Progress {
  #records = 0;
  #bytes = 0;
  #since = Date.now();
  #totalRecords = 0;
  #totalBytes = 0;
  /** topic → partition → [next offset, end of log] */
  readonly #lag = new Map<string, Map<number, [number, number]>>();

  /** Counts a written batch: its size, its records, and where its partitions stand. */
  written(
    bytes: number,
    counts: [string, number][],
    positions: PartitionPosition[],
    ends: [string, number, number][],
  ): void {
    this.#bytes += bytes;
    this.#totalBytes += bytes;
    for (const [, count] of counts) {
      this.#records += count;
      this.#totalRecords += count;
    }
    for (const [topic, partition, next] of positions) this.#entry(topic, partition)[0] = next;
    for (const [topic, partition, end] of ends) this.#entry(topic, partition)[1] = end;
  }

  /** The progress line since the previous call; starts the next interval. */
  report(now = Date.now()): string {
    const seconds = Math.max(0.001, (now - this.#since) / 1000);
    const lag = [...this.lagByTopic()].map(([topic, behind]) => `${topic} ${behind}`).join(", ");
    const line =
      `progress: ${Math.round(this.#records / seconds)} records/s, ${(this.#bytes / seconds / 1e6).toFixed(1)} MB/s` +
      (lag ? `; lag (offsets behind the log end): ${lag}` : "");
    this.#records = 0;
    this.#bytes = 0;
    this.#since = now;
    return line;
  }

  /** Records and bytes written since the read began; never reset. */
  totals(): { records: number; bytes: number } {
    return { records: this.#totalRecords, bytes: this.#totalBytes };
  }

  /** Each topic's offsets behind the end of its partitions' logs, as the latest fetches saw them. */
  lagByTopic(): Map<string, number> {
    const lag = new Map<string, number>();
    for (const [topic, partitions] of this.#lag) {
      lag.set(
        topic,
        [...partitions.values()].reduce((sum, [next, end]) => sum + Math.max(0, end - next), 0),
      );
    }
    return lag;
  }

  /** The next offset to read of a partition, once a batch of it was written. */
  next(topic: string, partition: number): number | undefined {
    return this.#lag.get(topic)?.get(partition)?.[0];
  }

  #entry(topic: string, partition: number): [number, number] {
    let partitions = this.#lag.get(topic);
    if (!partitions) this.#lag.set(topic, (partitions = new Map()));
    let entry = partitions.get(partition);
    if (!entry) partitions.set(partition, (entry = [0, 0]));
    return entry;
  }
}
