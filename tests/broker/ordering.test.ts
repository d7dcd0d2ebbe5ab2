/**
 * The merge keeps each partition in order and checkpoints only what is out: with four workers
 * over sixteen partitions, batches from different workers interleave on stdout, yet within a
 * partition the offsets run strictly upward, and every STATE follows the records it names.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { backlogTopic } from "../support/backlog.ts";
import { catalog, expectSuccess, jsonFile, run, runners } from "../support/connector.ts";
import { stateOffsets, walkOutput } from "../support/invariants.ts";

const partitions = 16;
// 2 KB values, ~6 MB a partition: a fetch takes at most 256 KiB of a partition (partitionMaxBytes in
// src/commands/read.ts), so each partition needs many fetches and each worker sends many batches,
// which the main thread interleaves.
const count = 48_000;
const size = 2048;

let broker: string;
let topic: string;
let ends: Map<number, number>;
beforeAll(async () => {
  ({ broker, topic, ends } = await backlogTopic("ordering", partitions, count, size));
}, 60_000);

describe.each(runners)("ordering (%s)", (runner) => {
  test("within each partition offsets strictly increase across the whole output, and every STATE names only offsets whose records came before it", async () => {
    expect([...ends.values()].reduce((a, b) => a + b, 0)).toBe(count);
    // Even partitions resume from a third of the way in, odd ones start from the beginning, so
    // "before the start" and "from the start" are both exercised.
    const start = new Map([...ends].map(([p, end]) => [p, p % 2 === 0 ? Math.floor(end / 3) : 0]));
    const resumeFrom = {
      type: "STATE",
      state: {
        type: "STREAM",
        stream: {
          stream_descriptor: { name: topic },
          stream_state: {
            partitions: Object.fromEntries(
              [...start].filter(([p]) => p % 2 === 0).map(([p, offset]) => [String(p), { offset }]),
            ),
          },
        },
      },
    };
    const config = jsonFile("config.json", { bootstrap_servers: broker, workers: 4, checkpoint_records: 100 });
    const result = await run(
      runner,
      [
        "read",
        "--config",
        config,
        "--catalog",
        jsonFile("catalog.json", catalog([topic])),
        "--state",
        jsonFile("state.json", [resumeFrom]),
      ],
      { timeoutMs: 90_000 },
    );
    expectSuccess(result);

    const walk = walkOutput(result.messages, topic, start);
    expect(walk.violations).toEqual([]);
    // Every record from each partition's start to its end, once.
    const expectedRecords = [...ends].reduce((sum, [p, end]) => sum + end - start.get(p)!, 0);
    expect(walk.records).toBe(expectedRecords);
    expect(walk.maxOffset).toEqual(
      new Map([...ends].filter(([p, end]) => end > start.get(p)!).map(([p, end]) => [p, end - 1])),
    );
    // Not vacuous: many checkpoints were taken mid-stream, between interleaved batches.
    expect(walk.states).toBeGreaterThanOrEqual(12);
    const finalState = result.messages.filter((m) => m.type === "STATE").at(-1)!;
    expect(stateOffsets(finalState)).toEqual(ends);
  }, 120_000);
});
