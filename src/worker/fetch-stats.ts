/**
 * A read worker's account of its fetches, for /metrics (src/metrics/): how many it made, how long
 * each took, the errors they met, and the bytes of record batches each topic brought. Counted per
 * fetch and per partition of a fetch, never per record; worker.ts hands the main thread what was
 * counted about once a second, and the main thread adds it up (src/pool/fetch-totals.ts).
 */

/**
 * Upper bounds, in seconds, of the fetch duration histogram's buckets. A fetch with nothing to
 * read waits up to its max wait on the broker (0.1 s tailing, 0.5 s in a batch read), so those
 * bounds are buckets of their own.
 */
export const fetchDurationBuckets: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** The error counted for a fetch that got no response: the connection failed or was lost, or the request timed out. */
export const requestFailed = "request_failed";
/** The error counted for a response that could not be read: a corrupt record batch. */
export const unreadableResponse = "unreadable_response";

/** What a worker counted since its previous report. */
export type FetchReport = {
  requests: number;
  /** Fetches per bucket of fetchDurationBuckets (each counted once, not cumulatively); the last entry, those beyond the last bound. */
  durations: number[];
  durationSeconds: number;
  /** [Kafka's error name (or requestFailed, unreadableResponse), times] */
  errors: [string, number][];
  /** [topic, bytes of record batches fetched, as the broker sent them] */
  bytes: [string, number][];
};

export class FetchStats {
  #requests = 0;
  #durations = new Array<number>(fetchDurationBuckets.length + 1).fill(0);
  #durationSeconds = 0;
  readonly #errors = new Map<string, number>();
  readonly #bytes = new Map<string, number>();

  /** Counts one fetch request and how long it took, whether it succeeded or not. */
  fetched(seconds: number): void {
    this.#requests++;
    this.#durationSeconds += seconds;
    let bucket = 0;
    while (bucket < fetchDurationBuckets.length && seconds > (fetchDurationBuckets[bucket] ?? 0)) bucket++;
    this.#durations[bucket] = (this.#durations[bucket] ?? 0) + 1;
  }

  /** Counts an error: a partition's error code in a response, or a request that failed as a whole. */
  failed(error: string): void {
    this.#errors.set(error, (this.#errors.get(error) ?? 0) + 1);
  }

  /** Counts the bytes of record batches a fetch brought for a partition of `topic`. */
  received(topic: string, bytes: number): void {
    this.#bytes.set(topic, (this.#bytes.get(topic) ?? 0) + bytes);
  }

  /** What was counted since the previous call, or undefined when nothing was; starts counting afresh. */
  take(): FetchReport | undefined {
    if (this.#requests === 0 && this.#errors.size === 0) return undefined;
    const report: FetchReport = {
      requests: this.#requests,
      durations: this.#durations,
      durationSeconds: this.#durationSeconds,
      errors: [...this.#errors],
      bytes: [...this.#bytes],
    };
    this.#requests = 0;
    this.#durations = new Array<number>(fetchDurationBuckets.length + 1).fill(0);
    this.#durationSeconds = 0;
    this.#errors.clear();
    this.#bytes.clear();
    return report;
  }
}
