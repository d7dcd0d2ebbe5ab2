/** Retention removed the data a saved state points at: fail by default, or reset to earliest. */
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
} from "../support/connector.ts";
import { createTopic, deleteRecordsBefore, produce } from "../support/kafka.ts";

let broker: string;
beforeAll(async () => {
  broker = await bootstrap();
});

const stateAt = (topic: string, offset: number) => ({
  type: "STREAM",
  stream: { stream_descriptor: { name: topic }, stream_state: { partitions: { "0": { offset } } } },
});

describe.each(runners)("offsets out of range (%s)", (runner) => {
  test("fails by default naming topic, partition, wanted offset and available range; resets to earliest when asked", async () => {
    const topic = uniqueTopic("retention");
    await createTopic(broker, topic, 1);
    await produce(
      broker,
      topic,
      Array.from({ length: 8 }, (_, i) => ({ partition: 0, value: `m${i}` })),
    );
    await deleteRecordsBefore(broker, topic, 0, 5);
    const cat = jsonFile("catalog.json", catalog([topic]));
    const state = jsonFile("state.json", [stateAt(topic, 2)]);

    const failed = await run(runner, [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: broker }),
      "--catalog",
      cat,
      "--state",
      state,
    ]);
    expect(failed.code).not.toBe(0);
    expect(records(failed)).toEqual([]);
    expect(traces(failed)[0].error.failure_type).toBe("config_error");
    expect(traces(failed)[0].error.message).toBe(
      `state: ${topic} partition 0 wants offset 2, but the partition holds 5..8; retention may have removed it. Set on_offset_out_of_range to earliest to skip ahead`,
    );

    const reset = await run(runner, [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: broker, on_offset_out_of_range: "earliest" }),
      "--catalog",
      cat,
      "--state",
      state,
    ]);
    expectSuccess(reset);
    expect(records(reset).map((r) => [r.data._meta.offset, r.data.value])).toEqual([
      [5, "m5"],
      [6, "m6"],
      [7, "m7"],
    ]);
    const warning = reset.messages.find((m) => m.type === "LOG" && m.log.level === "WARN");
    expect(warning!.log.message).toBe(
      `${topic} partition 0: offset 2 is no longer kept (available 5..8); reset to earliest 5, skipping 3 offsets`,
    );
    expect(states(reset).at(-1)!.stream.stream_state).toEqual({ partitions: { "0": { offset: 8 } } });
  });

  test("a state offset beyond the end of the log is out of range too", async () => {
    const topic = uniqueTopic("beyond-end");
    await createTopic(broker, topic, 1);
    await produce(broker, topic, [{ partition: 0, value: "only" }]);
    const result = await run(runner, [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: broker }),
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
      "--state",
      jsonFile("state.json", stateAt(topic, 50)),
    ]);
    expect(result.code).not.toBe(0);
    expect(traces(result)[0].error.message).toContain(
      `${topic} partition 0 wants offset 50, but the partition holds 0..1`,
    );
  });

  test("a stream the cluster does not have is a config error naming it", async () => {
    const result = await run(runner, [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: broker }),
      "--catalog",
      jsonFile("catalog.json", catalog(["no-such-topic-here"])),
    ]);
    expect(result.code).not.toBe(0);
    expect(traces(result)[0].error).toMatchObject({
      failure_type: "config_error",
      message: 'catalog: stream "no-such-topic-here" has no topic of that name in the cluster',
    });
  });

  test("a stream whose name Kafka does not allow for a topic is the same config error, at once (not retried for the retry budget)", async () => {
    const started = Date.now();
    const result = await run(runner, [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: broker }),
      "--catalog",
      jsonFile("catalog.json", catalog(["no such/topic"])),
    ]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.code).toBe(1);
    expect(traces(result).map((t) => t.error)).toEqual([
      {
        failure_type: "config_error",
        message: 'catalog: stream "no such/topic" has no topic of that name in the cluster',
      },
    ]);
  });
});
