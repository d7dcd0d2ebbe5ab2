/**
 * A full garbage collection in a read worker after every so many bytes fetched. A worker's
 * garbage is what it fetches: response buffers, record batches as received and again
 * decompressed (its output goes into buffers that come back to it, docs/decisions/0007-hot-path-in-bytes.md).
 * Those are memory outside the JS heap, which JSC's collector lets pile up: left to itself a
 * zstd read grew to ~260 MiB. A full collection every `everyBytes` keeps the process near 160
 * MiB (bench/: memory) for a few % of CPU. Bun only: Deno's collector is not reachable without flags.
 */
const bunRuntime = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;

export class PeriodicCollector {
  static readonly everyBytes = 16 << 20;
  #sinceLast = 0;

  /** Counts bytes fetched or decompressed: what becomes garbage once their records are written. */
  fetched(bytes: number): void {
    this.#sinceLast += bytes;
  }

  /** Collects if another `everyBytes` were fetched since the last time; best called between fetches, when their garbage is all garbage. */
  collectIfDue(): void {
    if (this.#sinceLast < PeriodicCollector.everyBytes || !bunRuntime) return;
    this.#sinceLast = 0;
    bunRuntime.gc(true);
  }
}
