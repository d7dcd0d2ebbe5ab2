/** Shards by index: COUNT copies tile the hash space exactly, and bad shards are config errors naming their source. */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { maxShardCount, parseShard, resolveShard, shardRange } from "../../src/plan/shard.ts";
import { formatRange } from "../../src/plan/range.ts";

const tiles = (count: number) => Array.from({ length: count }, (_, index) => shardRange(index, count));

test("the documented examples (docs/range.md)", () => {
  expect(tiles(1).map(formatRange)).toEqual(["00000000-ffffffff"]);
  expect(tiles(2).map(formatRange)).toEqual(["00000000-7fffffff", "80000000-ffffffff"]);
  expect(tiles(3).map(formatRange)).toEqual(["00000000-55555554", "55555555-aaaaaaa9", "aaaaaaaa-ffffffff"]);
  expect(tiles(4).map(formatRange)).toEqual([
    "00000000-3fffffff",
    "40000000-7fffffff",
    "80000000-bfffffff",
    "c0000000-ffffffff",
  ]);
});

test("any COUNT tiles 00000000-ffffffff with no gap and no overlap, ranges differing by at most one hash", () => {
  const check = (count: number) => {
    const ranges = tiles(count);
    expect(ranges[0]?.begin).toBe(0);
    expect(ranges.at(-1)?.end).toBe(0xffffffff);
    const sizes = new Set<number>();
    for (const [i, range] of ranges.entries()) {
      expect(range.begin).toBeLessThanOrEqual(range.end);
      if (i > 0) expect(range.begin).toBe((ranges[i - 1]?.end ?? -2) + 1);
      sizes.add(range.end - range.begin + 1);
    }
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  };
  for (const count of [1, 2, 3, 5, 7, 64, 100, 1000, maxShardCount]) check(count);
  fc.assert(fc.property(fc.integer({ min: 1, max: maxShardCount }), check), { numRuns: 200 });
});

test("parses INDEX/COUNT", () => {
  expect(parseShard("2/5", "--shard")).toEqual({ index: 2, count: 5, source: "--shard", range: shardRange(2, 5) });
  expect(parseShard("0/1", "SOURCE_KAFKA_SHARD").range).toEqual({ begin: 0, end: 0xffffffff });
});

test.each([
  ["0/0", "--shard: COUNT must be 1 to 65536, got 0"],
  ["3/2", "--shard: INDEX must be below COUNT (0 to 1), got 3/2"],
  ["2/2", "--shard: INDEX must be below COUNT (0 to 1), got 2/2"],
  ["-1/2", '--shard must be INDEX/COUNT such as 0/4, got "-1/2"'],
  ["one/two", '--shard must be INDEX/COUNT such as 0/4, got "one/two"'],
  ["1", '--shard must be INDEX/COUNT such as 0/4, got "1"'],
  ["1/2/3", '--shard must be INDEX/COUNT such as 0/4, got "1/2/3"'],
  ["1.5/2", '--shard must be INDEX/COUNT such as 0/4, got "1.5/2"'],
  ["", '--shard must be INDEX/COUNT such as 0/4, got ""'],
  ["0/65537", "--shard: COUNT must be 1 to 65536, got 65537"],
  ["0/\u001b[2J", '--shard must be INDEX/COUNT such as 0/4, got "0/\\u001b[2J"'],
])("--shard %j is a config error: %s", (text, message) => {
  expect(() => parseShard(text, "--shard")).toThrow(message);
});

test("the flag wins over the environment; SOURCE_KAFKA_SHARD gives INDEX/COUNT", () => {
  expect(resolveShard({ shard: "1/2" }, { SOURCE_KAFKA_SHARD: "0/3" })?.source).toBe("--shard");
  expect(resolveShard({}, { SOURCE_KAFKA_SHARD: "0/3" })).toMatchObject({ index: 0, count: 3 });
  expect(resolveShard({}, { SOURCE_KAFKA_SHARD: "" })).toBeUndefined();
  expect(resolveShard({}, {})).toBeUndefined();
  // An Indexed Job sets JOB_COMPLETION_INDEX whether or not the connector is sharded: alone, it means nothing.
  expect(resolveShard({}, { JOB_COMPLETION_INDEX: "3" })).toBeUndefined();
  expect(() => resolveShard({}, { SOURCE_KAFKA_SHARD: "2/2" })).toThrow("SOURCE_KAFKA_SHARD: INDEX must be below");
});

test("a count by flag or environment takes the index from JOB_COMPLETION_INDEX", () => {
  expect(resolveShard({ shardCount: "4" }, { JOB_COMPLETION_INDEX: "3" })).toMatchObject({
    index: 3,
    count: 4,
    source: "--shard-count",
    range: { begin: 0xc0000000, end: 0xffffffff },
  });
  expect(resolveShard({}, { SOURCE_KAFKA_SHARD_COUNT: "4", JOB_COMPLETION_INDEX: "0" })).toMatchObject({
    index: 0,
    source: "SOURCE_KAFKA_SHARD_COUNT",
  });
  expect(() => resolveShard({ shardCount: "4" }, {})).toThrow(
    "--shard-count needs this copy's index in JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job), got nothing",
  );
  expect(() => resolveShard({ shardCount: "4" }, { JOB_COMPLETION_INDEX: "4" })).toThrow(
    "--shard-count: INDEX must be below COUNT (0 to 3), got 4/4",
  );
  expect(() => resolveShard({ shardCount: "four" }, { JOB_COMPLETION_INDEX: "0" })).toThrow(
    '--shard-count must be a whole number, got "four"',
  );
  expect(() => resolveShard({ shard: "0/2", shardCount: "2" }, {})).toThrow(
    "--shard cannot be combined with --shard-count",
  );
  expect(() =>
    resolveShard({}, { SOURCE_KAFKA_SHARD: "0/2", SOURCE_KAFKA_SHARD_COUNT: "2", JOB_COMPLETION_INDEX: "0" }),
  ).toThrow("SOURCE_KAFKA_SHARD_COUNT cannot be combined with SOURCE_KAFKA_SHARD");
});
