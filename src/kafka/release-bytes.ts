/**
 * Frees bytes the read path is done with now, instead of at the next forced collection
 * (worker/collector.ts): a socket chunk once it is copied into the fetch connection's buffer, and
 * a batch Bun decompressed once its records are written. Detaching the ArrayBuffer
 * (`transfer(0)`) releases its memory at once, and the collections are then paced by what is
 * left: the objects made for each record (docs/decisions/0013).
 *
 * Only in Bun, whose socket reads and zstd each allocate a buffer of their own, and only bytes
 * that are their whole buffer: a runtime that reads into a pool it reuses must keep its buffer.
 * Nothing may read the bytes afterwards; a view of a released buffer is empty.
 */
const inBunRuntime = typeof (globalThis as { Bun?: unknown }).Bun === "object";

/** Releases `bytes`' buffer if it is theirs alone; says whether it did. */
export function releaseBytes(bytes: Uint8Array, inBun = inBunRuntime): boolean {
  const buffer = bytes.buffer;
  if (!inBun || !(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || buffer.byteLength !== bytes.length)
    return false;
  buffer.transfer(0);
  return true;
}
