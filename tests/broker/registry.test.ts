/**
 * Schema-registry messages read to JSON documents: Avro, Protobuf and JSON Schema keys and values
 * written by Confluent's serialisers, from source and from the binary; the registry's failures
 * (unknown schema id, unreachable, wrong password) as clear errors; and `check` proving the
 * registry: reached, answering its API, letting the credentials read.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Registry } from "../../harness/registry.ts";
import { bootstrap } from "../support/broker.ts";
import { catalog, expectSuccess, jsonFile, keyed, records, run, runners, traces } from "../support/connector.ts";
import { credentials, registryTopics, type Topics } from "../support/registry-data.ts";

const t0 = Date.parse("2024-05-01T08:00:00.000Z");

let broker: string;
let registry: Registry;
let topics: Topics;

beforeAll(async () => {
  broker = await bootstrap();
  ({ registry, topics } = await registryTopics(broker, t0));
}, 180_000);

afterAll(() => registry?.stop());

const config = (extra: object = {}) => ({
  bootstrap_servers: broker,
  schema_registry: { url: registry.url, ...credentials },
  ...extra,
});

const meta = (topic: string, offset: number, rest: object) => ({
  topic,
  partition: 0,
  offset,
  timestamp: new Date(t0).toISOString(),
  timestamp_type: "create_time",
  headers: [],
  op: "c",
  ...rest,
});

/**
 * A number whose JSON text a double would not keep: its text. `exactRecords` parses with it, so
 * that 12345678.90 is not taken for 12345678.9, nor 2^60 + 1 for 2^60.
 */
const exact = (text: string) => ({ exactText: text });

/** The records' data, parsed keeping each number's exact text: integers beyond 2^53 as bigints, other numbers whose text is not their shortest form as `exact`. */
function exactRecords(result: Awaited<ReturnType<typeof run>>) {
  const reviver = (_key: string, value: unknown, context?: { source?: string }) => {
    if (typeof value !== "number" || context?.source === undefined || context.source === String(value)) return value;
    return /^-?[0-9]+$/.test(context.source) ? BigInt(context.source) : exact(context.source);
  };
  return result.stdout
    .split("\n")
    .filter((line) => line.includes('"type":"RECORD"'))
    .map((line) => JSON.parse(line, reviver as never).record.data);
}

async function read(runner: (typeof runners)[number], topic: string, extra: object = {}) {
  return run(runner, [
    "read",
    "--config",
    jsonFile("config.json", config(extra)),
    "--catalog",
    jsonFile("catalog.json", catalog([topic])),
  ]);
}

