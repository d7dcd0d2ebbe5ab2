/**
 * The decode policy against real messages: with a format the message does not fit, the default
 * `fail` stops the read with an error naming topic, partition and offset and never checkpoints
 * past the message; `emit_raw` emits it as base64 with `_meta.decode_error` and completes — and
 * resumes exactly from the failed read's last STATE.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { bootstrap } from "../support/broker.ts";
import {
  catalog,
  expectSuccess,
  jsonFile,
  records,
  run,
  runners,
  states,
  traces,
  uniqueTopic,
  type Run,
} from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";

let broker: string;
beforeAll(async () => {
  broker = await bootstrap();
});

const read = (runner: (typeof runners)[number], topic: string, config: object, state?: Run) =>
  run(runner, [
    "read",
    "--config",
    jsonFile("config.json", { bootstrap_servers: broker, ...config }),
    "--catalog",
    jsonFile("catalog.json", catalog([topic])),
    ...(state
      ? [
          "--state",
          jsonFile(
            "state.json",
            states(state).map((s) => ({ type: "STATE", state: s })),
          ),
        ]
      : []),
  ]);

/** Offsets of partition `p` the run emitted, in order. */
const offsetsOf = (result: Run, p: number) =>
  records(result)
    .filter((r) => r.data._meta.partition === p)
    .map((r) => r.data._meta.offset);

/**
 * Every STATE is a sound resume point: each partition's offset is at most `limit` (the bad
 * message is never checkpointed past) and every offset below it, from where the run started,
 * was emitted before that STATE.
 */
function expectStatesConsistent(result: Run, start: Record<string, number>, limit: Record<string, number>) {
  const seen = new Map<string, Set<number>>();
  for (const message of result.messages) {
    if (message.type === "RECORD") {
      const key = String(message.record.data._meta.partition);
      seen.set(key, (seen.get(key) ?? new Set()).add(message.record.data._meta.offset));
    }
    if (message.type !== "STATE") continue;
    for (const [partition, { offset }] of Object.entries(
      message.state.stream.stream_state.partitions as Record<string, { offset: number }>,
    )) {
      expect(offset).toBeLessThanOrEqual(limit[partition]!);
      for (let o = start[partition]!; o < offset; o++) expect(seen.get(partition)?.has(o)).toBe(true);
    }
  }
}

describe.each(runners)("decode policy (%s)", (runner) => {
  test("value_format json: a non-JSON value fails the read by default, and emit_raw resumes from its last STATE", async () => {
    const topic = uniqueTopic("decode-json");
    await createTopic(broker, topic, 2);
    await produce(broker, topic, [
      { partition: 0, key: "a", value: '{"n":0}' },
      { partition: 0, key: "b", value: '{"n":1}' },
      { partition: 1, key: "c", value: '{"n":10}' },
    ]);
    // A first clean read leaves a STATE at offset 2 of partition 0.
    const clean = await read(runner, topic, { value_format: "json" });
    expectSuccess(clean);
    await produce(broker, topic, [
      { partition: 0, key: "bad", value: "not json, just text" }, // offset 2
      { partition: 0, key: "d", value: '{"n":3}' },
      { partition: 1, key: "e", value: '{"n":11}' },
    ]);

    const failed = await read(runner, topic, { value_format: "json", checkpoint_records: 1 }, clean);
    expect(failed.code).not.toBe(0);
    const [error] = traces(failed);
    expect(error.error.failure_type).toBe("config_error");
    expect(error.error.message).toContain(`value of ${topic} partition 0 offset 2 is not valid JSON`);
    expect(failed.stderr).toContain(`${topic} partition 0 offset 2`);
    // Nothing at or after the bad offset was emitted or checkpointed.
    expect(offsetsOf(failed, 0)).toEqual([]);
    expectStatesConsistent(failed, { "0": 2, "1": 1 }, { "0": 2, "1": 2 });

    // From the failed read's last STATE (or the clean one's, if it wrote none), emit_raw completes.
    const resumeFrom = states(failed).length > 0 ? failed : clean;
    const raw = await read(runner, topic, { value_format: "json", on_decode_error: "emit_raw" }, resumeFrom);
    expectSuccess(raw);
    const partition0 = records(raw)
      .map((r) => r.data)
      .filter((d) => d._meta.partition === 0);
    expect(partition0).toEqual([
      {
        value: Buffer.from("not json, just text").toString("base64"),
        _kafka_partition: 0,
        _kafka_offset: 2,
        _meta: expect.objectContaining({
          offset: 2,
          key: "bad",
          key_encoding: "utf-8",
          value_encoding: "base64",
          decode_error: `value of ${topic} partition 0 offset 2 is not valid JSON (format json)`,
        }),
      },
      {
        n: 3,
        _kafka_partition: 0,
        _kafka_offset: 3,
        _meta: expect.objectContaining({ offset: 3, key: "d", value_encoding: "json" }),
      },
    ]);
    expect(partition0[1]._meta.decode_error).toBeUndefined();
    expect(states(raw).at(-1).stream.stream_state.partitions).toEqual({ "0": { offset: 4 }, "1": { offset: 2 } });
  });

  test("value_format text: invalid UTF-8 fails by default and is emitted raw with emit_raw", async () => {
    const topic = uniqueTopic("decode-text");
    await createTopic(broker, topic, 1);
    const invalid = Buffer.from([0x68, 0x69, 0xc3, 0x28, 0xff]);
    await produce(broker, topic, [
      { partition: 0, key: "ok", value: "plain text" },
      { partition: 0, key: "bad", value: invalid },
      { partition: 0, key: "after", value: '{"still":"text"}' },
    ]);

    const failed = await read(runner, topic, { value_format: "text" });
    expect(failed.code).not.toBe(0);
    expect(traces(failed)[0].error).toMatchObject({
      failure_type: "config_error",
      message: expect.stringContaining(`value of ${topic} partition 0 offset 1 is not valid UTF-8 (format text)`),
    });
    expect(offsetsOf(failed, 0).every((o) => o < 1)).toBe(true);
    expectStatesConsistent(failed, { "0": 0 }, { "0": 1 });

    const raw = await read(runner, topic, { value_format: "text", on_decode_error: "emit_raw" });
    expectSuccess(raw);
    expect(records(raw).map((r) => [r.data.value, r.data._meta.value_encoding, r.data._meta.decode_error])).toEqual([
      ["plain text", "utf-8", undefined],
      [invalid.toString("base64"), "base64", `value of ${topic} partition 0 offset 1 is not valid UTF-8 (format text)`],
      ['{"still":"text"}', "utf-8", undefined],
    ]);
    expect(states(raw).at(-1).stream.stream_state.partitions).toEqual({ "0": { offset: 3 } });
  });
});
