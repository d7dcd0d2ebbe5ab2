/**
 * The buffers a worker writes its batches' lines into, and how a batch names them to the main
 * thread. Where the runtime has SharedArrayBuffer, they are shared with the main thread and named
 * by number: each buffer crosses once, with the first batch written into it, and afterwards a
 * batch and its ack carry only its number. An ArrayBuffer posted across (transferred or shared)
 * counts in the thread it arrives in as a new allocation of its whole size, each way, and those
 * made most of a read's collections: ~1.25 MiB a batch against JSC's 8 MiB between collections
 * (docs/decisions/0014). A buffer a long line made grow is transferred with its batch instead.
 */
import { LineBuffer } from "./line-buffer.ts";
import type { AckedLines, BatchLines } from "./messages.ts";

const sharing = typeof SharedArrayBuffer === "function";

/** A buffer to write a batch into: shared (with its number) or not. */
export type OutputBuffer = { id: number; buffer: SharedArrayBuffer } | { id: -1; buffer: ArrayBuffer };

export class OutputBuffers {
  /** Every shared buffer so far, by number, and whether the main thread has it yet. */
  readonly #shared: SharedArrayBuffer[] = [];
  readonly #sent: boolean[] = [];
  /** Buffers back from the main thread: shared ones by number, others as they are. */
  readonly #spareShared: number[] = [];
  readonly #spare: ArrayBuffer[] = [];

  /** A buffer for the next batch: one the main thread gave back, or a new one. */
  take(): OutputBuffer {
    const id = this.#spareShared.pop();
    if (id !== undefined) return { id, buffer: this.#shared[id] as SharedArrayBuffer };
    const spare = this.#spare.pop();
    if (spare) return { id: -1, buffer: spare };
    if (!sharing) return { id: -1, buffer: new ArrayBuffer(LineBuffer.initialBytes) };
    this.#shared.push(new SharedArrayBuffer(LineBuffer.initialBytes));
    this.#sent.push(false);
    return { id: this.#shared.length - 1, buffer: this.#shared[this.#shared.length - 1] as SharedArrayBuffer };
  }

  /**
   * How a batch names `lines`, written into `taken`, and what to transfer with it. When the lines
   * outgrew `taken` (a long line), they are transferred and `taken` is spare again at once.
   */
  name(taken: OutputBuffer, lines: Uint8Array): { lines: BatchLines; transfer: ArrayBuffer[] } {
    if (taken.id >= 0 && lines.buffer === taken.buffer) {
      const first = !this.#sent[taken.id];
      this.#sent[taken.id] = true;
      const shared = taken.buffer as SharedArrayBuffer;
      return { lines: { buffer: taken.id, length: lines.length, ...(first ? { shared } : {}) }, transfer: [] };
    }
    if (taken.id >= 0) this.#spareShared.push(taken.id);
    else if (lines.buffer !== taken.buffer) this.#spare.push(taken.buffer as ArrayBuffer);
    const bytes = lines.buffer as ArrayBuffer;
    return { lines: { bytes: lines }, transfer: [bytes] };
  }

  /** A batch's buffer, back from the main thread once stdout is done with it. */
  back(acked: AckedLines): void {
    if ("buffer" in acked) this.#spareShared.push(acked.buffer);
    // A buffer a long line made larger is let go: batches are written into the usual size.
    else if (acked.bytes.byteLength <= LineBuffer.initialBytes) this.#spare.push(acked.bytes);
  }
}
