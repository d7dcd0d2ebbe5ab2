/**
 * A worker that fails mid-read ends the whole run as a failure the platform can see — a TRACE
 * error and a non-zero exit, never a COMPLETE — and what was checkpointed before it stays true.
 * The fault is injected with SOURCE_KAFKA_FAULT_AFTER_BATCHES (src/commands/read.ts reads it; src/worker/state.ts throws when a batch is sent).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { backlogTopic } from "../support/backlog.ts";
import { catalog, jsonFile, run, runners, traces } from "../support/connector.ts";
import { stateOffsets, walkOutput } from "../support/invariants.ts";

const partitions = 4;
// 1 KB values, ~5 MB a partition; with two partitions a worker, a fetch takes at most 1 MiB, so
// each worker has many batches to send and the fault cuts it short. After its second: a worker's
// first batch is cut at 16 KiB (src/worker/pending-batch.ts), too few records for a STATE, and
// the second's 100 records make one due before the fault.
const count = 20_000;
const size = 1024;
const faultAfter = 2;

let broker: string;
let topic: string;
let ends: Map<number, number>;
beforeAll(async () => {
  ({ broker, topic, ends } = await backlogTopic("worker-failure", partitions, count, size));
}, 60_000);

describe.each(runners)("worker failure (%s)", (runner) => {
  test("an injected fault in one worker ends the run with a TRACE error and exit non-zero", async () => {
    const config = jsonFile("config.json", { bootstrap_servers: broker, workers: 2, checkpoint_records: 100 });
    const result = await run(
      runner,
      ["read", "--config", config, "--catalog", jsonFile("catalog.json", catalog([topic]))],
      {
        env: { SOURCE_KAFKA_FAULT_AFTER_BATCHES: String(faultAfter) },
        timeoutMs: 60_000,
      },
    );
    expect(result.code).not.toBe(0);

    const errors = traces(result);
    expect(errors).toHaveLength(1);
    expect(errors[0].error.failure_type).toBe("system_error");
    expect(errors[0].error.message).toContain(`injected worker fault after ${faultAfter} batches`);
    const completes = traces(result, "STREAM_STATUS").filter((t) => t.stream_status.status === "COMPLETE");
    expect(completes).toEqual([]);

    // Nothing is written for the run after its error: the error is the last RECORD/STATE/TRACE line.
    const errorAt = result.messages.findIndex((m) => m.type === "TRACE" && m.trace.type === "ERROR");
    expect(result.messages.slice(errorAt + 1).filter((m) => m.type !== "LOG")).toEqual([]);

    // Every STATE before the error names only offsets whose records came before it.
    const walk = walkOutput(result.messages.slice(0, errorAt), topic, new Map());
    expect(walk.violations).toEqual([]);
    // Not vacuous: the run wrote records and checkpointed some before the fault, and stopped
    // short of the end (the failing worker's partitions were never finished).
    expect(walk.records).toBeGreaterThan(0);
    expect(walk.records).toBeLessThan(count);
    expect(walk.states).toBeGreaterThan(0);
    const lastState = stateOffsets(
      result.messages
        .slice(0, errorAt)
        .filter((m) => m.type === "STATE")
        .at(-1)!,
    );
    expect([...lastState].some(([p, offset]) => offset < ends.get(p)!)).toBe(true);
  }, 90_000);
});
