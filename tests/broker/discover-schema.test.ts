/**
 * `discover` describes the value's fields: from the registered schema of subject `<topic>-value`
 * (Avro, Protobuf, JSON Schema), else inferred from a sample of recent messages — and the
 * documents `read` emits validate against the schema `discover` gave.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import type { Registry } from "../../harness/registry.ts";
import { metaJsonSchema } from "../../src/decode/document.ts";
import { keyProperties } from "../../src/json-schema/document.ts";
import { bootstrap } from "../support/broker.ts";
import { catalog, expectSuccess, jsonFile, records, run, uniqueTopic } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";
import { credentials, registryTopics, type Topics } from "../support/registry-data.ts";

let broker: string;
let registry: Registry;
let topics: Topics;
let plain: string;
let bigNumbers: string;

beforeAll(async () => {
  broker = await bootstrap();
  ({ registry, topics } = await registryTopics(broker, Date.parse("2024-05-01T08:00:00.000Z")));
  // Topics are sampled in name order within a time budget: a name that sorts first is sampled
  // however many topics the other tests left on the broker.
  plain = uniqueTopic("0discover-json");
  await createTopic(broker, plain, 2);
  await produce(broker, plain, [
    { partition: 0, key: "a", value: '{"id":1,"name":"ann","tags":["x"],"address":{"city":"Oslo"}}' },
    { partition: 1, key: "b", value: '{"id":2.5,"tags":[],"address":{"city":"Rome","zip":"00100"},"vip":true}' },
    { partition: 1, key: "c", value: null },
    { partition: 0, key: "d", value: '"just a string"' },
  ]);
  bigNumbers = uniqueTopic("0discover-big-numbers");
  await createTopic(broker, bigNumbers, 1);
  await produce(broker, bigNumbers, [
    {
      partition: 0,
      value: '{"id":340282366920938463463374607431768211455,"wei":1000000000000000000000,"n":1,"f":[1e30]}',
    },
    { partition: 0, value: '{"id":7,"wei":18446744073709551615,"n":-9223372036854774784,"f":[0.5]}' },
  ]);
}, 180_000);

afterAll(() => registry?.stop());

const withRegistry = () => ({ bootstrap_servers: broker, schema_registry: { url: registry.url, ...credentials } });

async function discovered(config: object): Promise<Map<string, any>> {
  const result = await run("source", ["discover", "--config", jsonFile("config.json", config)]);
  expectSuccess(result);
  return new Map(
    result.messages.find((m) => m.type === "CATALOG")!.catalog.streams.map((s: any) => [s.name, s.json_schema]),
  );
}

const documentSchema = (properties: object, extra: object = {}) => ({
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  additionalProperties: true,
  required: ["_kafka_partition", "_kafka_offset", "_meta"],
  properties: { ...properties, ...keyProperties, _meta: metaJsonSchema },
  ...extra,
});

describe("discover with a schema registry", () => {
  let schemas: Map<string, any>;
  beforeAll(async () => {
    schemas = await discovered(withRegistry());
  }, 60_000);

  test("an Avro value schema becomes the stream's fields", () => {
    expect(schemas.get(topics.avro)).toEqual(
      documentSchema({
        id: { type: "string", description: "Order id" },
        amount: { type: "integer" },
        currency: { type: "string", enum: ["EUR", "USD"] },
        tags: { type: "array", items: { type: "string" } },
        attrs: { type: "object", additionalProperties: { type: "integer" } },
        note: { type: ["string", "null"] },
        line: {
          type: "object",
          required: ["sku", "qty"],
          properties: { sku: { type: "string" }, qty: { type: "integer" } },
        },
        price: { type: "number" },
      }),
    );
  });

  test("a Protobuf value schema (its first message) becomes the stream's fields", () => {
    const line = { type: "object", properties: { sku: { type: "string" }, qty: { type: "integer" } } };
    expect(schemas.get(topics.protobuf)).toEqual(
      documentSchema({
        order_id: { type: "string" },
        total_cents: { type: "string", pattern: "^-?[0-9]+$" },
        lines: { type: "array", items: line },
        status: { type: "string", enum: ["NEW", "PAID"] },
        counts: { type: "object", additionalProperties: { type: "integer" } },
        blob: { type: "string", contentEncoding: "base64" },
        first: { ...line, type: ["object", "null"] },
      }),
    );
  });

  test("an Avro value schema using a record another subject defines (a schema reference) includes that record's fields", () => {
    expect(schemas.get(topics.avroRefs)).toEqual(
      documentSchema({
        id: { type: "string" },
        amount: {
          type: "object",
          required: ["cents", "currency"],
          properties: { cents: { type: "integer" }, currency: { type: "string" } },
        },
      }),
    );
  });

  test("Avro longs are integers and logical types are described as what they decode to", () => {
    const timestamp = { type: "string", format: "date-time", airbyte_type: "timestamp_with_timezone" };
    const local = { type: "string", format: "date-time", airbyte_type: "timestamp_without_timezone" };
    const time = { type: "string", format: "time", airbyte_type: "time_without_timezone" };
    const count = { type: "integer", minimum: 0 };
    const fields = [
      "big",
      "amount",
      "whole",
      "wide",
      "at_ms",
      "at_us",
      "at_ns",
      "local_ms",
      "local_us",
      "day",
      "time_ms",
      "time_us",
      "id",
      "span",
      "odd",
      "seen",
    ];
    expect(schemas.get(topics.avroLogical)).toEqual(
      documentSchema({
        big: { type: "integer" },
        amount: { type: "number" },
        whole: { type: "number" },
        wide: { type: "string", pattern: "^-?[0-9]+(\\.[0-9]+)?$" },
        at_ms: timestamp,
        at_us: timestamp,
        at_ns: timestamp,
        local_ms: local,
        local_us: local,
        day: { type: "string", format: "date" },
        time_ms: time,
        time_us: time,
        id: { type: "string", format: "uuid" },
        span: {
          type: "object",
          required: ["months", "days", "milliseconds"],
          properties: { months: count, days: count, milliseconds: count },
        },
        odd: { type: "string" },
        seen: { ...timestamp, type: ["string", "null"] },
      }),
    );
    expect(Object.keys(schemas.get(topics.avroLogical).properties)).toEqual([
      ...fields,
      "_kafka_partition",
      "_kafka_offset",
      "_meta",
    ]);
  });

  test("Protobuf's well-known types are described as the proto3 JSON mapping writes them", () => {
    const timestamp = { type: "string", format: "date-time", airbyte_type: "timestamp_with_timezone" };
    const nullable = (schema: { type: string }) => ({ ...schema, type: [schema.type, "null"] });
    expect(schemas.get(topics.protoWellKnown)).toEqual(
      documentSchema({
        id: { type: "string" },
        at: nullable(timestamp),
        took: { type: ["string", "null"], pattern: "^-?[0-9]+(\\.[0-9]+)?s$" },
        big: { type: ["string", "null"], pattern: "^-?[0-9]+$" },
        note: { type: ["string", "null"] },
        flag: { type: ["boolean", "null"] },
        ratio: { type: ["number", "null"] },
        raw: { type: ["string", "null"], contentEncoding: "base64" },
        attrs: { type: ["object", "null"] },
        anything: { type: ["string", "number", "boolean", "object", "array", "null"] },
        items: { type: ["array", "null"] },
        mask: { type: ["string", "null"] },
        nothing: { type: ["object", "null"] },
        history: { type: "array", items: timestamp },
      }),
    );
  });

  test("a JSON Schema's $refs into another subject's schema (and within it) are resolved into the stream's schema", () => {
    const address = { type: "object", properties: { city: { type: "string" } } };
    expect(schemas.get(topics.jsonRefs)).toEqual(
      documentSchema({
        id: { type: "string" },
        customer: { type: "object", properties: { name: { type: "string" }, address } },
        ship_to: address,
      }),
    );
  });

  test("a JSON Schema value schema is used as it is", () => {
    expect(schemas.get(topics.json)).toEqual(
      documentSchema({
        id: { type: "string" },
        amount: { type: "number" },
        method: { type: "string", enum: ["card", "cash"] },
      }),
    );
  });

  test("the documents read validate against the schema discovered", async () => {
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    // Airbyte's reading of these formats: a local timestamp (airbyte_type
    // timestamp_without_timezone) and a time of day have no offset, which ajv-formats requires.
    ajv.addFormat("date-time", /^\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/);
    ajv.addFormat("time", /^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/);
    for (const topic of [
      topics.avro,
      topics.protobuf,
      topics.json,
      topics.avroRefs,
      topics.avroLogical,
      topics.protoWellKnown,
      topics.jsonRefs,
    ]) {
      const result = await run("source", [
        "read",
        "--config",
        jsonFile("config.json", withRegistry()),
        "--catalog",
        jsonFile("catalog.json", catalog([topic])),
      ]);
      expectSuccess(result);
      const validate = ajv.compile(schemas.get(topic));
      const documents = records(result).map((r) => r.data);
      expect(documents.length).toBeGreaterThan(0);
      for (const document of documents)
        expect({ topic, valid: validate(document), errors: validate.errors ?? null }).toEqual({
          topic,
          valid: true,
          errors: null,
        });
    }
  }, 60_000);
});

describe("numbers beyond what a destination's number column holds", () => {
  const textToo = "Numbers of 10^29 or more were seen here, beyond a DECIMAL(38, 9) column: declared text as well.";
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);

  async function readValidating(config: object, schema: object) {
    const result = await run("source", [
      "read",
      "--config",
      jsonFile("config.json", config),
      "--catalog",
      jsonFile("catalog.json", catalog([bigNumbers])),
    ]);
    expectSuccess(result);
    const validate = ajv.compile(schema);
    const documents = records(result).map((r) => r.data);
    expect(documents).toHaveLength(2);
    for (const document of documents) expect(validate(document) ? null : validate.errors).toBeNull();
    return result;
  }

  test("are declared number or string, which makes a text column; the records keep them as numbers", async () => {
    const config = { bootstrap_servers: broker, topics: [bigNumbers] };
    const schema = (await discovered(config)).get(bigNumbers);
    expect(schema.properties).toMatchObject({
      id: { type: ["string", "number"], description: textToo },
      wei: { type: "number" },
      n: { type: "integer" },
      f: { type: "array", items: { type: ["string", "number"], description: textToo } },
    });
    const result = await readValidating(config, schema);
    expect(result.stdout).toContain('"id":340282366920938463463374607431768211455,"wei":1000000000000000000000,');
    expect(result.stdout).not.toContain('"rewrites"');
  }, 60_000);

  test("with big_numbers string, are strings in the records and in the schema", async () => {
    const config = { bootstrap_servers: broker, topics: [bigNumbers], big_numbers: "string" };
    const schema = (await discovered(config)).get(bigNumbers);
    expect(schema.properties).toMatchObject({
      id: { type: ["string", "integer"] },
      wei: { type: ["string", "number"] },
      n: { type: "integer" },
      f: { type: "array", items: { type: ["string", "number"] } },
    });
    const result = await readValidating(config, schema);
    expect(records(result).map((r) => [r.data.id, r.data.wei, r.data.f, r.data._meta.rewrites])).toEqual([
      ["340282366920938463463374607431768211455", "1000000000000000000000", ["1e30"], ["big_number"]],
      [7, 2 ** 64, [0.5], undefined],
    ]);
    // An unsigned 64-bit integer is no big number: written as produced.
    expect(result.stdout).toContain('"wei":18446744073709551615,');
  }, 60_000);
});

test("without a registry, discover infers a JSON topic's fields from its recent messages", async () => {
  const schemas = await discovered({ bootstrap_servers: broker });
  expect(schemas.get(plain)).toEqual(
    documentSchema({
      id: { type: ["number", "null"] },
      name: { type: ["string", "null"] },
      tags: { type: ["array", "null"], items: { type: "string" } },
      address: {
        type: ["object", "null"],
        properties: { city: { type: "string" }, zip: { type: ["string", "null"] } },
      },
      vip: { type: ["boolean", "null"] },
      value: { type: ["string", "null"] },
    }),
  );
}, 60_000);
