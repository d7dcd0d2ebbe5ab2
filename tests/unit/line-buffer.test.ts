import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { LineBuffer } from "../../src/worker/line-buffer.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("LineBuffer.putInteger writes each value's digits", () => {
  test("each offset twice, then the next, across every carry (9 → 10, 999 → 1000, 2^31)", () => {
    for (const first of [0, 8, 95, 998, 99_999_998, 2 ** 31 - 3, 2 ** 53 - 12]) {
      const out = new LineBuffer(new ArrayBuffer(8));
      const expected: string[] = [];
      for (let offset = first; offset < first + 11; offset++) {
        out.putInteger(offset);
        out.put(new Uint8Array([0x2c]));
        out.putInteger(offset);
        out.put(new Uint8Array([0x0a]));
        expected.push(`${offset},${offset}\n`);
      }
      expect(text(out.take())).toBe(expected.join(""));
    }
  });

  test("any sequence of runs and jumps (partitions interleaved in a fetch) writes each value's digits", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.maxSafeNat(), fc.nat({ max: 30 })), { maxLength: 20 }), (runs) => {
        const out = new LineBuffer(new ArrayBuffer(2));
        const expected: string[] = [];
        for (const [start, length] of runs) {
          for (let value = start; value <= Math.min(start + length, 2 ** 53 - 1); value++) {
            out.putInteger(value);
            out.put(new Uint8Array([0x20]));
            expected.push(`${value} `);
          }
        }
        expect(text(out.take())).toBe(expected.join(""));
      }),
      { numRuns: 500 },
    );
  });

  test("the same value again after another buffer wrote a different one", () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    a.putInteger(41);
    b.putInteger(7);
    a.putInteger(42);
    b.putInteger(7);
    expect([text(a.take()), text(b.take())]).toEqual(["4142", "77"]);
  });
});
