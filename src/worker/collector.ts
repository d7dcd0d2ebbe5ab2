/**
 * A full garbage collection in a read worker after every so much garbage. A worker's garbage is
 * record batches decompressed and the objects of records the fast lane does not take (its output
 * goes into buffers shared with the main thread, its records into columns written over batch
 * after batch: docs/decisions/0014; the socket's chunks are freed as they are copied,
 * kafka/fetch-connection.ts). JSC's collector lets that pile up, and what it frees stays in the
 * process until a forced collection gives it back: left to itself a read peaks ~12 MiB higher (a
 * zstd read ~70 MiB). Bytes freed at once (release-bytes.ts: socket chunks, Bun's zstd batches)
 * count as well: their pages stay with the allocator until a forced collection, which also gives
 * those back (0014). A full collection costs a few ms with a worker's heap (docs/decisions/0013);
 * every `everyBytes` it costs a few % of the CPU (docs/decisions/0010). Bun only: Deno's collector
 * is not reachable without flags.
 */
const bunRuntime = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;

export class PeriodicCollector {
  static readonly everyBytes = 16 << 20;
  #sinceLast = 0;

  /**
   * Objects made for a record read as an object (the record, views of its key and value, the array
   * slot), in bytes of heap as the collector counts them: 128 undercounted, and 10 B values, whose
   * garbage was almost all objects, peaked ~15 MiB higher than ~500 B ones (docs/decisions/0012).
   */
  static readonly perObjectRecordBytes = 256;

  /**
   * Counts what becomes garbage once a partition's records from a fetch are written: `bytes`
   * fetched and decompressed (freed at once or not), and the objects of the records read as
   * objects (which dominate for small values the fast lane does not take).
   */
  fetched(bytes: number, recordsAsObjects: number): void {
    this.#sinceLast += bytes + recordsAsObjects * PeriodicCollector.perObjectRecordBytes;
  }

  /** Collects if another `everyBytes` of garbage were made since the last time; best called between fetches, when their garbage is all garbage. */
  collectIfDue(): void {
    if (this.#sinceLast < PeriodicCollector.everyBytes || !bunRuntime) return;
    this.#sinceLast = 0;
    bunRuntime.gc(true);
  }
}
