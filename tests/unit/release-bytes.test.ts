/**
 * The read path frees a socket chunk once it is copied (src/kafka/fetch-connection.ts), and a
 * batch Bun's zstd decompressed once its records are written (src/worker/fetching.ts): only bytes
 * that are their whole ArrayBuffer, and only in Bun. A view into a larger buffer (a pool a
 * runtime may reuse) is left as it is.
 */
import { expect, test } from "bun:test";
import { releaseBytes } from "../../src/kafka/release-bytes.ts";

test("a chunk that is its whole buffer is detached, its memory freed", () => {
  const chunk = Buffer.from(new Uint8Array([1, 2, 3, 4]));
  const buffer = chunk.buffer;
  expect(chunk.byteOffset).toBe(0);
  expect(buffer.byteLength).toBe(4);
  expect(releaseBytes(chunk)).toBe(true);
  expect(buffer.byteLength).toBe(0);
  expect(chunk.length).toBe(0);
});

test("a view into a larger buffer is left as it is", () => {
  const pool = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const atStart = pool.subarray(0, 4);
  const inside = pool.subarray(2, 6);
  expect(releaseBytes(atStart)).toBe(false);
  expect(releaseBytes(inside)).toBe(false);
  expect(pool.buffer.byteLength).toBe(8);
  expect([...inside]).toEqual([3, 4, 5, 6]);
});

test("outside Bun nothing is detached", () => {
  const chunk = new Uint8Array([9, 9]);
  expect(releaseBytes(chunk, false)).toBe(false);
  expect([...chunk]).toEqual([9, 9]);
});

test("what Bun's zstd decompresses is a buffer of its own, freed whole", () => {
  const text = new TextEncoder().encode('{"order":1}'.repeat(100));
  const batch = Bun.zstdDecompressSync(Bun.zstdCompressSync(text));
  expect(new TextDecoder().decode(batch)).toBe('{"order":1}'.repeat(100));
  expect(releaseBytes(batch)).toBe(true);
  expect(batch.length).toBe(0);
});
