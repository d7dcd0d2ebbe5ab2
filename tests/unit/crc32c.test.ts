import { expect, test } from "bun:test";
import { crc32c as libraryCrc32c } from "@platformatic/kafka";
import fc from "fast-check";
import { crc32c, crc32cImplementation } from "../../src/kafka/crc32c.ts";

test("under Bun, record batches are checked with the native CRC-32C", () => {
  expect(crc32cImplementation).toBe("native");
});

test("the native CRC-32C is the standard one (RFC 3720 check value) and equals the library's on any bytes", () => {
  expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), fc.nat({ max: 7 }), (bytes, skip) => {
      // A view that starts inside its buffer, as a batch inside a fetch response does.
      const view = bytes.subarray(Math.min(skip, bytes.length));
      expect(crc32c(view)).toBe(libraryCrc32c(Buffer.from(view)));
    }),
    { numRuns: 500 },
  );
});
