import { expect, test } from "bun:test";
import * as packaged from "@platformatic/wasm-utils";
import fc from "fast-check";
import * as lazy from "../../src/kafka/lazy-codecs.ts";

test("the codecs loaded on first use compress and decompress as the package's own, both ways", () => {
  fc.assert(
    // Not empty: after its WebAssembly memory grows, either build of the package throws on an
    // empty input (its input view is refreshed only for a longer one); a record batch is never empty.
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 4096 }), (bytes) => {
      const data = Buffer.from(bytes);
      expect(packaged.snappyDecompress(lazy.snappyCompress(data))).toEqual(data);
      expect(lazy.snappyDecompress(packaged.snappyCompress(data))).toEqual(data);
      expect(packaged.lz4Decompress(lazy.lz4Compress(data))).toEqual(data);
      expect(lazy.lz4Decompress(packaged.lz4Compress(data))).toEqual(data);
      expect(lazy.crc32c(data)).toBe(packaged.crc32c(data));
    }),
    { numRuns: 200 },
  );
});
