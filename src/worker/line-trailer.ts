/**
 * The end of a fast-lane RECORD line, from the key fields to the newline: everything after the
 * value's body, the offset twice and the timestamp in it (worker/record-lines.ts). Kept as bytes
 * from one record to the next, whose offset is most often one more and whose timestamp is most
 * often the same: then only the offset's digits change, in place, and the line takes the whole
 * trailer in one copy rather than seven (the copies were ~6% of a worker's time, docs/decisions/0014).
 */
import { LineBuffer } from "./line-buffer.ts";

export class LineTrailer {
  readonly #keys: Uint8Array;
  readonly #metaHead: Uint8Array;
  readonly #timestampHead: Uint8Array;
  readonly #tail: Uint8Array;
  #bytes: Uint8Array = new Uint8Array(0);
  #offset = Number.NaN;
  #timestamp: Uint8Array | null = null;
  /** Where the offset's two copies of its digits end. */
  #firstDigitsEnd = 0;
  #secondDigitsEnd = 0;
  #digits = 0;

  /** The pieces around the offsets and timestamp: keys, offset, metaHead, offset, timestampHead, timestamp, tail. */
  constructor(keys: Uint8Array, metaHead: Uint8Array, timestampHead: Uint8Array, tail: Uint8Array) {
    this.#keys = keys;
    this.#metaHead = metaHead;
    this.#timestampHead = timestampHead;
    this.#tail = tail;
  }

  /** The trailer of the line of the record at `offset`, stamped `timestamp` (its text's bytes). */
  of(offset: number, timestamp: Uint8Array): Uint8Array {
    if (timestamp !== this.#timestamp || offset !== this.#offset + 1 || !this.#countUp())
      this.#write(offset, timestamp);
    this.#offset = offset;
    return this.#bytes;
  }

  /** Adds one to both copies of the offset's digits; false when that takes one more digit. */
  #countUp(): boolean {
    const bytes = this.#bytes;
    let at = this.#firstDigitsEnd - 1;
    const first = this.#firstDigitsEnd - this.#digits;
    while (at >= first && bytes[at] === 0x39) at--;
    if (at < first) return false;
    const shift = this.#secondDigitsEnd - this.#firstDigitsEnd;
    bytes[at] = (bytes[at] as number) + 1;
    bytes[at + shift] = bytes[at] as number;
    for (let k = at + 1; k < this.#firstDigitsEnd; k++) {
      bytes[k] = 0x30;
      bytes[k + shift] = 0x30;
    }
    return true;
  }

  #write(offset: number, timestamp: Uint8Array): void {
    const out = new LineBuffer(new ArrayBuffer(this.#tail.length + timestamp.length + 128));
    out.put(this.#keys);
    const before = out.length;
    out.putInteger(offset);
    this.#digits = out.length - before;
    this.#firstDigitsEnd = out.length;
    out.put(this.#metaHead);
    out.putInteger(offset);
    this.#secondDigitsEnd = out.length;
    out.put(this.#timestampHead);
    out.put(timestamp);
    out.put(this.#tail);
    this.#bytes = out.take();
    this.#timestamp = timestamp;
  }
}
