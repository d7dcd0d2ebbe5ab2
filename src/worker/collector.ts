/**
 * A full garbage collection in a read worker after every so many bytes fetched. A worker's
 * garbage is what it fetches: response buffers, record batches as received and again
 * decompressed, and a small object or two per record (its output goes into buffers that come back
 * to it, docs/decisions/0007-hot-path-in-bytes.md). The bytes are memory outside the JS heap,
 * which JSC's collector lets pile up: left to itself a zstd read grew to ~260 MiB. A full
 * collection every `everyBytes` keeps the process near 160 MiB (bench/: memory) for a few % of
 * CPU. Bun only: Deno's collector is not reachable without flags.
 */
const bunRuntime = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;

export class PeriodicCollector {
  static readonly everyBytes = 16 << 20;
  #sinceLast = 0;

  /** Objects made for each record (the record and a view of its value), in bytes of heap. */
  static readonly perRecordBytes = 128;

  /**
   * Counts what becomes garbage once a fetch's records are written: the bytes fetched or
   * decompressed, and the objects made for each record (which dominate for small values).
   */
  fetched(bytes: number, records: number): void {
    this.#sinceLast += bytes + records * PeriodicCollector.perRecordBytes;
  }

  /** Collects if another `everyBytes` were fetched since the last time; best called between fetches, when their garbage is all garbage. */
  collectIfDue(): void {
    if (this.#sinceLast < PeriodicCollector.everyBytes || !bunRuntime) return;
    this.#sinceLast = 0;
    bunRuntime.gc(true);
  }
}
