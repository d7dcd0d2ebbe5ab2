/**
 * The read plan's decisions (src/plan/): which partitions this copy owns, where each starts and
 * ends, what a state offset that retention removed means, and how partitions are dealt to workers.
 * A fake cluster answers the plan's questions: the real one is in tests/broker/read.test.ts and
 * out-of-range.test.ts.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ConfigError } from "../../src/errors.ts";
import type { TopicInfo } from "../../src/kafka/client.ts";
import { spread } from "../../src/plan/assign.ts";
import { type PlanClient, type StartSettings, planRead } from "../../src/plan/plan.ts";
import { fullRange, parseRangeFlag } from "../../src/plan/range.ts";

/** A cluster of topics whose partitions hold the offsets [earliest, latest), timestamps at 1000 × offset. */
function cluster(topics: Record<string, { earliest: number; latest: number }[]>): PlanClient {
  const info = (name: string): TopicInfo => ({
    name,
    id: `${name}-id`,
    partitions: (topics[name] ?? []).map((_, partition) => ({ partition, leader: 1, leaderEpoch: 0 })),
  });
  return {
    describeTopics: async (names) => new Map(names.filter((n) => n in topics).map((n) => [n, info(n)])),
    fetchVersion: async () => 17,
    offsetsOf: async (wanted, at) =>
      new Map(
        [...wanted].map(([topic, partitions]) => [
          topic,
          new Map(
            partitions.map((p) => {
              const { earliest, latest } = topics[topic]?.[p] ?? { earliest: 0, latest: 0 };
              const offset = at === "earliest" ? earliest : at === "latest" ? latest : Math.ceil(at / 1000);
              return [p, Math.min(Math.max(offset, earliest), latest)];
            }),
          ),
        ]),
      ),
  };
}

const earliestStart: StartSettings = { start_position: "earliest", on_offset_out_of_range: "fail" };
const incremental = (name: string) => ({ name, syncMode: "incremental" as const });

describe("planRead", () => {
  const orders = cluster({
    orders: [
      { earliest: 0, latest: 10 },
      { earliest: 5, latest: 50 },
    ],
  });

  test("a batch read starts each partition at its state or the configured position, and ends at the log's end", async () => {
    const state = new Map([["orders", new Map([[1, 20]])]]);
    const plan = await planRead(orders, earliestStart, [incremental("orders")], state, fullRange, false);
    expect(plan.assignments).toEqual([
      { topic: "orders", topicId: "orders-id", partition: 0, leader: 1, leaderEpoch: 0, from: 0, to: 10, logEnd: 10 },
      { topic: "orders", topicId: "orders-id", partition: 1, leader: 1, leaderEpoch: 0, from: 20, to: 50, logEnd: 50 },
    ]);
    expect(plan.startState).toEqual(
      new Map([
        [
          "orders",
          new Map([
            [1, 20],
            [0, 0],
          ]),
        ],
      ]),
    );
  });

  test("tailing has no end; latest and timestamp starts ask the cluster for those offsets", async () => {
    const latest = await planRead(
      orders,
      { ...earliestStart, start_position: "latest" },
      [incremental("orders")],
      new Map(),
      fullRange,
      true,
    );
    expect(latest.assignments.map((a) => [a.from, a.to])).toEqual([
      [10, null],
      [50, null],
    ]);
    const at = {
      ...earliestStart,
      start_position: "timestamp" as const,
      start_timestamp: new Date(7_000).toISOString(),
    };
    const timed = await planRead(orders, at, [incremental("orders")], new Map(), fullRange, false);
    expect(timed.assignments.map((a) => [a.from, a.to])).toEqual([
      [7, 10],
      [7, 50],
    ]);
  });

  test("full_refresh reads from the configured start whatever the state says", async () => {
    const state = new Map([["orders", new Map([[0, 9]])]]);
    const plan = await planRead(
      orders,
      earliestStart,
      [{ name: "orders", syncMode: "full_refresh" }],
      state,
      fullRange,
      false,
    );
    expect(plan.assignments.map((a) => a.from)).toEqual([0, 5]);
  });

  test("a state offset retention removed fails naming it, or skips to the earliest with a warning", async () => {
    const state = new Map([["orders", new Map([[1, 2]])]]);
    const failing = planRead(orders, earliestStart, [incremental("orders")], state, fullRange, false);
    await expect(failing).rejects.toThrow(
      new ConfigError(
        "state: orders partition 1 wants offset 2, but the partition holds 5..50; retention may have removed it. Set on_offset_out_of_range to earliest to skip ahead",
      ),
    );
    const plan = await planRead(
      orders,
      { ...earliestStart, on_offset_out_of_range: "earliest" },
      [incremental("orders")],
      state,
      fullRange,
      false,
    );
    expect(plan.assignments[1]?.from).toBe(5);
    expect(plan.warnings).toEqual([
      "orders partition 1: offset 2 is no longer kept (available 5..50); reset to earliest 5, skipping 3 offsets",
    ]);
  });

  test("a stream without a topic fails the plan, naming it", async () => {
    await expect(
      planRead(orders, earliestStart, [incremental("orders"), incremental("gone")], new Map(), fullRange, false),
    ).rejects.toThrow('catalog: stream "gone" has no topic of that name in the cluster');
  });

  test("a copy plans only the partitions whose hash falls in its range, and carries the state of the rest", async () => {
    const many = cluster({ events: Array.from({ length: 16 }, () => ({ earliest: 0, latest: 3 })) });
    const state = new Map([["events", new Map(Array.from({ length: 16 }, (_, p) => [p, 1] as [number, number]))]]);
    const halves = ["00000000-7fffffff", "80000000-ffffffff"].map(parseRangeFlag);
    const plans = await Promise.all(
      halves.map((range) => planRead(many, earliestStart, [incremental("events")], state, range, false)),
    );
    const owned = plans.map((plan) => plan.assignments.map((a) => a.partition));
    expect([...(owned[0] ?? []), ...(owned[1] ?? [])].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 16 }, (_, p) => p),
    );
    expect(owned[0]?.filter((p) => owned[1]?.includes(p))).toEqual([]);
    for (const plan of plans) expect(plan.startState.get("events")?.size).toBe(16);
  });
});

describe("spread", () => {
  test("every item goes to exactly one worker, and no worker's load exceeds the fair share by more than the heaviest item", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (weights, workers) => {
        const items = weights.map((weight, id) => ({ id, weight }));
        const bins = spread(items, workers, (item) => item.weight);
        expect(bins).toHaveLength(workers);
        expect(
          bins
            .flat()
            .map((item) => item.id)
            .sort((a, b) => a - b),
        ).toEqual(items.map((item) => item.id));
        const total = weights.reduce((sum, w) => sum + w, 0);
        const heaviest = Math.max(0, ...weights);
        for (const bin of bins)
          expect(bin.reduce((sum, item) => sum + item.weight, 0)).toBeLessThanOrEqual(total / workers + heaviest);
      }),
    );
  });

  test("items of no weight (tailing) are dealt evenly by count", () => {
    const bins = spread(
      Array.from({ length: 10 }, (_, i) => i),
      3,
      () => 0,
    );
    expect(bins.map((bin) => bin.length)).toEqual([4, 3, 3]);
  });
});
