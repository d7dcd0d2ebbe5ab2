/**
 * SIGTERM and SIGINT end `read`, `discover` and `check` promptly whenever they come. Once a read
 * is planned — the moment planning is done (before the worker pool exists), in the middle of a
 * batch read, while writing the final STATE — a clean end is exit 0 with a final STATE naming
 * exactly what was written. Before that — validating the inputs, reading metadata and offsets,
 * waiting for an unreachable cluster — nothing was read: exit 1, a transient_error saying so, and
 * no STATE. discover and check end the same way, with no CATALOG or CONNECTION_STATUS.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { bootstrap } from "../support/broker.ts";
import { closedPort, silentBroker } from "../support/net.ts";
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
  type Runner,
} from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";
import { handles, startLive, type Live } from "../support/process.ts";

let broker: string;
beforeAll(async () => {
  broker = await bootstrap();
});

/**
 * Starts a read and sends `signal` the instant a stdout line matches `pattern` (from the line
 * callback, not a poll), so that the signal lands as close to that moment as a user's could.
 */
function signalOnLine(
  runner: Runner,
  args: string[],
  pattern: RegExp,
  signal: NodeJS.Signals,
  bytesPerSecond?: number,
): Live & { sentAt: () => number } {
  let sentAt = 0;
  const live: Live = startLive(runner, args, {
    bytesPerSecond,
    onLine: (line) => {
      if (sentAt !== 0 || !pattern.test(line)) return;
      sentAt = Date.now();
      live.kill(signal);
    },
  });
  return Object.assign(live, { sentAt: () => sentAt });
}

/** The LOG line written once the read is planned, before STARTED and before any worker exists. */
const planned = /"message":"reading \d+ partitions/;

/**
 * Starts the connector and sends `signal` once it handles it (and `afterMs` more), to reach a
 * phase with no output of its own; `gone` is how long the process took to end after the signal.
 */
function signalWhenListening(runner: Runner, args: string[], signal: NodeJS.Signals, afterMs = 0) {
  const live = startLive(runner, args);
  const ended = (async () => {
    await handles(live.pid, signal);
    await Bun.sleep(afterMs);
    const sentAt = Date.now();
    live.kill(signal);
    const result = await live.finished;
    return { ...result, gone: Date.now() - sentAt };
  })();
  return { live, ended };
}

/** How soon a signalled process must be gone: seconds, generously for a loaded 2-core machine. */
const promptlyMs = 5_000;

const messagesOf = (live: Live): Message[] => parseProtocol(live.lines.join("\n"));
const errorsOf = (messages: Message[]) =>
  messages.filter((m) => m.type === "TRACE" && m.trace.type === "ERROR").map((m) => m.trace.error);
const finalStatus = (messages: Message[]) =>
  messages.filter((m) => m.type === "TRACE" && m.trace.type === "STREAM_STATUS").at(-1)?.trace.stream_status.status;

