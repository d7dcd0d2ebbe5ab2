/**
 * A person at a terminal, against the real broker: `read` shows its progress on stderr and ends
 * with a summary, `check` and `discover` say what they wait on; stdout stays the protocol alone.
 * Without a terminal, and with --quiet, stderr says nothing at all.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { clearLine } from "../../src/terminal/live-line.ts";
import { bootstrap } from "../support/broker.ts";
import { catalog, jsonFile, run, runners, uniqueTopic } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";
import { closedPort } from "../support/net.ts";
import { runOnTerminal, type TerminalRun } from "../support/terminal.ts";

const spin = "[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]";
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const sgr = /\x1b\[[\d;]*m/;

let broker: string;
let topic: string;
let config: string;
let catalogFile: string;
/** A topic whose second message is not JSON, read with value_format json: the read fails. */
let badTopic: string;

beforeAll(async () => {
  broker = await bootstrap();
  topic = uniqueTopic("terminal");
  await createTopic(broker, topic, 3);
  await produce(
    broker,
    topic,
    Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, value: JSON.stringify({ i }) })),
  );
  config = jsonFile("config.json", { bootstrap_servers: broker });
  catalogFile = jsonFile("catalog.json", catalog([topic]));
  badTopic = uniqueTopic("terminal-bad");
  await createTopic(broker, badTopic, 1);
  await produce(broker, badTopic, [
    { partition: 0, value: '{"a":1}' },
    { partition: 0, value: "not json" },
  ]);
});

const recordCount = (result: TerminalRun) => result.messages.filter((m) => m.type === "RECORD").length;

/** The frames drawn over each other (each starts by clearing the line) and what is left at the end. */
function frames(terminal: string): { frames: string[]; last: string } {
  const parts = terminal.split(clearLine);
  expect(parts[0]).toBe("");
  for (const frame of parts.slice(1, -1)) expect(frame).not.toContain("\n");
  return { frames: parts.slice(1, -1), last: parts.at(-1) ?? "" };
}

