/**
 * Where the read stands, as the main thread knows it: each partition's next offset, the end of its
 * log and the timestamp of its last record, and what was written. It is the one owner of the lag
 * (offsets between where a partition stands and the end of its log, as the plan and then the latest
 * fetch saw it), which the progress LOG line, the terminal's live line and /metrics all show.
 * About every 10 s a LOG line gives records/s, bytes/s and the lag of each topic; the totals since
 * the start feed the live line on a terminal (src/terminal/), which redraws far more often than the
 * LOG interval and must not reset it.
 */
import type { Assignment } from "../plan/plan.ts";
import type { PartitionPosition } from "../worker/messages.ts";

/** One partition as the main thread knows it. */
export type PartitionProgress = {
  /** The topic's id: positions of an earlier topic of the same name are stale. */
  topicId: string;
  /** The next offset to read: what the last batch written left it at, or where the plan starts it. */
  next: number;
  /** The end of the log (last stable offset), as the plan and then the latest fetch saw it. */
  end: number;
  /** The timestamp (ms) of the last record written; null before one is. */
  lastTimestamp: number | null;
};

/** Offsets between where a partition stands and the end of its log: the lag, position-based as Kafka's records-lag. */
export const lagOf = (p: PartitionProgress): number => Math.max(0, p.end - p.next);

export class Progress {
  #records = 0;
  #bytes = 0;
  #since = Date.now();
  #totalRecords = 0;
  #totalBytes = 0;
  readonly #recordsByTopic = new Map<string, number>();
  /** topic → partition → where it stands */
  readonly #partitions = new Map<string, Map<number, PartitionProgress>>();

  /**
   * Partitions handed to the workers: each starts where the plan starts it (a resumed partition at
   * its state's offset), with the end of its log as the plan saw it, so that its lag is right
   * before its first fetch. Replaces what was known of them.
   */
  planned(assignments: Assignment[]): void {
    for (const a of assignments) {
      this.#topic(a.topic).set(a.partition, { topicId: a.topicId, next: a.from, end: a.logEnd, lastTimestamp: null });
    }
  }

  /** Forgets every partition of a topic: it was deleted and created again, and the new one is planned afresh. */
  forget(topic: string): void {
    this.#partitions.delete(topic);
  }

  /** Counts a written batch: its size, its records, and where its partitions stand. */
  written(
    bytes: number,
    counts: [string, number][],
    positions: PartitionPosition[],
    ends: [string, number, number][],
  ): void {
    this.#bytes += bytes;
    this.#totalBytes += bytes;
    for (const [topic, count] of counts) {
      this.#records += count;
      this.#totalRecords += count;
      this.#recordsByTopic.set(topic, (this.#recordsByTopic.get(topic) ?? 0) + count);
    }
    for (const [topic, partition, next, topicId, lastTimestamp] of positions) {
      const partitions = this.#topic(topic);
      let entry = partitions.get(partition);
      if (!entry) partitions.set(partition, (entry = { topicId, next, end: next, lastTimestamp: null }));
      if (entry.topicId !== topicId) continue;
      entry.next = next;
      if (lastTimestamp !== undefined) entry.lastTimestamp = lastTimestamp;
    }
    for (const [topic, partition, end] of ends) {
      const entry = this.#partitions.get(topic)?.get(partition);
      if (entry) entry.end = end;
    }
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

  /** Records written of each topic since the read began. */
  recordsByTopic(): ReadonlyMap<string, number> {
    return this.#recordsByTopic;
  }

  /** Each topic's offsets behind the end of its partitions' logs. */
  lagByTopic(): Map<string, number> {
    const lag = new Map<string, number>();
    for (const [topic, partitions] of this.#partitions) {
      let sum = 0;
      for (const p of partitions.values()) sum += lagOf(p);
      lag.set(topic, sum);
    }
    return lag;
  }

  /** Every partition known, by topic and partition number. */
  partitions(): ReadonlyMap<string, ReadonlyMap<number, Readonly<PartitionProgress>>> {
    return this.#partitions;
  }

  /** The next offset to read of a partition: where the plan starts it, then where the last batch written left it. */
  next(topic: string, partition: number): number | undefined {
    return this.#partitions.get(topic)?.get(partition)?.next;
  }

  #topic(topic: string): Map<number, PartitionProgress> {
    let partitions = this.#partitions.get(topic);
    if (!partitions) this.#partitions.set(topic, (partitions = new Map()));
    return partitions;
  }
}
