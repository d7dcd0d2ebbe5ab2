/**
 * `spec`, `check` and `discover` against the real broker, from source and from the binary; and
 * input files as Windows editors save them, with a byte order mark.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { bootstrap } from "../support/broker.ts";
import { closedPort } from "../support/net.ts";
import { catalog, expectSuccess, jsonFile, records, run, runners, states, uniqueTopic } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";
import { documentationUrl } from "../../src/protocol/messages.ts";

let broker: string;
beforeAll(async () => {
  broker = await bootstrap();
});

describe.each(runners)("commands (%s)", (runner) => {
  test("spec prints a SPEC generated from the config schema, secrets marked", async () => {
    const result = await run(runner, ["spec"]);
    expectSuccess(result);
    expect(result.messages).toHaveLength(1);
    const spec = result.messages[0]?.spec;
    const schema = spec.connectionSpecification;
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(["bootstrap_servers"]);
    expect(schema.properties.bootstrap_servers.type).toBe("string");
    expect(schema.properties.start_position.enum).toEqual(["earliest", "latest", "timestamp"]);
    expect(schema.properties.sasl.properties.password).toMatchObject({
      type: "string",
      airbyte_secret: true,
      secret: true,
    });
    expect(schema.properties.sasl.properties.username.airbyte_secret).toBeUndefined();
    expect(spec.documentationUrl).toBe(documentationUrl);
  });

  test("check succeeds against the harness broker", async () => {
    const result = await run(runner, ["check", "--config", jsonFile("config.json", { bootstrap_servers: broker })]);
    expectSuccess(result);
    expect(result.messages.map((m) => m.type)).toEqual(["CONNECTION_STATUS"]);
    expect(result.messages[0]?.connectionStatus.status).toBe("SUCCEEDED");
  });

  test("check fails within a bounded time, naming the address, when nothing listens there", async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const result = await run(runner, [
      "check",
      "--config",
      jsonFile("config.json", { bootstrap_servers: address, connect_timeout_ms: 1000 }),
    ]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.code).toBe(0);
    const status = result.messages.find((m) => m.type === "CONNECTION_STATUS")!.connectionStatus;
    expect(status.status).toBe("FAILED");
    expect(status.message).toContain(address);
    expect(status.message).toContain("unreachable");
  });

  test("config, catalog and state files that begin with a UTF-8 byte order mark are read as JSON", async () => {
    const topic = uniqueTopic("bom");
    await createTopic(broker, topic, 1);
    await produce(
      broker,
      topic,
      [0, 1, 2].map((i) => ({ partition: 0, value: `{"i":${i}}` })),
    );
    // As Notepad or PowerShell's Out-File -Encoding utf8 save them: EF BB BF, then the JSON.
    const withBom = (name: string, value: unknown) => {
      const path = jsonFile(name, `\uFEFF${JSON.stringify(value, null, 2)}`);
      expect([...readFileSync(path).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      return path;
    };
    const config = withBom("config.json", { bootstrap_servers: broker });
    const catalogFile = withBom("catalog.json", catalog([topic]));

    const checked = await run(runner, ["check", "--config", config]);
    expect(checked.messages.find((m) => m.type === "CONNECTION_STATUS")?.connectionStatus.status).toBe("SUCCEEDED");
    const discovered = await run(runner, ["discover", "--config", config]);
    expectSuccess(discovered);
    const names = discovered.messages
      .find((m) => m.type === "CATALOG")!
      .catalog.streams.map((s: { name: string }) => s.name);
    expect(names).toContain(topic);

    const first = await run(runner, ["read", "--config", config, "--catalog", catalogFile]);
    expectSuccess(first);
    expect(records(first).map((r) => r.data.i)).toEqual([0, 1, 2]);
    await produce(broker, topic, [{ partition: 0, value: '{"i":3}' }]);
    const state = withBom(
      "state.json",
      states(first).map((s) => ({ type: "STATE", state: s })),
    );
    const second = await run(runner, ["read", "--config", config, "--catalog", catalogFile, "--state", state]);
    expectSuccess(second);
    expect(records(second).map((r) => r.data.i)).toEqual([3]);
  });

  test("check reports a config that fails validation, naming the field", async () => {
    const result = await run(runner, [
      "check",
      "--config",
      jsonFile("config.json", { bootstrap_servers: "no-port-here" }),
    ]);
    const status = result.messages.find((m) => m.type === "CONNECTION_STATUS")!.connectionStatus;
    expect(status.status).toBe("FAILED");
    expect(status.message).toBe(
      'config: bootstrap_servers entry 1 ("no-port-here") has no port: each entry must be host:port',
    );
  });

  test("discover lists every non-internal topic with the _meta schema, top-level keys and cursor", async () => {
    const topics = [uniqueTopic("discover-a"), uniqueTopic("discover-b")];
    for (const topic of topics) await createTopic(broker, topic, 2);
    const result = await run(runner, ["discover", "--config", jsonFile("config.json", { bootstrap_servers: broker })]);
    expectSuccess(result);
    expect(result.messages.filter((m) => m.type === "CATALOG")).toHaveLength(1);
    // Empty topics have no values to sample: discover says so, naming each.
    for (const topic of topics) {
      expect(result.messages).toContainEqual({
        type: "LOG",
        log: {
          level: "WARN",
          message: `discover: cannot sample values of ${topic} (it holds no messages); its stream describes _meta only`,
        },
      });
    }
    const streams = result.messages.find((m) => m.type === "CATALOG")!.catalog.streams as any[];
    expect(streams.every((s) => !s.name.startsWith("__"))).toBe(true);
    for (const topic of topics) {
      const stream = streams.find((s) => s.name === topic);
      expect(stream).toMatchObject({
        name: topic,
        supported_sync_modes: ["full_refresh", "incremental"],
        source_defined_cursor: true,
        default_cursor_field: ["_kafka_offset"],
        source_defined_primary_key: [["_kafka_partition"], ["_kafka_offset"]],
      });
      expect(stream.json_schema.required).toEqual(["_kafka_partition", "_kafka_offset", "_meta"]);
      expect(stream.json_schema.properties._kafka_partition).toMatchObject({ type: "integer" });
      expect(stream.json_schema.properties._kafka_offset).toMatchObject({ type: "integer" });
      expect(JSON.stringify(stream.json_schema)).not.toContain('"additionalProperties":false');
      const meta = stream.json_schema.properties._meta;
      expect(Object.keys(meta.properties).sort()).toEqual([
        "decode_error",
        "headers",
        "key",
        "key_encoding",
        "offset",
        "op",
        "partition",
        "rewrites",
        "timestamp",
        "timestamp_type",
        "topic",
        "value_encoding",
      ]);
      expect(meta.properties.op.enum).toEqual(["c", "d"]);
    }
  }, 30_000); // discover samples every topic the other tests left on the broker

  test("help names the command source-kafka and is plain text when stdout is not a terminal", async () => {
    for (const [args, env] of [
      [["read", "--help"], {}],
      [["--help"], {}],
      [["check", "--help"], { NO_COLOR: "true" }],
    ] as const) {
      const child = Bun.spawnSync([...(await import("../support/connector.ts")).command(runner), ...args], {
        env: { ...process.env, ...env },
      });
      const text = child.stdout.toString();
      expect(child.exitCode).toBe(0);
      expect(text).not.toContain("\u001b[");
      expect(text).toContain(`USAGE source-kafka ${args[0] === "--help" ? "" : `${args[0]} `}`);
    }
  });

  test("--version names the package version", async () => {
    const child = Bun.spawnSync([...(await import("../support/connector.ts")).command(runner), "--version"]);
    expect(child.stdout.toString()).toMatch(/^source-kafka 0\.1\.0 \(\w+\)\n$/);
  });
});