describe.each(runners)("terminal (%s)", (runner) => {
  test("read on a terminal redraws a progress line on stderr and ends with a summary; stdout is the protocol alone", async () => {
    const result = await runOnTerminal(runner, ["read", "--config", config, "--catalog", catalogFile], {
      env: { NO_COLOR: "1" },
    });
    expect(result.code).toBe(0);
    expect(recordCount(result)).toBe(30);
    expect(result.stdout).not.toContain("\x1b");
    expect(result.stdout).not.toContain("\r");
    expect(result.terminal).not.toMatch(sgr);

    const { frames: drawn, last } = frames(result.terminal);
    const connecting = new RegExp(`^${spin} connecting to ${escapeRegExp(broker)} and planning the read \\d+\\.\\ds$`);
    const reading = new RegExp(
      `^${spin} reading 1 stream · \\d+ records · \\d+\\.\\d MB( · [\\d,]+ rec/s · \\d+\\.\\d MB/s)? · lag (-|${topic} [\\d,]+) · \\d+%( · ~[\\dhm.]+s? left)? \\d+\\.\\ds$`,
    );
    expect(drawn[0]).toMatch(connecting);
    const firstReading = drawn.findIndex((frame) => reading.test(frame));
    expect(firstReading).toBeGreaterThan(0);
    for (const frame of drawn.slice(0, firstReading)) expect(frame).toMatch(connecting);
    for (const frame of drawn.slice(firstReading)) expect(frame).toMatch(reading);
    expect(last).toMatch(
      new RegExp(
        `^✔ read 30 records \\(0\\.0 MB\\) from 1 stream in \\d+\\.\\ds · [\\d,]+ records/s · lag ${topic} 0\\n$`,
      ),
    );
  });

  test("without NO_COLOR the terminal's line is coloured", async () => {
    const result = await runOnTerminal(runner, ["read", "--config", config, "--catalog", catalogFile], {
      env: { NO_COLOR: "" },
    });
    expect(result.code).toBe(0);
    expect(frames(result.terminal).last).toStartWith("\x1b[32m✔\x1b[39m read 30 records");
    expect(result.stdout).not.toContain("\x1b");
  });

  test("a read that fails ends its line saying so, and the error follows", async () => {
    const badConfig = jsonFile("config.json", { bootstrap_servers: broker, value_format: "json" });
    const result = await runOnTerminal(
      runner,
      ["read", "--config", badConfig, "--catalog", jsonFile("catalog.json", catalog([badTopic]))],
      {
        env: { NO_COLOR: "1" },
      },
    );
    expect(result.code).toBe(1);
    const [summary, ...after] = frames(result.terminal).last.split("\n");
    expect(summary).toMatch(
      new RegExp(
        `^✖ failed after \\d+ records \\(0\\.0 MB\\) from 1 stream in \\d+\\.\\ds · \\d+ records/s · lag ${badTopic} \\d+$`,
      ),
    );
    expect(after.join("\n")).toContain(`value of ${badTopic} partition 0 offset 1 is not valid JSON`);
  });

  test("--quiet keeps the terminal silent", async () => {
    const result = await runOnTerminal(runner, ["read", "--config", config, "--catalog", catalogFile, "--quiet"]);
    expect(result.code).toBe(0);
    expect(result.terminal).toBe("");
    expect(recordCount(result)).toBe(30);
  });

  test("without a terminal stderr says nothing, for read, check and discover", async () => {
    for (const args of [
      ["read", "--config", config, "--catalog", catalogFile],
      ["check", "--config", config],
      ["discover", "--config", config],
    ]) {
      const result = await run(runner, args);
      expect({ command: args[0], code: result.code, stderr: result.stderr }).toEqual({
        command: args[0],
        code: 0,
        stderr: "",
      });
    }
  });

  test("a tailing read redraws at most four times a second until stopped, then sums up", async () => {
    const started = Date.now();
    const result = await runOnTerminal(runner, ["read", "--config", config, "--catalog", catalogFile, "--tail"], {
      env: { NO_COLOR: "1" },
      stopAfterRecords: 30,
    });
    const seconds = (Date.now() - started) / 1000;
    expect(result.code).toBe(0);
    expect(recordCount(result)).toBe(30);
    const { frames: drawn, last } = frames(result.terminal);
    // 4 redraws a second at most, plus the one drawn at once when the line changes its subject.
    expect(drawn.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 2);
    expect(drawn.length).toBeGreaterThanOrEqual(4);
    expect(drawn.at(-1)).toMatch(
      new RegExp(
        `^${spin} tailing 1 stream · 30 records · 0\\.0 MB · [\\d,]+ rec/s · \\d+\\.\\d MB/s · lag ${topic} 0 \\d+\\.\\ds$`,
      ),
    );
    expect(last).toMatch(
      new RegExp(
        `^✔ tailed 30 records \\(0\\.0 MB\\) from 1 stream for \\d+\\.\\ds · [\\d,]+ records/s · lag ${topic} 0\\n$`,
      ),
    );
  });

  test("when stdout is the same terminal, records are not cut by redraws: only the summary follows them", async () => {
    const result = await runOnTerminal(runner, ["read", "--config", config, "--catalog", catalogFile], {
      env: { NO_COLOR: "1" },
      stdoutOnTerminal: true,
    });
    expect(result.code).toBe(0);
    expect(result.terminal).not.toContain(clearLine);
    const lines = result.terminal.split("\n").filter((line) => line.length > 0);
    const summary = lines.pop();
    expect(lines.map((line) => JSON.parse(line).type).filter((type) => type === "RECORD")).toHaveLength(30);
    expect(summary).toMatch(/^✔ read 30 records \(0\.0 MB\) from 1 stream in /);
  });

  test("check on a terminal says what it waits on and how it went", async () => {
    const result = await runOnTerminal(runner, ["check", "--config", config], { env: { NO_COLOR: "1" } });
    expect(result.code).toBe(0);
    const status = result.messages[0]!.connectionStatus;
    expect(status.status).toBe("SUCCEEDED");
    const { frames: drawn, last } = frames(result.terminal);
    expect(drawn[0]).toMatch(
      new RegExp(`^${spin} connecting to ${escapeRegExp(broker)} and listing topics \\d+\\.\\ds$`),
    );
    // check ends as a read begins: a fetch of one partition (issue 17), its last step on the line.
    expect(drawn.at(-1)).toMatch(
      new RegExp(`^${spin} fetching one partition of a readable topic, as a read would \\d+\\.\\ds$`),
    );
    expect(last).toBe(`✔ ${status.message}\n`);
    expect(status.message).toMatch(
      new RegExp(`^connected to ${escapeRegExp(broker)}; \\d+ topics visible; .+ \\(Fetch v\\d+\\)$`),
    );
  });

  test("a failed check ends its line with the reason", async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const result = await runOnTerminal(
      runner,
      ["check", "--config", jsonFile("config.json", { bootstrap_servers: address, connect_timeout_ms: 1000 })],
      {
        env: { NO_COLOR: "1" },
      },
    );
    expect(result.code).toBe(0);
    const status = result.messages[0]!.connectionStatus;
    expect(status.status).toBe("FAILED");
    const { frames: drawn, last } = frames(result.terminal);
    expect(drawn[0]).toMatch(
      new RegExp(`^${spin} connecting to ${escapeRegExp(address)} and listing topics \\d+\\.\\ds$`),
    );
    expect(last).toBe(`✖ ${status.message}\n`);
  });

  test("discover on a terminal says which topic it samples, out of how many", async () => {
    const result = await runOnTerminal(runner, ["discover", "--config", config], { env: { NO_COLOR: "1" } });
    expect(result.code).toBe(0);
    // Discover's WARNs (topics it cannot sample) come before its CATALOG.
    const catalog = result.messages.find((m) => m.type === "CATALOG")!.catalog;
    const streams = catalog.streams.length;
    expect(catalog.streams.map((s: { name: string }) => s.name)).toContain(topic);
    const { frames: drawn, last } = frames(result.terminal);
    expect(drawn[0]).toMatch(
      new RegExp(`^${spin} connecting to ${escapeRegExp(broker)} and listing topics \\d+\\.\\ds$`),
    );
    expect(
      drawn.some((frame) =>
        new RegExp(`^${spin} sampling \\S+ to infer its schema \\(\\d+ of ${streams}\\) \\d+\\.\\ds$`).test(frame),
      ),
    ).toBe(true);
    expect(last).toBe(`✔ discovered ${streams} streams\n`);
  });
});
