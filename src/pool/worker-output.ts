/**
 * The main thread's side of one worker's output buffers (src/worker/output-buffers.ts): the bytes
 * of each batch's lines, and the ack that hands their buffer back once stdout is done with them.
 * A shared buffer is kept, as a view, from the first batch that brings it.
 */
import type { AckedLines, BatchLines } from "../worker/messages.ts";

export class WorkerOutput {
  readonly #shared: Uint8Array[] = [];

  /** The batch's lines, where they are. */
  bytes(lines: BatchLines): Uint8Array {
    if ("bytes" in lines) return lines.bytes;
    if (lines.shared) this.#shared[lines.buffer] = new Uint8Array(lines.shared);
    const view = this.#shared[lines.buffer];
    if (!view) throw new Error(`a batch names shared buffer ${lines.buffer}, which never came`);
    return view.subarray(0, lines.length);
  }

  /** The ack's lines, and what to transfer with it: a transferred buffer goes back the same way. */
  ack(lines: BatchLines): { lines: AckedLines; transfer: ArrayBuffer[] } {
    if ("bytes" in lines) {
      const bytes = lines.bytes.buffer as ArrayBuffer;
      return { lines: { bytes }, transfer: [bytes] };
    }
    return { lines: { buffer: lines.buffer }, transfer: [] };
  }
}
