/**
 * Tail mode against the real broker: records produced while tailing appear promptly, a partition
 * added while tailing is read, and SIGTERM leaves a final STATE that resumes without gaps.
 */
import { until } from "../support/wait.ts";
import { beforeAll, describe, expect, test } from "bun:test";
import { bootstrap } from "../support/broker.ts";
import {
  catalog,
  expectSuccess,
  jsonFile,
  parseProtocol,
  records,
  run,
  runners,
  uniqueTopic,
  type Message,
} from "../support/connector.ts";
import { addPartitions, createTopic, deleteTopic, produce } from "../support/kafka.ts";
import { startLive, type Live } from "../support/process.ts";

let broker: string;
beforeAll(async () => {
  broker = await bootstrap();
});

/** Waits until `predicate` holds over the live output; fails at once if the connector exits. */
function untilLive(live: Live, what: string, predicate: (live: Live) => boolean, ms = 30_000): Promise<void> {
  const ready = () => {
    const code = live.exitCode();
    if (code !== null) throw new Error(`connector exited (${code}) while waiting for ${what}`);
    return predicate(live);
  };
  return until(what, ready, ms, () => `output so far:\n${live.lines.slice(-5).join("\n")}`);
}

/** The live output so far, each line checked against the Airbyte protocol. */
const messagesOf = (live: Live): Message[] => parseProtocol(live.lines.join("\n"));

const recordKeys = (live: Live) =>
  messagesOf(live)
    .filter((m) => m.type === "RECORD")
    .map((m) => `${m.record.data._meta.partition}/${m.record.data._meta.offset}/${m.record.data.value}`);

describe.each(runners)("tail (%s)", (runner) => {
  test("reads records produced while tailing, picks up a new partition, and stops on SIGTERM with a final STATE that resumes", async () => {
    const topic = uniqueTopic("tail");
    await createTopic(broker, topic, 2);
    await produce(broker, topic, [{ partition: 0, value: "before" }]);
    const config = jsonFile("config.json", {
      bootstrap_servers: broker,
      metadata_refresh_ms: 500,
      checkpoint_interval_ms: 200,
    });
    const live = startLive(runner, [
      "read",
      "--tail",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);

    await untilLive(live, "the backlog", (l) => recordKeys(l).includes("0/0/before"));

    // Produced while tailing: on stdout within a bound that leaves room for a loaded machine.
    const producedAt = Date.now();
    await produce(broker, topic, [{ partition: 1, value: "while-tailing" }]);
    await untilLive(
      live,
      "a record produced while tailing",
      (l) => recordKeys(l).includes("1/0/while-tailing"),
      10_000,
    );
    expect(Date.now() - producedAt).toBeLessThan(10_000);

    // A partition added while tailing is found on a metadata refresh and read from its start.
    await addPartitions(broker, topic, 3);
    await produce(broker, topic, [{ partition: 2, value: "new-partition" }]);
    await untilLive(live, "the new partition's record", (l) => recordKeys(l).includes("2/0/new-partition"), 20_000);

    // When idle, the timer checkpoints what was written.
    await untilLive(live, "an idle checkpoint", (l) => {
      const last = messagesOf(l)
        .filter((m) => m.type === "STATE")
        .at(-1);
      return (
        JSON.stringify(last?.state.stream.stream_state) ===
        JSON.stringify({ partitions: { "0": { offset: 1 }, "1": { offset: 1 }, "2": { offset: 1 } } })
      );
    });

    live.kill("SIGTERM");
    const { code } = await live.finished;
    expect(code).toBe(0);
    const messages = messagesOf(live);
    const final = messages.filter((m) => m.type === "STATE").at(-1)!.state;
    expect(final.stream.stream_state).toEqual({
      partitions: { "0": { offset: 1 }, "1": { offset: 1 }, "2": { offset: 1 } },
    });
    expect(messages.at(-1)).toMatchObject({
      type: "TRACE",
      trace: { type: "STREAM_STATUS", stream_status: { status: "COMPLETE" } },
    });
    expect(recordKeys(live).sort()).toEqual(["0/0/before", "1/0/while-tailing", "2/0/new-partition"]);

    // Resuming from that STATE reads exactly what came after it.
    await produce(broker, topic, [
      { partition: 2, value: "after" },
      { partition: 0, value: "after-0" },
    ]);
    const resumed = await run(runner, [
      "read",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
      "--state",
      jsonFile("state.json", final),
    ]);
    expectSuccess(resumed);
    expect(
      records(resumed)
        .map((r) => `${r.data._meta.partition}/${r.data._meta.offset}/${r.data.value}`)
        .sort(),
    ).toEqual(["0/1/after-0", "2/1/after"]);
  });

  test("a topic deleted and created again while tailing is followed: the new topic from its start, in STATE too", async () => {
    const topic = uniqueTopic("tail-recreated");
    await createTopic(broker, topic, 2);
    await produce(
      broker,
      topic,
      [0, 1, 2].map((i) => ({ partition: 0, value: `old-${i}` })),
    );
    const config = jsonFile("config.json", {
      bootstrap_servers: broker,
      metadata_refresh_ms: 500,
      checkpoint_interval_ms: 200,
    });
    const live = startLive(runner, [
      "read",
      "--tail",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);
    await untilLive(live, "the old topic's records", (l) => recordKeys(l).includes("0/2/old-2"));

    await deleteTopic(broker, topic);
    // The name is free again once the broker has finished deleting.
    for (let attempt = 0; ; attempt++) {
      const created = await createTopic(broker, topic, 2).then(
        () => true,
        (error) => (attempt < 100 ? false : Promise.reject(error)),
      );
      if (created) break;
      await Bun.sleep(100);
    }
    await produce(broker, topic, [
      { partition: 1, value: "new-a" },
      { partition: 1, value: "new-b" },
    ]);
    await untilLive(live, "the new topic's records", (l) => recordKeys(l).includes("1/1/new-b"), 20_000);
    await untilLive(live, "a STATE of the new topic", (l) => {
      const last = messagesOf(l)
        .filter((m) => m.type === "STATE")
        .at(-1);
      return (
        JSON.stringify(last?.state.stream.stream_state) ===
        JSON.stringify({ partitions: { "0": { offset: 0 }, "1": { offset: 2 } } })
      );
    });

    live.kill("SIGTERM");
    expect((await live.finished).code).toBe(0);
    const messages = messagesOf(live);
    expect(messages.filter((m) => m.type === "TRACE" && m.trace.type === "ERROR")).toEqual([]);
    expect(
      messages.some(
        (m) =>
          m.type === "LOG" &&
          m.log.level === "WARN" &&
          m.log.message.includes(`topic ${topic} was deleted and created again`),
      ),
    ).toBe(true);
    expect(recordKeys(live)).toEqual(["0/0/old-0", "0/1/old-1", "0/2/old-2", "1/0/new-a", "1/1/new-b"]);
    expect(messages.filter((m) => m.type === "STATE").at(-1)!.state.stream.stream_state).toEqual({
      partitions: { "0": { offset: 0 }, "1": { offset: 2 } },
    });
    expect(messages.at(-1)).toMatchObject({
      type: "TRACE",
      trace: { type: "STREAM_STATUS", stream_status: { status: "COMPLETE" } },
    });
  }, 60_000);
});