describe.each(runners)("schema registry (%s)", (runner) => {
  test("Avro keys and values decode to their records; a tombstone keeps its Avro key", async () => {
    const result = await read(runner, topics.avro, { value_format: "schema_registry", key_format: "schema_registry" });
    expectSuccess(result);
    const avro = { key_encoding: "avro", value_encoding: "avro" };
    expect(records(result).map((r) => r.data)).toEqual(
      [
        {
          id: "o-1",
          amount: 1250,
          currency: "EUR",
          tags: ["new", "gift"],
          attrs: { boxes: 2 },
          note: null,
          line: { sku: "sku-9", qty: 3 },
          price: 12.5,
          _meta: meta(topics.avro, 0, { key: { id: "o-1" }, ...avro }),
        },
        {
          id: "o-2",
          amount: -7,
          currency: "USD",
          tags: [],
          attrs: {},
          note: "rush",
          line: { sku: "sku-1", qty: 1 },
          price: 0.25,
          _meta: meta(topics.avro, 1, { key: { id: "o-2" }, ...avro }),
        },
        { _meta: meta(topics.avro, 2, { key: { id: "o-1" }, key_encoding: "avro", value_encoding: null, op: "d" }) },
      ].map(keyed),
    );
  }, 30_000);

  test("Protobuf keys and values decode with field names as declared, int64 as strings, defaults filled", async () => {
    const result = await read(runner, topics.protobuf);
    expectSuccess(result);
    const protobuf = { key_encoding: "protobuf", value_encoding: "protobuf" };
    expect(records(result).map((r) => r.data)).toEqual(
      [
        {
          order_id: "p-1",
          total_cents: "9007199254740993",
          lines: [{ sku: "a", qty: 2 }],
          status: "PAID",
          counts: { x: 1 },
          blob: "AAH/",
          first: { sku: "a", qty: 2 },
          _meta: meta(topics.protobuf, 0, { key: { id: "k-1" }, ...protobuf }),
        },
        {
          order_id: "p-2",
          total_cents: "0",
          lines: [],
          status: "NEW",
          counts: {},
          blob: "",
          first: null,
          _meta: meta(topics.protobuf, 1, { key: { id: "k-2" }, ...protobuf }),
        },
      ].map(keyed),
    );
  }, 30_000);

  test("schemas that refer to others decode with what they refer to: an Avro record from another subject, an imported .proto", async () => {
    const avro = await read(runner, topics.avroRefs);
    expectSuccess(avro);
    const proto = await read(runner, topics.protoRefs);
    expectSuccess(proto);
    expect([...records(avro), ...records(proto)].map((r) => r.data)).toEqual(
      [
        {
          id: "r-1",
          amount: { cents: 1999, currency: "EUR" },
          _meta: meta(topics.avroRefs, 0, { key: null, key_encoding: null, value_encoding: "avro" }),
        },
        {
          id: "r-2",
          amount: { cents: "-250", currency: "USD" },
          _meta: meta(topics.protoRefs, 0, { key: null, key_encoding: null, value_encoding: "protobuf" }),
        },
      ].map(keyed),
    );
  }, 30_000);

  test("Avro longs beyond 2^53 and logical types decode to what they mean, negative and pre-1970 values too", async () => {
    const result = await read(runner, topics.avroLogical);
    expectSuccess(result);
    const meta0 = meta(topics.avroLogical, 0, { key: null, key_encoding: null, value_encoding: "avro" });
    const meta1 = meta(topics.avroLogical, 1, { key: null, key_encoding: null, value_encoding: "avro" });
    expect(exactRecords(result)).toEqual(
      [
        {
          big: 2n ** 60n + 1n,
          amount: exact("12345678.90"),
          whole: 42,
          wide: "12345678901234567890123456789012345678",
          at_ms: "2024-03-01T10:00:01.000Z",
          at_us: "2024-03-01T10:00:01.123456Z",
          at_ns: "2024-03-01T10:00:01.123456789Z",
          local_ms: "2024-03-01T10:00:01.000",
          local_us: "2024-03-01T10:00:01.000001",
          day: "2024-03-01",
          time_ms: "01:02:03.500",
          time_us: "12:34:56.789012",
          id: "123e4567-e89b-12d3-a456-426614174000",
          span: { months: 1, days: 2, milliseconds: 3 },
          odd: "plain",
          seen: "2024-03-01T10:00:01.000Z",
          _meta: meta0,
        },
        {
          big: -(2n ** 62n) - 3n,
          amount: -0.05,
          whole: 0,
          wide: "-99999999999999999999999999999999999999",
          at_ms: "1969-12-31T23:59:59.999Z",
          at_us: "1969-12-30T23:59:59.999999Z",
          at_ns: "1969-12-31T23:59:59.999999999Z",
          local_ms: "0001-01-01T00:00:00.000",
          local_us: "1970-01-01T00:00:00.000000",
          day: "0001-01-01",
          time_ms: "00:00:00.000",
          time_us: "23:59:59.999999",
          id: "00000000-0000-0000-0000-000000000000",
          span: { months: 0, days: 0, milliseconds: 0 },
          odd: "",
          seen: null,
          _meta: meta1,
        },
      ].map(keyed),
    );
  }, 30_000);

  test("Protobuf's well-known types decode per the proto3 JSON mapping", async () => {
    const result = await read(runner, topics.protoWellKnown);
    expectSuccess(result);
    const unset = {
      big: null,
      note: null,
      flag: null,
      ratio: null,
      raw: null,
      attrs: null,
      anything: null,
      items: null,
      mask: null,
      nothing: null,
    };
    expect(exactRecords(result)).toEqual(
      [
        {
          id: "e-1",
          at: "2024-03-01T10:00:01.123Z",
          took: "1.500s",
          big: "9007199254740993",
          note: "n",
          flag: false,
          ratio: 0.5,
          raw: "AAH/",
          attrs: { a: 1, b: ["x", null, true], c: { d: "e" } },
          anything: "hi",
          items: [1, "two"],
          mask: "user.displayName,photo",
          nothing: {},
          history: ["2024-03-01T10:00:00Z", "2024-03-01T10:00:00.000001Z"],
          _meta: meta(topics.protoWellKnown, 0, { key: null, key_encoding: null, value_encoding: "protobuf" }),
        },
        {
          id: "e-2",
          at: "1969-12-31T23:59:59.999999999Z",
          took: "-0.250s",
          ...unset,
          history: [],
          _meta: meta(topics.protoWellKnown, 1, { key: null, key_encoding: null, value_encoding: "protobuf" }),
        },
      ].map(keyed),
    );
  }, 30_000);

  test("JSON Schema keys and values decode to their JSON", async () => {
    const result = await read(runner, topics.json);
    expectSuccess(result);
    const jsonSchema = { key_encoding: "json_schema", value_encoding: "json_schema" };
    expect(records(result).map((r) => r.data)).toEqual(
      [
        { id: "pay-1", amount: 19.99, method: "card", _meta: meta(topics.json, 0, { key: "pay-1", ...jsonSchema }) },
        { id: "pay-2", amount: 5, _meta: meta(topics.json, 1, { key: "pay-2", ...jsonSchema }) },
      ].map(keyed),
    );
  }, 30_000);
});

