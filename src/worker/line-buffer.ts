/**
 * Protocol lines written straight into bytes. A worker fills one buffer per batch and transfers
 * it to the main thread, which writes it to stdout and hands it back with its ack: the few
 * buffers a worker has in flight are all it ever allocates for output, so its heap and the main
 * thread's see no garbage per record (docs/decisions/0007-hot-path-in-bytes.md).
 */
const encoder = new TextEncoder();

export class LineBuffer {
  /** A batch's usual size: `maxBatchBytes` and room for the line that crosses it. */
  static readonly initialBytes = (1 << 20) + (256 << 10);

  bytes: Uint8Array;
  length = 0;

  constructor(buffer: ArrayBuffer = new ArrayBuffer(LineBuffer.initialBytes)) {
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

  /** A non-negative integer's decimal digits (offsets, partitions: below 2^53). */
  putInteger(value: number): void {
    let digits = 1;
    for (let rest = value; rest >= 10; rest = (rest - (rest % 10)) / 10) digits++;
    this.reserve(digits);
    const bytes = this.bytes;
    let rest = value;
    for (let at = this.length + digits - 1; at >= this.length; at--) {
      // % and the division after it are exact for integers below 2^53; Math.floor(rest / 10) is not.
      const digit = rest % 10;
      bytes[at] = 0x30 + digit;
      rest = (rest - digit) / 10;
    }
    this.length += digits;
  }

  /** A string as UTF-8 (lines the general path wrote as text). */
  putText(text: string): void {
    this.reserve(text.length * 3);
    this.length += encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }

  /** The bytes written, as a view on the buffer that is transferred with them. */
  take(): Uint8Array {
    const written = this.bytes.subarray(0, this.length);
    this.length = 0;
    return written;
  }
}
