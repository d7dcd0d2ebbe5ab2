/**
 * SIGTERM and SIGINT end a read cleanly whenever they come: the moment planning is done (before
 * the worker pool exists), in the middle of a batch read, or while waiting for an unreachable
 * cluster. A clean end is exit 0 with a final STATE naming exactly what was written.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { bootstrap } from "../support/broker.ts";
import { closedPort } from "../support/net.ts";
import { catalog, expectSuccess, jsonFile, parseProtocol, records, run, runners, uniqueTopic, type Message, type Runner } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";
import { startLive, type Live } from "../support/process.ts";

let broker: string;
beforeAll(async () => {
  broker = await bootstrap();
});

/**
 * Starts a read and sends `signal` the instant a stdout line matches `pattern` (from the line
 * callback, not a poll), so that the signal lands as close to that moment as a user's could.
 */
function signalOnLine(runner: Runner, args: string[], pattern: RegExp, signal: NodeJS.Signals, bytesPerSecond?: number): Live {
  let sent = false;
  const live: Live = startLive(runner, args, {
    bytesPerSecond,
    onLine: (line) => {
      if (sent || !pattern.test(line)) return;
      sent = true;
      live.kill(signal);
    },
  });
  return live;
}

/** The LOG line written once the read is planned, before STARTED and before any worker exists. */
const planned = /"message":"reading \d+ partitions/;

const messagesOf = (live: Live): Message[] => parseProtocol(live.lines.join("\n"));
const finalStatus = (messages: Message[]) => messages.filter((m) => m.type === "TRACE" && m.trace.type === "STREAM_STATUS").at(-1)?.trace.stream_status.status;

describe.each(runners)("signals (%s)", (runner) => {
  test("SIGTERM as soon as a batch read is planned: exit 0, a final STATE of exactly what was written, INCOMPLETE, and a resume reads the rest", async () => {
    const topic = uniqueTopic("signal-batch");
    await createTopic(broker, topic, 2);
    // ~4 MB in Kafka: many fetches, so that the signal lands with most of them still to come.
    const produced = Array.from({ length: 20_000 }, (_, i) => ({ partition: i % 2, value: `v${i} ${"x".repeat(200)}` }));
    for (let i = 0; i < produced.length; i += 2000) await produce(broker, topic, produced.slice(i, i + 2000));
    const config = jsonFile("config.json", { bootstrap_servers: broker });
    const streams = jsonFile("catalog.json", catalog([topic]));

    // stdout read at 2 MB/s (the output is ~9 MB): the read cannot be over before the signal lands.
    const live = signalOnLine(runner, ["read", "--config", config, "--catalog", streams], planned, "SIGTERM", 2_000_000);
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
    const resumed = await run(runner, ["read", "--config", config, "--catalog", streams, "--state", jsonFile("state.json", final)]);
    expectSuccess(resumed);
    const all = [...written, ...records(resumed).map((r) => r.data._meta)].map((m) => `${m.partition}/${m.offset}`).sort();
    const expected = [0, 1].flatMap((p) => Array.from({ length: 10_000 }, (_, o) => `${p}/${o}`)).sort();
    expect(all).toEqual(expected);
  }, 60_000);

  test("SIGINT as soon as a tail is planned, with nothing to read: exit 0, a final STATE, COMPLETE", async () => {
    const topic = uniqueTopic("signal-tail");
    await createTopic(broker, topic, 1);
    const live = signalOnLine(runner, ["read", "--tail", "--config", jsonFile("config.json", { bootstrap_servers: broker }), "--catalog", jsonFile("catalog.json", catalog([topic]))], planned, "SIGINT");
    const { code, stderr } = await live.finished;
    expect(code, stderr).toBe(0);
    const messages = messagesOf(live);
    expect(messages.filter((m) => m.type === "STATE").at(-1)!.state.stream.stream_state).toEqual({ partitions: { "0": { offset: 0 } } });
    expect(finalStatus(messages)).toBe("COMPLETE");
  });

  test("SIGTERM while waiting for an unreachable cluster stops the wait: a transient_error saying so, long before the retry budget", async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const config = { bootstrap_servers: address, connect_timeout_ms: 1000, retry_budget_ms: 600_000 };
    const live = signalOnLine(runner, ["read", "--config", jsonFile("config.json", config), "--catalog", jsonFile("catalog.json", catalog(["events"]))], /planning the read failed/, "SIGTERM");
    const { code } = await live.finished;
    expect(code).not.toBe(0);
    const errors = messagesOf(live).filter((m) => m.type === "TRACE" && m.trace.type === "ERROR");
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error?.trace.error.failure_type).toBe("transient_error");
    expect(error?.trace.error.message).toStartWith("stopped before the cluster could be reached");
    expect(error?.trace.error.message).toContain(address);
  });
});
