/**
 * A full garbage collection in a read worker after every so many bytes of output. Left to itself,
 * a worker's heap grows far beyond what it holds live before collecting: to 60-80 MB of spent
 * fetch responses and record views. Every 16 MiB keeps the process's peak RSS ~10% lower for a
 * few % more CPU (bench/: memory). The main thread needs none since its batches come in buffers
 * that go back to the workers (docs/decisions/0007-hot-path-in-bytes.md). Bun only: Deno's collector is
 * not reachable without flags.
 */
const bunRuntime = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;

export class PeriodicCollector {
  static readonly everyBytes = 16 << 20;
  #sinceLast = 0;

  written(bytes: number): void {
    this.#sinceLast += bytes;
  }

  /** Collects if another 16 MiB were written since the last time; best called between fetches, when their garbage is all garbage. */
  collectIfDue(): void {
    if (this.#sinceLast < PeriodicCollector.everyBytes || !bunRuntime) return;
    this.#sinceLast = 0;
    bunRuntime.gc(true);
  }
}