test("each schema is fetched from the registry once, however many keys and values use it", async () => {
  const before = registry.requests().length;
  const result = await read("source", topics.avro, {
    value_format: "schema_registry",
    key_format: "schema_registry",
    workers: 1,
  });
  expectSuccess(result);
  expect(records(result)).toHaveLength(3);
  // Five framed keys and values, of two schemas (the keys' and the values').
  const fetched = registry
    .requests()
    .slice(before)
    .filter((request) => request.includes("/schemas/ids/"));
  expect(fetched).toHaveLength(2);
  expect(new Set(fetched).size).toBe(2);
  for (const request of fetched) expect(request).toMatch(/^GET \/apis\/ccompat\/v7\/schemas\/ids\/\d+ 200$/);
}, 30_000);

describe("schema registry failures", () => {
  test("a schema id the registry does not know fails naming topic, partition, offset and id", async () => {
    const result = await read("source", topics.unknownId, { on_decode_error: "emit_raw" });
    expect(result.code).not.toBe(0);
    expect(records(result)).toEqual([]);
    const [trace] = traces(result);
    // The whole trace, so that a failure shows what the connector said instead.
    expect(trace.error).toMatchObject({
      failure_type: "config_error",
      message: expect.stringContaining(
        `value of ${topics.unknownId} partition 0 offset 0: the schema registry has no schema with id 9999`,
      ),
    });
  }, 30_000);

  test("an unreachable registry is a transient error within a bounded time", async () => {
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const url = `http://127.0.0.1:${closed.port}`;
    closed.stop(true);
    const started = Date.now();
    const result = await run("source", [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: broker, schema_registry: { url }, connect_timeout_ms: 2000 }),
      "--catalog",
      jsonFile("catalog.json", catalog([topics.avro])),
    ]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.code).not.toBe(0);
    const [trace] = traces(result);
    expect(trace.error).toMatchObject({
      failure_type: "transient_error",
      message: expect.stringContaining(
        `schema registry at ${url} is unavailable after 3 attempts while reading schema id`,
      ),
    });
  }, 30_000);

  test("a wrong registry password is a config error that never shows the password", async () => {
    const wrong = "not-the-registry-pw-2718";
    const result = await run("source", [
      "read",
      "--config",
      jsonFile("config.json", {
        bootstrap_servers: broker,
        schema_registry: { url: registry.url, username: credentials.username, password: wrong },
      }),
      "--catalog",
      jsonFile("catalog.json", catalog([topics.json])),
    ]);
    expect(result.code).not.toBe(0);
    const [trace] = traces(result);
    expect(trace.error).toMatchObject({
      failure_type: "config_error",
      message: expect.stringContaining(`schema registry at ${registry.url} refused the credentials (HTTP 401)`),
    });
    for (const output of [result.stdout, result.stderr]) {
      expect(output).not.toContain(wrong);
      expect(output).not.toContain(Buffer.from(`${credentials.username}:${wrong}`).toString("base64"));
    }
  }, 30_000);

  test("value_format schema_registry without a registry is a config error naming the field", async () => {
    const result = await run("source", [
      "check",
      "--config",
      jsonFile("config.json", { bootstrap_servers: broker, value_format: "schema_registry" }),
    ]);
    expect(result.messages[0]?.connectionStatus.status).toBe("FAILED");
    expect(result.messages[0]?.connectionStatus.message).toContain(
      "schema_registry is required when value_format is schema_registry",
    );
  }, 30_000);
});

