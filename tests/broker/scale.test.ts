/**
 * The inputs themselves at scale: catalogs of thousands of streams (with and without topics), a
 * state of hundreds of thousands of partitions, a topic of thousands of partitions. Each read
 * finishes, or fails with its one-line error, within the time its test names — bounds set for a
 * loaded 2-core machine; on an idle one each takes a few seconds at most. Issue 18: a catalog of
 * 2,000 missing topics used to run for minutes, looking each one up alone.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bootstrap } from "../support/broker.ts";
import {
  catalog,
  jsonFile,
  records,
  run,
  runners,
  states,
  traces,
  uniqueTopic,
  type Run,
} from "../support/connector.ts";
import { produce } from "../support/kafka.ts";
import { createTopics, deleteTopics, existing } from "../support/many-topics.ts";

let broker: string;
/** 1,000 topics of one partition; three of them hold a record. */
let many: string[];
/** A topic of 2,000 partitions, one record in each. */
let wide: string;

beforeAll(async () => {
  broker = await bootstrap();
  const prefix = uniqueTopic("scale");
  many = Array.from({ length: 1000 }, (_, i) => `${prefix}-${i}`);
  wide = `${prefix}-wide`;
  await createTopics(broker, many, 1);
  await createTopics(broker, [wide], 2000);
  for (const i of [0, 500, 999]) await produce(broker, many[i]!, [{ partition: 0, value: `in ${i}` }]);
  await produce(
    broker,
    wide,
    Array.from({ length: 2000 }, (_, p) => ({ partition: p, value: `p${p}` })),
  );
}, 240_000);

afterAll(async () => {
  const created = many ? await existing(broker, [...many, wide]) : [];
  if (created.length > 0) await deleteTopics(broker, created);
}, 120_000);

const config = () => jsonFile("config.json", { bootstrap_servers: broker });

/** Runs the connector and says how long it took. */
async function timed(...args: Parameters<typeof run>): Promise<Run & { ms: number }> {
  const started = Date.now();
  const result = await run(...args);
  return { ...result, ms: Date.now() - started };
}

const quoted = (names: string[]) => names.map((name) => JSON.stringify(name)).join(", ");

