/**
 * Bad config, catalog and state: a one-line message naming the field, a TRACE error with
 * config_error, a non-zero exit, no stack trace, and never a password in any output.
 */
import { describe, expect, test } from "bun:test";
import { jsonFile, run, runners, traces, catalog } from "../support/connector.ts";

const secret = "hunter2-very-secret";
const goodConfig = { bootstrap_servers: "127.0.0.1:9", sasl: { mechanism: "PLAIN", username: "u", password: secret } };
const goodCatalog = catalog(["events"]);

type Case = { name: string; config?: unknown; catalog?: unknown; state?: unknown; rawConfig?: string; message: string };

const cases: Case[] = [
  { name: "config without bootstrap_servers", config: {}, message: "config: bootstrap_servers is required" },
  {
    name: "bootstrap_servers of the wrong type",
    config: { bootstrap_servers: 9092 },
    message: "config: bootstrap_servers must be string, got number",
  },
  {
    name: "bootstrap_servers empty",
    config: { bootstrap_servers: "" },
    message: "config: bootstrap_servers must not be empty",
  },
  { name: "a config that is not an object", config: [1, 2], message: "config: must be a JSON object" },
  {
    name: "a topic pattern with a lookahead",
    config: { ...goodConfig, topic_pattern: "(?!internal-).*" },
    message:
      'config: topic_pattern uses a negative lookahead, "(?!…)": topic patterns are matched in linear time, which rules out lookarounds and backreferences; to leave topics out, use topic_exclude_pattern',
  },
  {
    name: "a topic pattern that expands past the bound",
    config: { ...goodConfig, topic_exclude_pattern: "(.*){0,500}" },
    message:
      "config: topic_exclude_pattern expands to more than 1000 states (a repetition copies what it repeats): topic patterns are matched in linear time, which bounds their size",
  },
  {
    name: "an unknown start position",
    config: { bootstrap_servers: "a:1", start_position: "middle" },
    message: "config: start_position must be one of earliest, latest, timestamp",
  },
  {
    name: "timestamp start without a timestamp",
    config: { bootstrap_servers: "a:1", start_position: "timestamp" },
    message: "config: start_timestamp is required when start_position is timestamp",
  },
  {
    name: "a malformed timestamp",
    config: { bootstrap_servers: "a:1", start_position: "timestamp", start_timestamp: "yesterday" },
    message: "config: start_timestamp must be an RFC 3339 timestamp such as 2024-01-31T12:00:00Z",
  },
  {
    name: "workers out of bounds",
    config: { bootstrap_servers: "a:1", workers: 0 },
    message: "config: workers must be at least 1",
  },
  {
    name: "a client_rack with a space",
    config: { bootstrap_servers: "a:1", client_rack: "us east 1a" },
    message: "config: client_rack must be 1-255 printable ASCII characters without spaces, e.g. us-east-1a",
  },
  {
    name: "an empty client_rack",
    config: { bootstrap_servers: "a:1", client_rack: "" },
    message: "config: client_rack must be 1-255 printable ASCII characters without spaces, e.g. us-east-1a",
  },
  {
    name: "an unknown SASL mechanism",
    config: { ...goodConfig, sasl: { ...goodConfig.sasl, mechanism: "KERBEROS" } },
    message: "config: sasl.mechanism must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512",
  },
  {
    name: "a config file that is not JSON, with a password in it",
    rawConfig: `{"sasl": {"password": ${secret}}}`,
    message: "is not valid JSON",
  },
  {
    name: "a catalog without streams",
    catalog: { streams: [] },
    message: "catalog: streams must list at least one stream",
  },
  {
    name: "a catalog stream with an unknown sync mode",
    catalog: { streams: [{ stream: { name: "t" }, sync_mode: "sometimes" }] },
    message: "catalog: streams.0.sync_mode must be full_refresh or incremental",
  },
  {
    name: "a malformed range",
    catalog: { ...goodCatalog, range: { begin: "xyz", end: "ffffffff" } },
    message: 'catalog: range.begin must be 8 hex digits such as 00000000, got "xyz"',
  },
  {
    name: "a range whose begin is after its end",
    catalog: { ...goodCatalog, "estuary.dev/range": { begin: "80000000", end: "10000000" } },
    message: "catalog: estuary.dev/range: begin 80000000 is after end 10000000",
  },
  {
    name: "a state with a negative offset",
    state: [
      {
        type: "STREAM",
        stream: { stream_descriptor: { name: "events" }, stream_state: { partitions: { "0": { offset: -1 } } } },
      },
    ],
    message: "state[0]: stream.stream_state.partitions.0.offset must not be negative",
  },
  {
    name: "a state with a fractional offset",
    state: {
      type: "STATE",
      state: {
        type: "STREAM",
        stream: { stream_descriptor: { name: "events" }, stream_state: { partitions: { "0": { offset: 1.5 } } } },
      },
    },
    message: "state: stream.stream_state.partitions.0.offset must be an integer",
  },
  { name: "a state of the wrong shape", state: { cursor: 5 }, message: "state: type is required" },
  {
    name: "a state with a bad partition key",
    state: [
      {
        type: "STREAM",
        stream: { stream_descriptor: { name: "e" }, stream_state: { partitions: { first: { offset: 1 } } } },
      },
    ],
    message: "state[0]: stream.stream_state.partitions.first must be a partition number",
  },
];

describe.each(runners)("bad input (%s)", (runner) => {
  for (const c of cases) {
    test(`${c.name}: one-line config_error, non-zero exit, no secret`, async () => {
      const config =
        c.rawConfig !== undefined
          ? jsonFile("config.json", c.rawConfig)
          : jsonFile("config.json", c.config ?? goodConfig);
      const args = ["read", "--config", config, "--catalog", jsonFile("catalog.json", c.catalog ?? goodCatalog)];
      if (c.state !== undefined) args.push("--state", jsonFile("state.json", c.state));
      const result = await run(runner, args);
      expect(result.code).not.toBe(0);
      const [trace] = traces(result);
      expect(trace.error.failure_type).toBe("config_error");
      expect(trace.error.message).toContain(c.message);
      expect(trace.error.message).not.toContain("\n");
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout + result.stderr).not.toContain(secret);
    });
  }

  test("a missing --catalog flag is a config_error", async () => {
    const result = await run(runner, ["read", "--config", jsonFile("config.json", goodConfig)]);
    expect(result.code).not.toBe(0);
    expect(traces(result)[0].error).toMatchObject({
      failure_type: "config_error",
      message: "Missing required argument: --catalog",
    });
  });

  test("a wrong password never appears in any output", async () => {
    const result = await run(runner, [
      "check",
      "--config",
      jsonFile("config.json", { ...goodConfig, connect_timeout_ms: 500 }),
    ]);
    expect(result.messages.find((m) => m.type === "CONNECTION_STATUS")!.connectionStatus.status).toBe("FAILED");
    expect(result.stdout + result.stderr).not.toContain(secret);
  });
});
