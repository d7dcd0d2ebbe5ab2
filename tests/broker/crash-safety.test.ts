/**
 * A STATE is a promise that everything before it is out. Here the connector is killed with
 * SIGKILL — no handler, no flush — at random moments, again and again, each time restarted from
 * the last STATE it managed to write, and the records of all runs together must still be every
 * produced record, duplicated only past the last STATE of a killed run.
 *
 * Binary runner only: the test is twenty-odd process lifetimes long, and SIGKILL lands on the
 * same merge and checkpoint code either way; the compiled executable is what users run, and the
 * source/binary parity of `read` is covered by read.test.ts and ordering.test.ts.
 */
import { beforeAll, expect, test } from "bun:test";
import { backlogTopic } from "../support/backlog.ts";
import { catalog, jsonFile, parseProtocol, type Message } from "../support/connector.ts";
import { stateOffsets, walkOutput } from "../support/invariants.ts";
import { startLive } from "../support/process.ts";

const partitions = 8;
// A STATE follows a batch, and batches are cut at checkpoint_records (500 here) or at a fetch's
// end: with 1 KB values a full read is dozens of batches, each followed by a STATE — plenty of
// moments between and inside batches for a kill to land.
const count = 40_000;
const size = 1024;
const killedRuns = 20;

let broker: string;
let topic: string;
let ends: Map<number, number>;
beforeAll(async () => {
  ({ broker, topic, ends } = await backlogTopic("crash", partitions, count, size));
}, 60_000);

type RunLog = {
  /** The state it was started from (partition → first offset to read). */
  from: Map<number, number>;
  messages: Message[];
  killed: boolean;
  code: number;
};

/** A random moment: a delay from spawn (may land during startup), or soon after the k-th record arrives. */
function killPlan(left: number): { afterMs: number } | { afterRecords: number } {
  // A delay only while much is left: a whole read of what remains can take well under a second,
  // and runs that finish before their kill do not count towards the killed runs wanted.
  if (left > count / 2 && Math.random() < 0.3) return { afterMs: Math.floor(Math.random() * 1000) };
  // Most runs get through only part of what is left, so that many runs end mid-stream.
  return { afterRecords: 1 + Math.floor(Math.random() * Math.max(1, left / 4)) };
}

test("resumes from state without loss after kill -9 at random moments", async () => {
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  expect(total).toBe(count);
  const config = jsonFile("config.json", { bootstrap_servers: broker, workers: 4, checkpoint_records: 500 });
  const catalogFile = jsonFile("catalog.json", catalog([topic]));

  const runs: RunLog[] = [];
  let lastState: Message | undefined;
  const startOf = () => (lastState ? stateOffsets(lastState) : new Map([...ends.keys()].map((p) => [p, 0])));

  for (let attempt = 0; runs.filter((r) => r.killed).length < killedRuns; attempt++) {
    expect(attempt).toBeLessThan(killedRuns * 3);
    const from = startOf();
    const left = [...ends].reduce((sum, [p, end]) => sum + end - from.get(p)!, 0);
    const plan = killPlan(left);
    const args = [
      "read",
      "--config",
      config,
      "--catalog",
      catalogFile,
      ...(lastState ? ["--state", jsonFile("state.json", [lastState])] : []),
    ];
    let seen = 0;
    const live = startLive("binary", args, {
      // Read at a pace, so that the connector waits on the pipe and the kill lands mid-stream.
      // Unthrottled, it can write all that is left before this test has read the k-th record,
      // and a run that reaches the end leaves nothing for the kills after it.
      bytesPerSecond: 16 << 20,
      onLine: (line) => {
        if ("afterRecords" in plan && line.startsWith('{"type":"RECORD"') && ++seen === plan.afterRecords)
          live.kill("SIGKILL");
      },
    });
    const timer = "afterMs" in plan ? setTimeout(() => live.kill("SIGKILL"), plan.afterMs) : undefined;
    const exit = await live.finished;
    clearTimeout(timer);
    // Only complete lines count as written; each is checked against the protocol.
    const messages = parseProtocol(live.lines.join("\n"));
    const killed = exit.signal === "SIGKILL";
    // A run can finish before its kill lands; then it must have finished cleanly.
    if (!killed && exit.code !== 0) throw new Error(`run ${attempt} exited ${exit.code}: ${exit.stderr.trim()}`);
    runs.push({ from, messages, killed, code: exit.code });
    lastState = messages.filter((m) => m.type === "STATE").at(-1) ?? lastState;
  }

  // The last run goes undisturbed to the end.
  {
    const from = startOf();
    const live = startLive("binary", [
      "read",
      "--config",
      config,
      "--catalog",
      catalogFile,
      ...(lastState ? ["--state", jsonFile("state.json", [lastState])] : []),
    ]);
    const exit = await live.finished;
    expect(exit.code).toBe(0);
    runs.push({ from, messages: parseProtocol(live.lines.join("\n")), killed: false, code: 0 });
  }

  // Each run on its own: in order from where it resumed, and no STATE ahead of its records.
  for (const [i, r] of runs.entries()) {
    expect({ run: i, violations: walkOutput(r.messages, topic, r.from).violations }).toEqual({
      run: i,
      violations: [],
    });
  }

  // Nothing lost: the union of all runs' records is every produced (partition, offset).
  const emitted = new Map<string, number[]>();
  for (const [i, r] of runs.entries()) {
    for (const m of r.messages) {
      if (m.type !== "RECORD") continue;
      const key = `${m.record.data._meta.partition}/${m.record.data._meta.offset}`;
      emitted.set(key, [...(emitted.get(key) ?? []), i]);
    }
  }
  const missing = [...ends]
    .flatMap(([p, end]) => Array.from({ length: end }, (_, o) => `${p}/${o}`))
    .filter((key) => !emitted.has(key));
  expect(missing.slice(0, 20)).toEqual([]);
  expect(emitted.size).toBe(count);

  // Duplicates only past a killed run's last STATE: every emission but the last of a record is
  // by a killed run, at an offset at or beyond where that run's successor resumed.
  const duplicateProblems: string[] = [];
  for (const [key, byRuns] of emitted) {
    const [p = -1, o = -1] = key.split("/").map(Number);
    for (const i of byRuns.slice(0, -1)) {
      const run = runs[i]!;
      const resumedAt = runs[i + 1]!.from.get(p)!;
      if (!run.killed || o < resumedAt)
        duplicateProblems.push(`${key} from run ${i} (killed: ${run.killed}), again after resuming at ${resumedAt}`);
    }
  }
  expect(duplicateProblems.slice(0, 20)).toEqual([]);

  // The final STATE names the end offsets, and the final run ended complete.
  const last = runs.at(-1)!;
  expect(stateOffsets(last.messages.filter((m) => m.type === "STATE").at(-1)!)).toEqual(ends);
  expect(last.messages.some((m) => m.type === "TRACE" && m.trace.stream_status?.status === "COMPLETE")).toBe(true);

  // Not vacuous: kills landed mid-stream — after some records were written and before the end —
  // and several of those killed runs had written a STATE to resume from.
  const midStream = runs.filter((r) => r.killed && r.messages.some((m) => m.type === "RECORD"));
  expect(midStream.length).toBeGreaterThanOrEqual(5);
  expect(midStream.filter((r) => r.messages.some((m) => m.type === "STATE")).length).toBeGreaterThanOrEqual(3);
}, 240_000);
