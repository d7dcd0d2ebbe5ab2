/**
 * A full garbage collection in a read worker after every so much garbage. A worker's garbage is
 * record batches decompressed, the columns its records are read into, and the objects of records
 * the fast lane does not take (its output goes into buffers that come back to it,
 * docs/decisions/0007-hot-path-in-bytes.md; the socket's chunks are freed as they are copied,
 * kafka/fetch-connection.ts). JSC's collector lets that pile up, and what it frees stays in the
 * process until a forced collection gives it back: left to itself a read peaks ~12 MiB higher (a
 * zstd read ~70 MiB). Bytes freed at once (release-bytes.ts) count as well: their pages stay with
 * the allocator until a forced collection, which also gives those back (docs/decisions/0014). A full collection costs ~6 ms with a worker's heap
 * (docs/decisions/0013); every `everyBytes` it costs a few % of the CPU (docs/decisions/0010).
 * Bun only: Deno's collector is not reachable without flags.
 */
import { RecordColumns } from "../kafka/record-columns.ts";

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
   * Counts what becomes garbage once a fetch's records are written: the bytes decompressed (freed
   * or not), the columns of its records, and the objects of those read as objects (which dominate
   * for small values).
   */
  fetched(decompressedBytes: number, records: number, recordsAsObjects: number): void {
    this.#sinceLast +=
      decompressedBytes +
      records * RecordColumns.bytesPerRecord +
      recordsAsObjects * PeriodicCollector.perObjectRecordBytes;
  }

  /** Collects if another `everyBytes` of garbage were made since the last time; best called between fetches, when their garbage is all garbage. */
  collectIfDue(): void {
    if (this.#sinceLast < PeriodicCollector.everyBytes || !bunRuntime) return;
    this.#sinceLast = 0;
    bunRuntime.gc(true);
  }
}