describe.each(runners)("scale (%s)", (runner) => {
  test("a catalog of 20,000 streams with no topic fails within 15 s: one config_error naming five and counting the rest, and none is created", async () => {
    const missing = Array.from({ length: 20_000 }, (_, i) => uniqueTopic(`absent-${i}`));
    const result = await timed(
      runner,
      ["read", "--config", config(), "--catalog", jsonFile("catalog.json", catalog(missing))],
      { timeoutMs: 60_000 },
    );
    expect(result.ms).toBeLessThan(15_000);
    expect(result.code).toBe(1);
    expect(traces(result).map((t) => t.error)).toEqual([
      {
        failure_type: "config_error",
        message: `catalog: 20000 streams have no topic of that name in the cluster: ${quoted(missing.slice(0, 5))} and 19995 more`,
      },
    ]);
    expect(result.messages.filter((m) => m.type !== "TRACE")).toEqual([]);
    expect(
      result.stderr
        .trim()
        .split("\n")
        .filter((line) => line.trim() !== ""),
    ).toHaveLength(1);
    expect(await existing(broker, missing)).toEqual([]);
  }, 90_000);

  test("a catalog of 1,000 streams with topics and 3,000 without fails within 15 s naming only those without", async () => {
    const missing = Array.from({ length: 3000 }, (_, i) => uniqueTopic(`absent-${i}`));
    // Interleaved: the error names the missing ones in catalog order.
    const names = many.flatMap((name, i) => [name, ...missing.slice(3 * i, 3 * i + 3)]);
    const result = await timed(
      runner,
      ["read", "--config", config(), "--catalog", jsonFile("catalog.json", catalog(names))],
      { timeoutMs: 60_000 },
    );
    expect(result.ms).toBeLessThan(15_000);
    expect(result.code).toBe(1);
    expect(traces(result).map((t) => t.error)).toEqual([
      {
        failure_type: "config_error",
        message: `catalog: 3000 streams have no topic of that name in the cluster: ${quoted(missing.slice(0, 5))} and 2995 more`,
      },
    ]);
    expect(await existing(broker, missing)).toEqual([]);
  }, 90_000);

  test("a catalog of 1,000 streams with topics is read within 60 s: their records, a final STATE and COMPLETE for each", async () => {
    const result = await timed(
      runner,
      ["read", "--config", config(), "--catalog", jsonFile("catalog.json", catalog(many))],
      { timeoutMs: 120_000 },
    );
    expect(result.ms).toBeLessThan(60_000);
    expect(result.code, result.stderr).toBe(0);
    expect(
      records(result)
        .map((r) => [r.stream, r.data.value])
        .sort(),
    ).toEqual([0, 500, 999].map((i) => [many[i], `in ${i}`]).sort());
    const finals = new Map(states(result).map((s) => [s.stream.stream_descriptor.name, s.stream.stream_state]));
    expect(finals.size).toBe(1000);
    for (const [i, name] of many.entries()) {
      expect(finals.get(name)).toEqual({ partitions: { "0": { offset: [0, 500, 999].includes(i) ? 1 : 0 } } });
    }
    const statuses = traces(result, "STREAM_STATUS").map((t) => t.stream_status.status);
    expect(statuses.filter((s) => s === "COMPLETE")).toHaveLength(1000);
  }, 150_000);

  test("a topic of 2,000 partitions is read within 60 s: a record from each, and a final STATE of all 2,000", async () => {
    const result = await timed(
      runner,
      ["read", "--config", config(), "--catalog", jsonFile("catalog.json", catalog([wide]))],
      { timeoutMs: 120_000 },
    );
    expect(result.ms).toBeLessThan(60_000);
    expect(result.code, result.stderr).toBe(0);
    const read = records(result).map((r) => [r.data._meta.partition, r.data.value]);
    expect(read.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(
      Array.from({ length: 2000 }, (_, p) => [p, `p${p}`]),
    );
    const final = states(result).at(-1)!.stream.stream_state;
    expect(final).toEqual({
      partitions: Object.fromEntries(Array.from({ length: 2000 }, (_, p) => [String(p), { offset: 1 }])),
    });
  }, 150_000);

  test("a state of 300,000 partitions for a topic of 2,000 is read within 60 s, and the final STATE carries every partition", async () => {
    // The topic's own 2,000 partitions resume past their record; the 298,000 it does not have are
    // carried as they were (a STATE is a complete resume point, whatever this read could see).
    const partitions = Object.fromEntries(
      Array.from({ length: 300_000 }, (_, p) => [String(p), { offset: p < 2000 ? 1 : p }]),
    );
    const state = { type: "STREAM", stream: { stream_descriptor: { name: wide }, stream_state: { partitions } } };
    const result = await timed(
      runner,
      [
        "read",
        "--config",
        config(),
        "--catalog",
        jsonFile("catalog.json", catalog([wide])),
        "--state",
        jsonFile("state.json", state),
      ],
      { timeoutMs: 120_000 },
    );
    expect(result.ms).toBeLessThan(60_000);
    expect(result.code, result.stderr).toBe(0);
    expect(records(result)).toEqual([]);
    expect(states(result).at(-1)!.stream.stream_state).toEqual({ partitions });
  }, 150_000);

  test("a state of 300,000 partitions over 1,000 streams the catalog does not name is checked and left aside within 30 s", async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `elsewhere-${i}`);
    const state = names.map((name) => ({
      type: "STREAM",
      stream: {
        stream_descriptor: { name },
        stream_state: {
          partitions: Object.fromEntries(Array.from({ length: 300 }, (_, p) => [String(p), { offset: 7 }])),
        },
      },
    }));
    const result = await timed(
      runner,
      [
        "read",
        "--config",
        config(),
        "--catalog",
        jsonFile("catalog.json", catalog([many[0]!])),
        "--state",
        jsonFile("state.json", state),
      ],
      { timeoutMs: 60_000 },
    );
    expect(result.ms).toBeLessThan(30_000);
    expect(result.code, result.stderr).toBe(0);
    expect(records(result).map((r) => r.data.value)).toEqual(["in 0"]);
    expect([...new Set(states(result).map((s) => s.stream.stream_descriptor.name))]).toEqual([many[0]]);
  }, 90_000);
});
