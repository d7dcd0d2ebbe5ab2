/** The range extension's hash, pinned by its documented vectors, and what tiling ranges own. */
import { describe, expect, test } from "bun:test";
import { ownedPartitions } from "../../src/plan/assign.ts";
import { partitionHash, parseRangeFlag } from "../../src/plan/range.ts";

describe("partition hash", () => {
  test("matches the documented test vectors (docs/range.md, computed independently)", () => {
    const vectors: [string, number, string][] = [
      ["events", 0, "d04a6194"],
      ["events", 1, "c1cf1ce0"],
      ["events", 2, "7e0660c6"],
      ["events", 3, "b0d6aba5"],
      ["orders", 0, "bdd3f941"],
      ["orders", 31, "5824b41b"],
      ["", 0, "c8fced69"],
      ["ünïcödé", 7, "ac17d200"],
      ["a", 4294967295, "810423a4"],
    ];
    for (const [topic, partition, hash] of vectors) {
      expect(partitionHash(topic, partition).toString(16).padStart(8, "0")).toBe(hash);
    }
  });

  test("ranges that tile the space own every partition exactly once", () => {
    const tiles = ["00000000-3fffffff", "40000000-9fffffff", "a0000000-fffffffe", "ffffffff-ffffffff"].map(
      parseRangeFlag,
    );
    const partitions = Array.from({ length: 500 }, (_, p) => p);
    const owners = partitions.map(
      (p) => tiles.filter((range) => ownedPartitions("orders", [p], range).length === 1).length,
    );
    expect(owners.every((n) => n === 1)).toBe(true);
  });

  test("consecutive partitions spread evenly over equal ranges", () => {
    const quarters = ["00000000-3fffffff", "40000000-7fffffff", "80000000-bfffffff", "c0000000-ffffffff"].map(
      parseRangeFlag,
    );
    const partitions = Array.from({ length: 256 }, (_, p) => p);
    for (const range of quarters) {
      const share = ownedPartitions("events", partitions, range).length;
      expect(share).toBeGreaterThan(256 / 4 / 2);
      expect(share).toBeLessThan((256 / 4) * 2);
    }
  });
});
