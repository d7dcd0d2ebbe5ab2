/**
 * `read` against the real broker: exact documents in per-partition order, STATE that resumes
 * exactly, recordCount per STATE, each start position, and the STREAM_STATUS sequence — from
 * source and from the binary.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { bootstrap } from "../support/broker.ts";
import {
  catalog,
  expectSuccess,
  jsonFile,
  lastState,
  keyed,
  records,
  run,
  runners,
  states,
  uniqueTopic,
  type Run,
} from "../support/connector.ts";
import { createTopic, produce, type TestMessage } from "../support/kafka.ts";

const t0 = Date.parse("2024-03-01T10:00:00.000Z");

/** Keyed JSON, text, binary values, headers and tombstones over three partitions. */
const firstBatch: TestMessage[] = [
  { partition: 0, key: "acct-1", value: '{"event":"opened","amount":0}', headers: { trace: "t-1" }, timestamp: t0 },
  { partition: 0, key: "acct-1", value: '{"event":"deposited","amount":50}', timestamp: t0 + 1000 },
  { partition: 0, key: "acct-1", value: null, timestamp: t0 + 2000 },
  { partition: 1, key: "greeting", value: "hello, world", timestamp: t0 + 100 },
  { partition: 1, key: '{"id":7}', value: "[1,2,3]", timestamp: t0 + 200 },
  {
    partition: 2,
    key: Buffer.from([0x80, 0x81]),
    value: Buffer.from([0xff, 0x00, 0xfe]),
    headers: { bin: Buffer.from([0xc3, 0x28]), txt: "ok" },
    timestamp: t0 + 300,
  },
];

const meta = (topic: string, partition: number, offset: number, timestamp: number, rest: object) => ({
  topic,
  partition,
  offset,
  timestamp: new Date(timestamp).toISOString(),
  timestamp_type: "create_time",
  headers: [],
  op: "c",
  ...rest,
});

function expectedFirst(topic: string) {
  return [
    {
      event: "opened",
      amount: 0,
      _meta: meta(topic, 0, 0, t0, {
        key: "acct-1",
        key_encoding: "utf-8",
        value_encoding: "json",
        headers: [{ key: "trace", value: "t-1" }],
      }),
    },
    {
      event: "deposited",
      amount: 50,
      _meta: meta(topic, 0, 1, t0 + 1000, { key: "acct-1", key_encoding: "utf-8", value_encoding: "json" }),
    },
    { _meta: meta(topic, 0, 2, t0 + 2000, { key: "acct-1", key_encoding: "utf-8", value_encoding: null, op: "d" }) },
    {
      value: "hello, world",
      _meta: meta(topic, 1, 0, t0 + 100, { key: "greeting", key_encoding: "utf-8", value_encoding: "utf-8" }),
    },
    {
      value: [1, 2, 3],
      _meta: meta(topic, 1, 1, t0 + 200, { key: { id: 7 }, key_encoding: "json", value_encoding: "json" }),
    },
    {
      value: Buffer.from([0xff, 0x00, 0xfe]).toString("base64"),
      _meta: meta(topic, 2, 0, t0 + 300, {
        key: Buffer.from([0x80, 0x81]).toString("base64"),
        key_encoding: "base64",
        value_encoding: "base64",
        headers: [
          { key: "bin", value: Buffer.from([0xc3, 0x28]).toString("base64"), encoding: "base64" },
          { key: "txt", value: "ok" },
        ],
      }),
    },
  ].map(keyed);
}

/** Documents grouped by partition, each partition's in emitted order. */
function byPartition(result: Run) {
  const groups = new Map<number, unknown[]>();
  for (const record of records(result)) {
    const partition = record.data._meta.partition;
    groups.set(partition, [...(groups.get(partition) ?? []), record.data]);
  }
  return groups;
}

function groupExpected(documents: { _meta: { partition: number } }[]) {
  const groups = new Map<number, unknown[]>();
  for (const d of documents) groups.set(d._meta.partition, [...(groups.get(d._meta.partition) ?? []), d]);
  return groups;
}

/** Every STATE's recordCount equals the records of its stream since that stream's previous STATE. */
function expectRecordCountsMatch(result: Run) {
  const since = new Map<string, number>();
  for (const message of result.messages) {
    if (message.type === "RECORD") since.set(message.record.stream, (since.get(message.record.stream) ?? 0) + 1);
    if (message.type === "STATE") {
      const name = message.state.stream.stream_descriptor.name;
      expect(message.state.sourceStats.recordCount).toBe(since.get(name) ?? 0);
      since.set(name, 0);
    }
  }
}