describe.each(runners)("signals (%s)", (runner) => {
  test("SIGTERM as soon as a batch read is planned: exit 0, a final STATE of exactly what was written, INCOMPLETE, and a resume reads the rest", async () => {
    const topic = uniqueTopic("signal-batch");
    await createTopic(broker, topic, 2);
    // ~4 MB in Kafka: many fetches, so that the signal lands with most of them still to come.
    const produced = Array.from({ length: 20_000 }, (_, i) => ({
      partition: i % 2,
      value: `v${i} ${"x".repeat(200)}`,
    }));
    for (let i = 0; i < produced.length; i += 2000) await produce(broker, topic, produced.slice(i, i + 2000));
    const config = jsonFile("config.json", { bootstrap_servers: broker });
    const streams = jsonFile("catalog.json", catalog([topic]));

    // stdout read at 2 MB/s (the output is ~9 MB): the read cannot be over before the signal lands.
    const live = signalOnLine(
      runner,
      ["read", "--config", config, "--catalog", streams],
      planned,
      "SIGTERM",
      2_000_000,
    );
    const { code, stderr } = await live.finished;
    expect(code, stderr).toBe(0);
    const messages = messagesOf(live);
    expect(messages.filter((m) => m.type === "TRACE" && m.trace.type === "ERROR")).toEqual([]);
    expect(finalStatus(messages)).toBe("INCOMPLETE");

    // What was written is a prefix of each partition, and the final STATE points just past it.
    const written = messages.filter((m) => m.type === "RECORD").map((m) => m.record.data._meta);
    expect(written.length).toBeLessThan(20_000);
    const next: Record<string, { offset: number }> = { "0": { offset: 0 }, "1": { offset: 0 } };
    for (const meta of written) {
      expect(meta.offset).toBe(next[String(meta.partition)]?.offset);
      next[String(meta.partition)] = { offset: meta.offset + 1 };
    }
    const final = messages.filter((m) => m.type === "STATE").at(-1)!.state;
    expect(final.stream.stream_state).toEqual({ partitions: next });

    // Resuming from it reads exactly the rest: no record twice, none missing.
    const resumed = await run(runner, [
      "read",
      "--config",
      config,
      "--catalog",
      streams,
      "--state",
      jsonFile("state.json", final),
    ]);
    expectSuccess(resumed);
    const all = [...written, ...records(resumed).map((r) => r.data._meta)]
      .map((m) => `${m.partition}/${m.offset}`)
      .sort();
    const expected = [0, 1].flatMap((p) => Array.from({ length: 10_000 }, (_, o) => `${p}/${o}`)).sort();
    expect(all).toEqual(expected);
  }, 60_000);

  test("SIGTERM mid-read with stdout read slowly: the stop takes the batch being written, drops the rest after 3 s, and ends with a STATE of exactly what was written", async () => {
    const topic = uniqueTopic("signal-slow");
    await createTopic(broker, topic, 2);
    const produced = Array.from({ length: 20_000 }, (_, i) => ({
      partition: i % 2,
      value: `v${i} ${"x".repeat(200)}`,
    }));
    for (let i = 0; i < produced.length; i += 2000) await produce(broker, topic, produced.slice(i, i + 2000));
    const config = jsonFile("config.json", { bootstrap_servers: broker });
    // At 250 kB/s the batches in flight (up to 4 of ~1 MB per worker) would take half a minute to
    // write; the stop waits 3 s, then only for the one being written.
    const live = signalOnLine(
      runner,
      ["read", "--config", config, "--catalog", jsonFile("catalog.json", catalog([topic]))],
      /"type":"RECORD"/,
      "SIGTERM",
      250_000,
    );
    const { code, stderr } = await live.finished;
    expect(Date.now() - live.sentAt()).toBeLessThan(15_000);
    expect(code, stderr).toBe(0);
    const messages = messagesOf(live);
    expect(errorsOf(messages)).toEqual([]);
    expect(
      messages.some((m) => m.type === "LOG" && m.log.message.includes("batches not yet written are dropped")),
    ).toBe(true);
    expect(finalStatus(messages)).toBe("INCOMPLETE");
    const next: Record<string, { offset: number }> = { "0": { offset: 0 }, "1": { offset: 0 } };
    for (const meta of messages.filter((m) => m.type === "RECORD").map((m) => m.record.data._meta)) {
      expect(meta.offset).toBe(next[String(meta.partition)]?.offset);
      next[String(meta.partition)] = { offset: meta.offset + 1 };
    }
    expect(messages.filter((m) => m.type === "STATE").at(-1)!.state.stream.stream_state).toEqual({ partitions: next });
  }, 60_000);

  test("SIGINT as soon as a tail is planned, with nothing to read: exit 0, a final STATE, COMPLETE", async () => {
    const topic = uniqueTopic("signal-tail");
    await createTopic(broker, topic, 1);
    const live = signalOnLine(
      runner,
      [
        "read",
        "--tail",
        "--config",
        jsonFile("config.json", { bootstrap_servers: broker }),
        "--catalog",
        jsonFile("catalog.json", catalog([topic])),
      ],
      planned,
      "SIGINT",
    );
    const { code, stderr } = await live.finished;
    expect(code, stderr).toBe(0);
    const messages = messagesOf(live);
    expect(messages.filter((m) => m.type === "STATE").at(-1)!.state.stream.stream_state).toEqual({
      partitions: { "0": { offset: 0 } },
    });
    expect(finalStatus(messages)).toBe("COMPLETE");
  });

  test("SIGTERM while waiting for an unreachable cluster stops the wait: a transient_error saying so, long before the retry budget", async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const config = { bootstrap_servers: address, connect_timeout_ms: 1000, retry_budget_ms: 600_000 };
    const live = signalOnLine(
      runner,
      ["read", "--config", jsonFile("config.json", config), "--catalog", jsonFile("catalog.json", catalog(["events"]))],
      /planning the read failed/,
      "SIGTERM",
    );
    const { code } = await live.finished;
    expect(code).toBe(1);
    const errors = errorsOf(messagesOf(live));
    expect(errors).toHaveLength(1);
    expect(errors[0].failure_type).toBe("transient_error");
    expect(errors[0].message).toStartWith(
      "read stopped by SIGTERM before the cluster could be reached; nothing was read (last try: ",
    );
    expect(errors[0].message).toContain(address);
    expect(messagesOf(live).filter((m) => m.type === "STATE")).toEqual([]);
  });

  test("SIGTERM while starting and validating a state of 300,000 partitions: gone within seconds, exit 1, a transient_error, no STATE", async () => {
    const partitions = Object.fromEntries(Array.from({ length: 300_000 }, (_, p) => [String(p), { offset: p }]));
    const state = { type: "STREAM", stream: { stream_descriptor: { name: "events" }, stream_state: { partitions } } };
    const { live, ended } = signalWhenListening(
      runner,
      [
        "read",
        "--config",
        jsonFile("config.json", { bootstrap_servers: broker }),
        "--catalog",
        jsonFile("catalog.json", catalog(["events"])),
        "--state",
        jsonFile("state.json", state),
      ],
      "SIGTERM",
    );
    const { code, gone } = await ended;
    expect(gone).toBeLessThan(promptlyMs);
    expect(code).toBe(1);
    const messages = messagesOf(live);
    expect(errorsOf(messages)).toEqual([
      { failure_type: "transient_error", message: "read stopped by SIGTERM before it began; nothing was read" },
    ]);
    expect(messages.filter((m) => m.type !== "TRACE")).toEqual([]);
  });

  test("SIGTERM while reading metadata from a broker that never answers: gone within seconds, exit 1, a transient_error", async () => {
    const silent = await silentBroker();
    try {
      const config = { bootstrap_servers: silent.address, connect_timeout_ms: 30_000, retry_budget_ms: 600_000 };
      const { live, ended } = signalWhenListening(
        runner,
        [
          "read",
          "--config",
          jsonFile("config.json", config),
          "--catalog",
          jsonFile("catalog.json", catalog(["events"])),
        ],
        "SIGTERM",
        1000,
      );
      const { code, gone } = await ended;
      expect(gone).toBeLessThan(promptlyMs);
      expect(code).toBe(1);
      expect(errorsOf(messagesOf(live))).toEqual([
        { failure_type: "transient_error", message: "read stopped by SIGTERM before it began; nothing was read" },
      ]);
      expect(messagesOf(live).filter((m) => m.type === "STATE")).toEqual([]);
    } finally {
      silent.close();
    }
  });

  test("SIGTERM while checking a catalog of 2,000 streams with no topic: gone within seconds, exit 1, stopped or the config_error", async () => {
    const missing = Array.from({ length: 2000 }, (_, i) => uniqueTopic(`missing-${i}`));
    const { live, ended } = signalWhenListening(
      runner,
      [
        "read",
        "--config",
        jsonFile("config.json", { bootstrap_servers: broker }),
        "--catalog",
        jsonFile("catalog.json", catalog(missing)),
      ],
      "SIGTERM",
    );
    const { code, gone } = await ended;
    expect(gone).toBeLessThan(promptlyMs);
    expect(code).toBe(1);
    // The lookup is one request: the signal may land before or after its answer.
    const [error, ...more] = errorsOf(messagesOf(live));
    expect(more).toEqual([]);
    const answered = `catalog: 2000 streams have no topic of that name in the cluster: ${missing
      .slice(0, 5)
      .map((n) => JSON.stringify(n))
      .join(", ")} and 1995 more`;
    expect([
      { failure_type: "transient_error", message: "read stopped by SIGTERM before it began; nothing was read" },
      { failure_type: "config_error", message: answered },
    ]).toContainEqual(error);
  });

  test("SIGTERM while the final STATE is written: exit 0, that STATE whole, COMPLETE (every partition was read to its end)", async () => {
    const topic = uniqueTopic("signal-final");
    await createTopic(broker, topic, 2);
    await produce(
      broker,
      topic,
      Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `v${i}` })),
    );
    const streams = jsonFile("catalog.json", catalog([topic]));
    const config = jsonFile("config.json", { bootstrap_servers: broker, checkpoint_interval_ms: 600_000 });
    // With checkpoints only at the end, the first STATE line is the final one.
    const live = signalOnLine(runner, ["read", "--config", config, "--catalog", streams], /"type":"STATE"/, "SIGTERM");
    const { code, stderr } = await live.finished;
    expect(live.sentAt()).toBeGreaterThan(0);
    expect(Date.now() - live.sentAt()).toBeLessThan(promptlyMs);
    expect(code, stderr).toBe(0);
    const messages = messagesOf(live);
    expect(errorsOf(messages)).toEqual([]);
    expect(messages.filter((m) => m.type === "RECORD")).toHaveLength(10);
    expect(messages.filter((m) => m.type === "STATE").map((m) => m.state.stream.stream_state)).toEqual([
      { partitions: { "0": { offset: 5 }, "1": { offset: 5 } } },
    ]);
    expect(finalStatus(messages)).toBe("COMPLETE");
  });

  test("SIGTERM while discover waits for a broker that never answers: gone within seconds, exit 1, a transient_error, no CATALOG", async () => {
    const silent = await silentBroker();
    try {
      const config = { bootstrap_servers: silent.address, connect_timeout_ms: 30_000 };
      const { live, ended } = signalWhenListening(
        runner,
        ["discover", "--config", jsonFile("config.json", config)],
        "SIGTERM",
        1000,
      );
      const { code, gone } = await ended;
      expect(gone).toBeLessThan(promptlyMs);
      expect(code).toBe(1);
      expect(messagesOf(live)).toEqual([
        expect.objectContaining({
          type: "TRACE",
          trace: expect.objectContaining({
            type: "ERROR",
            error: {
              failure_type: "transient_error",
              message: "discover stopped by SIGTERM before the catalog was complete; no CATALOG was written",
            },
          }),
        }),
      ]);
    } finally {
      silent.close();
    }
  });

  test("SIGINT while check waits for a broker that never answers: gone within seconds, exit 1, a transient_error, no CONNECTION_STATUS", async () => {
    const silent = await silentBroker();
    try {
      const config = { bootstrap_servers: silent.address, connect_timeout_ms: 30_000 };
      const { live, ended } = signalWhenListening(
        runner,
        ["check", "--config", jsonFile("config.json", config)],
        "SIGINT",
        1000,
      );
      const { code, gone } = await ended;
      expect(gone).toBeLessThan(promptlyMs);
      expect(code).toBe(1);
      expect(messagesOf(live)).toEqual([
        expect.objectContaining({
          type: "TRACE",
          trace: expect.objectContaining({
            type: "ERROR",
            error: {
              failure_type: "transient_error",
              message: "check stopped by SIGINT before it finished; the connection was not judged",
            },
          }),
        }),
      ]);
    } finally {
      silent.close();
    }
  });

  test("SIGTERM while discover samples the cluster's topics: gone within seconds, and either a CATALOG (exit 0) or stopped (exit 1)", async () => {
    const { live, ended } = signalWhenListening(
      runner,
      ["discover", "--config", jsonFile("config.json", { bootstrap_servers: broker })],
      "SIGTERM",
      300,
    );
    const { code, gone } = await ended;
    expect(gone).toBeLessThan(promptlyMs);
    const messages = messagesOf(live);
    if (code === 0) expect(messages.map((m) => m.type)).toContain("CATALOG");
    else {
      expect(code).toBe(1);
      expect(errorsOf(messages)).toEqual([
        {
          failure_type: "transient_error",
          message: "discover stopped by SIGTERM before the catalog was complete; no CATALOG was written",
        },
      ]);
      expect(messages.map((m) => m.type)).not.toContain("CATALOG");
    }
  });
});
