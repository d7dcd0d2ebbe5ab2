/**
 * What the live line says during a read, and the summary it ends with: records and MB so far,
 * the rate over the last few seconds, lag, and in a batch read how much is left and when it
 * should be done. Pure: the numbers come in as snapshots, the clock as arguments.
 */
import { formatDuration } from "./live-line.ts";
import type { Style } from "./style.ts";

/** Where a read stands at one moment. */
export type ReadSnapshot = {
  at: number;
  records: number;
  bytes: number;
  /** Offsets behind the log end, by topic. */
  lag: Map<string, number>;
  /** Offsets still to read up to the ends planned at the start; null when tailing (there is no end). */
  left: number | null;
};

/** Rates over this window: long enough to be steady, short enough to follow a change of pace. */
const windowMs = 5_000;
/** Lag is shown per topic up to this many topics, else as one total. */
const lagTopics = 3;

/** Snapshots of the last few seconds, for rates and the time left. */
export class RateWindow {
  readonly #snapshots: ReadSnapshot[] = [];

  add(snapshot: ReadSnapshot): void {
    this.#snapshots.push(snapshot);
    // Keep the newest snapshot that is at least the window old, as the window's start.
    while ((this.#snapshots[1]?.at ?? snapshot.at) <= snapshot.at - windowMs) this.#snapshots.shift();
  }

  /** Per second over the window: records, bytes, and offsets done toward the batch's end. */
  rates(): { records: number; bytes: number; offsets: number } | undefined {
    const first = this.#snapshots[0];
    const last = this.#snapshots.at(-1);
    if (!first || !last || last.at - first.at < 500) return undefined;
    const seconds = (last.at - first.at) / 1000;
    const offsets = first.left !== null && last.left !== null ? (first.left - last.left) / seconds : 0;
    return { records: (last.records - first.records) / seconds, bytes: (last.bytes - first.bytes) / seconds, offsets };
  }
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * @example
 * formatLag(new Map([["orders", 1200], ["users", 0]])) // "lag orders 1,200, users 0"
 */
export function formatLag(lag: Map<string, number>): string {
  if (lag.size === 0) return "lag -";
  if (lag.size <= lagTopics) return `lag ${[...lag].map(([topic, n]) => `${topic} ${count(n)}`).join(", ")}`;
  return `lag ${count([...lag.values()].reduce((a, b) => a + b, 0))}`;
}

/**
 * The live line: `reading 2 streams · 1,200 records · 0.4 MB · 3,000 rec/s · 1.1 MB/s · lag 8,800 · 12% · ~3.0s left`.
 * `total` is the offsets the batch read planned at its start (null when tailing).
 */
export function formatStatus(
  now: ReadSnapshot,
  rates: ReturnType<RateWindow["rates"]>,
  streams: number,
  total: number | null,
  style: Style,
): string {
  const parts = [
    `${now.left === null ? "tailing" : "reading"} ${streams} ${streams === 1 ? "stream" : "streams"}`,
    style.bold(`${count(now.records)} records`),
    megabytes(now.bytes),
  ];
  if (rates) parts.push(`${count(rates.records)} rec/s`, `${(rates.bytes / 1e6).toFixed(1)} MB/s`);
  parts.push(formatLag(now.lag));
  if (now.left !== null && total) {
    parts.push(`${Math.floor((100 * (total - now.left)) / total)}%`);
    if (rates && rates.offsets > 0)
      parts.push(style.yellow(`~${formatDuration((1000 * now.left) / rates.offsets)} left`));
  }
  return parts.join(style.dim(" · "));
}

/** How a read ended, as far as the person watching is concerned. */
export type ReadOutcome = "done" | "stopped" | "failed";

/**
 * The line a read ends with, e.g. `✔ read 1,200 records (0.4 MB) from 2 streams in 3.2s · 375 records/s · lag 0`.
 */
export function formatSummary(
  outcome: ReadOutcome,
  end: ReadSnapshot,
  elapsedMs: number,
  streams: number,
  tail: boolean,
  style: Style,
): string {
  const what = `${count(end.records)} records (${megabytes(end.bytes)}) from ${streams} ${streams === 1 ? "stream" : "streams"}`;
  const rate = `${count(end.records / Math.max(0.001, elapsedMs / 1000))} records/s`;
  const duration = formatDuration(elapsedMs);
  const head =
    outcome === "failed"
      ? `${style.red("✖")} failed after ${what} in ${duration}`
      : outcome === "stopped" && !tail
        ? `${style.yellow("■")} stopped after ${what} in ${duration}, before the end; the final STATE resumes from there`
        : `${style.green("✔")} ${tail ? "tailed" : "read"} ${what} ${tail ? "for" : "in"} ${duration}`;
  return [head, rate, formatLag(end.lag)].join(style.dim(" · "));
}
