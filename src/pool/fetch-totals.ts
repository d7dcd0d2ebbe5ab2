/**
 * The workers' fetch reports (src/worker/fetch-stats.ts) added up on the main thread since the
 * read began, for /metrics: requests, the duration histogram, errors by name, bytes by topic.
 */
import { type FetchReport, fetchDurationBuckets } from "../worker/fetch-stats.ts";

export class FetchTotals {
  requests = 0;
  /** Fetches per bucket of fetchDurationBuckets, each counted once; the last entry, those beyond the last bound. */
  readonly durations = new Array<number>(fetchDurationBuckets.length + 1).fill(0);
  durationSeconds = 0;
  readonly errors = new Map<string, number>();
  readonly bytes = new Map<string, number>();

  add(report: FetchReport): void {
    this.requests += report.requests;
    this.durationSeconds += report.durationSeconds;
    for (const [bucket, count] of report.durations.entries())
      this.durations[bucket] = (this.durations[bucket] ?? 0) + count;
    for (const [error, count] of report.errors) this.errors.set(error, (this.errors.get(error) ?? 0) + count);
    for (const [topic, bytes] of report.bytes) this.bytes.set(topic, (this.bytes.get(topic) ?? 0) + bytes);
  }
}