describe.each(runners)("check proves the schema registry (%s)", (runner) => {
  const check = async (schemaRegistry: object) => {
    const started = Date.now();
    const result = await run(runner, [
      "check",
      "--config",
      jsonFile("config.json", { bootstrap_servers: broker, connect_timeout_ms: 2000, schema_registry: schemaRegistry }),
    ]);
    for (const output of [result.stdout, result.stderr]) expect(output).not.toContain(credentials.password);
    return {
      ms: Date.now() - started,
      ...result.messages.find((m) => m.type === "CONNECTION_STATUS")?.connectionStatus,
    };
  };
  // Seconds, generously for a loaded machine: the connector's start, Kafka's steps and the registry's answer.
  const seconds = 20_000;

  test("reached with the right credentials: it says how many subjects the registry lists", async () => {
    const subjects = (await (
      await fetch(`${registry.url}/subjects`, {
        headers: { authorization: `Basic ${btoa(`${credentials.username}:${credentials.password}`)}` },
      })
    ).json()) as string[];
    expect(subjects.length).toBeGreaterThan(0);
    const checked = await check({ url: registry.url, ...credentials });
    expect(checked.status).toBe("SUCCEEDED");
    expect(checked.message).toEndWith(`; schema registry at ${registry.url} lists ${subjects.length} subjects`);
  }, 30_000);

  test("a wrong password (401) fails check, naming the registry and never the password", async () => {
    const wrong = "not-the-registry-pw-1414";
    const checked = await check({ url: registry.url, username: credentials.username, password: wrong });
    expect(checked).toMatchObject({
      status: "FAILED",
      message: `schema registry at ${registry.url} refused the credentials (HTTP 401) while reading the list of subjects; check schema_registry.username and schema_registry.password`,
    });
    expect(JSON.stringify(checked)).not.toContain(wrong);
    expect(checked.ms).toBeLessThan(seconds);
  }, 30_000);

  test("credentials the registry's proxy denies (403) fail check", async () => {
    const checked = await check({ url: registry.forbiddenUrl, ...credentials });
    expect(checked).toMatchObject({
      status: "FAILED",
      message: `schema registry at ${registry.forbiddenUrl} denied access (HTTP 403) while reading the list of subjects; check schema_registry.username and schema_registry.password`,
    });
    expect(checked.ms).toBeLessThan(seconds);
  }, 30_000);

  test("a refused connection fails check: before, check said SUCCEEDED", async () => {
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const url = `http://127.0.0.1:${closed.port}`;
    closed.stop(true);
    const checked = await check({ url });
    expect(checked.status).toBe("FAILED");
    expect(checked.message).toStartWith(
      `schema registry at ${url} is unavailable after 3 attempts while reading the list of subjects: `,
    );
    expect(checked.message).toContain("ECONNREFUSED");
    expect(checked.ms).toBeLessThan(seconds);
  }, 30_000);

  test("a URL that is not the registry's API (404) fails check, naming it", async () => {
    const wrong = registry.url.replace(/\/apis\/ccompat\/v7$/, "/apis/nothing-here");
    const checked = await check({ url: wrong, ...credentials });
    expect(checked).toMatchObject({
      status: "FAILED",
      message: `schema registry at ${wrong} has no Confluent-compatible API there (GET /subjects answered HTTP 404): check schema_registry.url`,
    });
    expect(checked.ms).toBeLessThan(seconds);
  }, 30_000);
});
