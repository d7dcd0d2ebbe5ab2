/**
 * Progress for people watching a read: about every 10 s a LOG line with records/s, bytes/s and
 * the lag of each topic (offsets between where its partitions stand and the end of their logs,
 * as the latest fetch saw it).
 */
import type { PartitionPosition } from "../worker/messages.ts";

export class Progress {
  #records = 0;
  #bytes = 0;
  #since = Date.now();
  /** topic → partition → [next offset, end of log] */
  readonly #lag = new Map<string, Map<number, [number, number]>>();

  /** Counts a written batch: its size, its records, and where its partitions stand. */
  written(bytes: number, counts: [string, number][], positions: PartitionPosition[], ends: [string, number, number][]): void {
    this.#bytes += bytes;
    for (const [, count] of counts) this.#records += count;
    for (const [topic, partition, next] of positions) this.#entry(topic, partition)[0] = next;
    for (const [topic, partition, end] of ends) this.#entry(topic, partition)[1] = end;
  }

  /** The progress line since the previous call; starts the next interval. */
  report(now = Date.now()): string {
    const seconds = Math.max(0.001, (now - this.#since) / 1000);
    const lag = [...this.#lag]
      .map(([topic, partitions]) => `${topic} ${[...partitions.values()].reduce((sum, [next, end]) => sum + Math.max(0, end - next), 0)}`)
      .join(", ");
    const line =
      `progress: ${Math.round(this.#records / seconds)} records/s, ${(this.#bytes / seconds / 1e6).toFixed(1)} MB/s` +
      (lag ? `; lag (offsets behind the log end): ${lag}` : "");
    this.#records = 0;
    this.#bytes = 0;
    this.#since = now;
    return line;
  }

  #entry(topic: string, partition: number): [number, number] {
    let partitions = this.#lag.get(topic);
    if (!partitions) this.#lag.set(topic, (partitions = new Map()));
    let entry = partitions.get(partition);
    if (!entry) partitions.set(partition, (entry = [0, 0]));
    return entry;
  }
}