const finalState = (result: Run) => lastState(result.messages)?.state;

let broker: string;
beforeAll(async () => {
  broker = await bootstrap();
});

describe.each(runners)("read (%s)", (runner) => {
  test("emits the exact documents in per-partition order, then a STATE that resumes exactly", async () => {
    const topic = uniqueTopic("read-exact");
    await createTopic(broker, topic, 3);
    await produce(broker, topic, firstBatch);
    const config = jsonFile("config.json", { bootstrap_servers: broker });
    const first = await run(runner, [
      "read",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);
    expect(first.stderr).not.toContain("ERROR");
    expectSuccess(first);
    expect(byPartition(first)).toEqual(groupExpected(expectedFirst(topic)));
    for (const record of records(first)) {
      expect(record.stream).toBe(topic);
      expect(typeof record.emitted_at).toBe("number");
    }
    expect(finalState(first)).toEqual({
      type: "STREAM",
      stream: {
        stream_descriptor: { name: topic },
        stream_state: { partitions: { "0": { offset: 3 }, "1": { offset: 2 }, "2": { offset: 1 } } },
      },
      sourceStats: expect.any(Object),
    });
    expectRecordCountsMatch(first);

    // The second read, from that state, sees only what was produced after it.
    await produce(broker, topic, [
      { partition: 1, key: "later", value: '{"event":"withdrawn","amount":20}', timestamp: t0 + 5000 },
      { partition: 2, key: null, value: "tail", timestamp: t0 + 6000 },
    ]);
    const stateFile = jsonFile(
      "state.json",
      states(first).map((state) => ({ type: "STATE", state })),
    );
    const second = await run(runner, [
      "read",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
      "--state",
      stateFile,
    ]);
    expectSuccess(second);
    const secondDocuments = records(second)
      .map((r) => r.data)
      .sort((a, b) => a._meta.partition - b._meta.partition);
    expect(secondDocuments).toEqual(
      [
        {
          event: "withdrawn",
          amount: 20,
          _meta: meta(topic, 1, 2, t0 + 5000, { key: "later", key_encoding: "utf-8", value_encoding: "json" }),
        },
        {
          value: "tail",
          _meta: meta(topic, 2, 1, t0 + 6000, { key: null, key_encoding: null, value_encoding: "utf-8" }),
        },
      ].map(keyed),
    );
    expect(finalState(second)!.stream.stream_state).toEqual({
      partitions: { "0": { offset: 3 }, "1": { offset: 3 }, "2": { offset: 2 } },
    });
    expectRecordCountsMatch(second);

    // A third read from the newest state (given as one message, not an array) emits nothing new.
    const third = await run(runner, [
      "read",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
      "--state",
      jsonFile("state.json", { type: "STATE", state: finalState(second) }),
    ]);
    expectSuccess(third);
    expect(records(third)).toEqual([]);
    expect(finalState(third)!.stream.stream_state).toEqual(finalState(second)!.stream.stream_state);
    expect(finalState(third)!.sourceStats.recordCount).toBe(0);
  });

  test("start position latest reads nothing of the backlog and resumes from the end", async () => {
    const topic = uniqueTopic("read-latest");
    await createTopic(broker, topic, 2);
    await produce(broker, topic, [
      { partition: 0, value: "old-0", timestamp: t0 },
      { partition: 1, value: "old-1", timestamp: t0 },
    ]);
    const config = jsonFile("config.json", { bootstrap_servers: broker, start_position: "latest" });
    const first = await run(runner, [
      "read",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);
    expectSuccess(first);
    expect(records(first)).toEqual([]);
    expect(finalState(first)!.stream.stream_state).toEqual({ partitions: { "0": { offset: 1 }, "1": { offset: 1 } } });

    await produce(broker, topic, [{ partition: 1, value: "new-1", timestamp: t0 + 1 }]);
    const second = await run(runner, [
      "read",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
      "--state",
      jsonFile("state.json", states(first)),
    ]);
    expect(records(second).map((r) => [r.data._meta.partition, r.data._meta.offset, r.data.value])).toEqual([
      [1, 1, "new-1"],
    ]);
  });

  test("start position timestamp starts each partition at the first message at or after it", async () => {
    const topic = uniqueTopic("read-timestamp");
    await createTopic(broker, topic, 2);
    await produce(broker, topic, [
      { partition: 0, value: "a", timestamp: t0 },
      { partition: 0, value: "b", timestamp: t0 + 10_000 },
      { partition: 0, value: "c", timestamp: t0 + 20_000 },
      { partition: 1, value: "d", timestamp: t0 + 5_000 },
    ]);
    const config = jsonFile("config.json", {
      bootstrap_servers: broker,
      start_position: "timestamp",
      start_timestamp: new Date(t0 + 10_000).toISOString(),
    });
    const result = await run(runner, [
      "read",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);
    expectSuccess(result);
    expect(records(result).map((r) => [r.data._meta.partition, r.data._meta.offset, r.data.value])).toEqual([
      [0, 1, "b"],
      [0, 2, "c"],
    ]);
    // Partition 1 has nothing that recent: it starts at its end.
    expect(finalState(result)!.stream.stream_state).toEqual({ partitions: { "0": { offset: 3 }, "1": { offset: 1 } } });
  });

  test("start position earliest is the default and reads every partition from its start", async () => {
    const topic = uniqueTopic("read-earliest");
    await createTopic(broker, topic, 2);
    await produce(broker, topic, [
      { partition: 0, value: "x", timestamp: t0 },
      { partition: 1, value: "y", timestamp: t0 },
    ]);
    const result = await run(runner, [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: broker, start_position: "earliest" }),
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);
    expect(
      records(result)
        .map((r) => [r.data._meta.partition, r.data.value])
        .sort(),
    ).toEqual([
      [0, "x"],
      [1, "y"],
    ]);
  });

  test("STREAM_STATUS: STARTED, RUNNING just before a stream's first RECORD and once per read, then COMPLETE", async () => {
    const busy = uniqueTopic("status-busy");
    const quiet = uniqueTopic("status-quiet");
    const empty = uniqueTopic("status-empty");
    await createTopic(broker, busy, 4);
    await createTopic(broker, quiet, 1);
    await createTopic(broker, empty, 1);
    // Small batches from two workers: the streams' records interleave over many batches.
    await produce(
      broker,
      busy,
      Array.from({ length: 400 }, (_, i) => ({ partition: i % 4, value: `{"i":${i}}`, timestamp: t0 + i })),
    );
    await produce(broker, quiet, [{ partition: 0, value: '{"only":1}', timestamp: t0 }]);
    const config = jsonFile("config.json", { bootstrap_servers: broker, workers: 2, checkpoint_records: 10 });
    const read = (state?: string) =>
      run(runner, [
        "read",
        "--config",
        config,
        "--catalog",
        jsonFile("catalog.json", catalog([busy, quiet, empty])),
        ...(state ? ["--state", state] : []),
      ]);
    // Per stream: its statuses and where its first record falls among them.
    const sequence = (result: Run, stream: string) =>
      result.messages.flatMap((m) => {
        if (m.type === "RECORD" && m.record.stream === stream) return ["RECORD"];
        if (
          m.type === "TRACE" &&
          m.trace.type === "STREAM_STATUS" &&
          m.trace.stream_status.stream_descriptor.name === stream
        )
          return [m.trace.stream_status.status];
        return [];
      });
    const collapsed = (items: string[]) => items.filter((item, i) => item !== "RECORD" || items[i - 1] !== "RECORD");

    const first = await read();
    expectSuccess(first);
    expect(collapsed(sequence(first, quiet))).toEqual(["STARTED", "RUNNING", "RECORD", "COMPLETE"]);
    expect(collapsed(sequence(first, empty))).toEqual(["STARTED", "COMPLETE"]);
    const busySequence = sequence(first, busy);
    expect(busySequence.filter((item) => item === "RECORD")).toHaveLength(400);
    expect(collapsed(busySequence)).toEqual(["STARTED", "RUNNING", "RECORD", "COMPLETE"]);
    // run() has checked every line, RUNNING too, against the protocol's AirbyteMessage schema.

    // A read from the final state has no records, and so no RUNNING.
    await produce(broker, quiet, [{ partition: 0, value: '{"later":2}', timestamp: t0 + 1 }]);
    const second = await read(
      jsonFile(
        "state.json",
        states(first).map((state) => ({ type: "STATE", state })),
      ),
    );
    expectSuccess(second);
    expect(collapsed(sequence(second, busy))).toEqual(["STARTED", "COMPLETE"]);
    expect(collapsed(sequence(second, quiet))).toEqual(["STARTED", "RUNNING", "RECORD", "COMPLETE"]);
  });
});
