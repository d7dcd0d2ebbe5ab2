/**
 * Protocol lines written straight into bytes. A worker fills one buffer per batch and transfers
 * it to the main thread, which writes it to stdout and hands it back with its ack: the few
 * buffers a worker has in flight are all it ever allocates for output, so its heap and the main
 * thread's see no garbage per record (docs/decisions/0007-hot-path-in-bytes.md).
 */
import { Buffer } from "node:buffer";

const encoder = new TextEncoder();
/**
 * Node's Buffer copy, which takes a range of its source: `set` would need a view of the range
 * made for it (~25 against ~60-90 ns for a 450-byte value in Bun, and no garbage).
 */
const copyRange = Buffer.prototype.copy;

export class LineBuffer {
  /** A batch's usual size: `maxBatchBytes` and room for the line that crosses it. */
  static readonly initialBytes = (1 << 20) + (256 << 10);

  bytes: Uint8Array;
  length = 0;

  constructor(buffer: ArrayBuffer | SharedArrayBuffer = new ArrayBuffer(LineBuffer.initialBytes)) {
    this.bytes = new Uint8Array(buffer);
  }

  /** Makes room for `more` bytes, moving to a larger buffer for a line that does not fit. */
  reserve(more: number): void {
    const needed = this.length + more;
    if (needed <= this.bytes.length) return;
    const larger = new Uint8Array(Math.max(needed, this.bytes.length * 2));
    larger.set(this.bytes.subarray(0, this.length));
    this.bytes = larger;
  }

  put(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The bytes of `bytes` from `start` to `end`. */
  putRange(bytes: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    this.length += copyRange.call(bytes, this.bytes, this.length, start, end);
  }

  /**
   * A non-negative integer's decimal digits (offsets, partitions: below 2^53). A fast-lane line
   * counts its offset up in place (line-trailer.ts): this writes them only when that cannot.
   */
  putInteger(value: number): void {
    const at = decimalDigits(value);
    const count = digits.length - at;
    this.reserve(count);
    const bytes = this.bytes;
    const length = this.length;
    // A byte loop: for a handful of bytes it is cheaper than set() and the subarray it needs.
    for (let i = 0; i < count; i++) bytes[length + i] = digits[at + i] as number;
    this.length = length + count;
  }

  /** A string as UTF-8 (lines the general path wrote as text). */
  putText(text: string): void {
    this.reserve(text.length * 3);
    this.length += encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }

  /** The bytes written, as a view on the buffer that goes to the main thread with them. */
  take(): Uint8Array {
    const written = this.bytes.subarray(0, this.length);
    this.length = 0;
    return written;
  }
}

/** 2^53 has 16 decimal digits. */
const digits = new Uint8Array(16);

/** Writes `value`'s digits right-aligned in `digits`; returns where they start. */
function decimalDigits(value: number): number {
  let at = digits.length;
  // Below 2^31, integer arithmetic; above, % and the division after it, which are exact below 2^53.
  let rest = value;
  while (rest > 0x7fffffff) {
    const digit = rest % 10;
    digits[--at] = 0x30 + digit;
    rest = (rest - digit) / 10;
  }
  let small = rest | 0;
  do {
    const tenth = (small / 10) | 0;
    digits[--at] = 0x30 + small - tenth * 10;
    small = tenth;
  } while (small > 0);
  return at;
}
