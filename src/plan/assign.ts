/** Pure decisions about which partitions to read and which worker reads them. */
import type { Range } from "./range.ts";
import { inRange } from "./range.ts";

/** Partitions of `topic` whose hash falls in `range`. */
export function ownedPartitions(topic: string, partitions: number[], range: Range): number[] {
  return partitions.filter((partition) => inRange(range, topic, partition));
}

/** Default pool size: one worker per core, never more than there are partitions to read. */
export function defaultWorkers(cores: number, partitions: number): number {
  return Math.max(1, Math.min(cores, partitions));
}

/**
 * Deals items to `workers` bins, heaviest first onto the lightest bin, so that the backlog is
 * shared evenly; items of no weight (tailing, already at the end) are dealt round-robin.
 */
export function spread<T>(items: T[], workers: number, weight: (item: T) => number): T[][] {
  const bins = Array.from({ length: workers }, () => ({ load: 0, count: 0, items: [] as T[] }));
  const ordered = [...items].sort((a, b) => weight(b) - weight(a));
  for (const item of ordered) {
    const lightest = bins.reduce((best, bin) =>
      bin.load < best.load || (bin.load === best.load && bin.count < best.count) ? bin : best,
    );
    lightest.items.push(item);
    lightest.load += weight(item);
    lightest.count++;
  }
  return bins.map((bin) => bin.items);
}
