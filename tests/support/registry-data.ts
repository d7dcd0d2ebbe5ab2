/**
 * Topics of schema-registry messages for tests: Avro, Protobuf and JSON Schema keys and values,
 * written by Confluent's own serialisers (harness/serializers.ts) against a registry started here.
 */
import { startRegistry, type Registry } from "../../harness/registry.ts";
import { serialize, type Part } from "../../harness/serializers.ts";
import { uniqueTopic } from "./connector.ts";
import { createTopic, produce } from "./kafka.ts";

export const credentials = { username: "connector", password: "registry-pw-3141" };

export const avroValue = JSON.stringify({
  type: "record",
  name: "Order",
  namespace: "shop",
  fields: [
    { name: "id", type: "string", doc: "Order id" },
    { name: "amount", type: "long" },
    { name: "currency", type: { type: "enum", name: "Currency", symbols: ["EUR", "USD"] } },
    { name: "tags", type: { type: "array", items: "string" } },
    { name: "attrs", type: { type: "map", values: "int" } },
    { name: "note", type: ["null", "string"], default: null },
    {
      name: "line",
      type: {
        type: "record",
        name: "Line",
        fields: [
          { name: "sku", type: "string" },
          { name: "qty", type: "int" },
        ],
      },
    },
    { name: "price", type: "double" },
  ],
});
export const avroKey = JSON.stringify({
  type: "record",
  name: "OrderKey",
  namespace: "shop",
  fields: [{ name: "id", type: "string" }],
});

export const proto = `syntax = "proto3";
package shop;

message Order {
  string order_id = 1;
  int64 total_cents = 2;
  repeated Line lines = 3;
  Status status = 4;
  map<string, int32> counts = 5;
  bytes blob = 6;
  Line first = 7;
  message Line {
    string sku = 1;
    int32 qty = 2;
  }
  enum Status {
    NEW = 0;
    PAID = 1;
  }
}

message Key {
  string id = 1;
}
`;

export const jsonValue = JSON.stringify({
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Payment",
  type: "object",
  additionalProperties: false,
  required: ["id", "amount"],
  properties: {
    id: { type: "string" },
    amount: { type: "number" },
    method: { type: "string", enum: ["card", "cash"] },
  },
});
// With `$schema`: Apicurio takes a schema without it for JSON Schema only when it has `properties`.
export const jsonKey = JSON.stringify({ $schema: "http://json-schema.org/draft-07/schema#", type: "string" });

/** Schemas that refer to others: an Avro record using a record another subject defines, a .proto importing another file. */
export const avroMoney = JSON.stringify({
  type: "record",
  name: "Money",
  namespace: "shop",
  fields: [
    { name: "cents", type: "long" },
    { name: "currency", type: "string" },
  ],
});
export const avroRefund = JSON.stringify({
  type: "record",
  name: "Refund",
  namespace: "shop",
  fields: [
    { name: "id", type: "string" },
    { name: "amount", type: "shop.Money" },
  ],
});
export const protoMoney = `syntax = "proto3";
package shop;
message Money { int64 cents = 1; string currency = 2; }
`;
// In the same package as the file it imports: message indexes count this file's messages only.
export const protoRefund = `syntax = "proto3";
package shop;
import "shop/money.proto";
message Refund { string id = 1; Money amount = 2; }
`;

/** Avro's logical types and longs beyond 2^53, each decoded to what it means. */
export const avroLogical = JSON.stringify({
  type: "record",
  name: "Reading",
  namespace: "lab",
  fields: [
    { name: "big", type: "long" },
    { name: "amount", type: { type: "bytes", logicalType: "decimal", precision: 10, scale: 2 } },
    { name: "whole", type: { type: "bytes", logicalType: "decimal", precision: 5, scale: 0 } },
    { name: "wide", type: { type: "fixed", name: "Wide", size: 16, logicalType: "decimal", precision: 38, scale: 0 } },
    { name: "at_ms", type: { type: "long", logicalType: "timestamp-millis" } },
    { name: "at_us", type: { type: "long", logicalType: "timestamp-micros" } },
    { name: "at_ns", type: { type: "long", logicalType: "timestamp-nanos" } },
    { name: "local_ms", type: { type: "long", logicalType: "local-timestamp-millis" } },
    { name: "local_us", type: { type: "long", logicalType: "local-timestamp-micros" } },
    { name: "day", type: { type: "int", logicalType: "date" } },
    { name: "time_ms", type: { type: "int", logicalType: "time-millis" } },
    { name: "time_us", type: { type: "long", logicalType: "time-micros" } },
    { name: "id", type: { type: "string", logicalType: "uuid" } },
    { name: "span", type: { type: "fixed", name: "Span", size: 12, logicalType: "duration" } },
    { name: "odd", type: { type: "string", logicalType: "not-a-logical-type" } },
    { name: "seen", type: ["null", { type: "long", logicalType: "timestamp-millis" }], default: null },
  ],
});

/** Google's well-known types, which the proto3 JSON mapping writes as what they hold. */
export const protoWellKnown = `syntax = "proto3";
package lab;
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/empty.proto";

message Event {
  string id = 1;
  google.protobuf.Timestamp at = 2;
  google.protobuf.Duration took = 3;
  google.protobuf.Int64Value big = 4;
  google.protobuf.StringValue note = 5;
  google.protobuf.BoolValue flag = 6;
  google.protobuf.DoubleValue ratio = 7;
  google.protobuf.BytesValue raw = 8;
  google.protobuf.Struct attrs = 9;
  google.protobuf.Value anything = 10;
  google.protobuf.ListValue items = 11;
  google.protobuf.FieldMask mask = 12;
  google.protobuf.Empty nothing = 13;
  repeated google.protobuf.Timestamp history = 14;
}
`;

/** A JSON Schema whose `$ref`s point into another subject's schema, itself with a local `$ref`. */
export const jsonCustomer = JSON.stringify({
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: { name: { type: "string" }, address: { $ref: "#/definitions/address" } },
  definitions: { address: { type: "object", properties: { city: { type: "string" } } } },
});
export const jsonInvoice = JSON.stringify({
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: {
    id: { type: "string" },
    customer: { $ref: "customer.json" },
    ship_to: { $ref: "customer.json#/definitions/address" },
  },
});

export type Topics = {
  avro: string;
  protobuf: string;
  json: string;
  unknownId: string;
  avroRefs: string;
  protoRefs: string;
  avroLogical: string;
  protoWellKnown: string;
  jsonRefs: string;
};

/** Starts a registry with basic auth and fills one topic per format; `stop` ends the registry. */
export async function registryTopics(
  broker: string,
  timestamp: number,
): Promise<{ registry: Registry; topics: Topics }> {
  const registry = await startRegistry(credentials);
  try {
    return { registry, topics: await fillTopics(broker, registry, timestamp) };
  } catch (error) {
    // The caller gets no registry to stop when setting up fails.
    await registry.stop();
    throw error;
  }
}

async function fillTopics(broker: string, registry: Registry, timestamp: number): Promise<Topics> {
  const topics: Topics = {
    avro: uniqueTopic("sr-avro"),
    protobuf: uniqueTopic("sr-proto"),
    json: uniqueTopic("sr-json"),
    unknownId: uniqueTopic("sr-unknown"),
    avroRefs: uniqueTopic("sr-avro-refs"),
    protoRefs: uniqueTopic("sr-proto-refs"),
    avroLogical: uniqueTopic("sr-avro-logical"),
    protoWellKnown: uniqueTopic("sr-proto-wkt"),
    jsonRefs: uniqueTopic("sr-json-refs"),
  };
  for (const topic of Object.values(topics)) await createTopic(broker, topic, 1);
  const register = async (subject: string, body: object): Promise<number> => {
    const response = await fetch(`${registry.url}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`,
        "content-type": "application/vnd.schemaregistry.v1+json",
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`registering ${subject}: HTTP ${response.status} ${await response.text()}`);
    return ((await response.json()) as { id: number }).id;
  };
  // As a Java producer would have it: the value's schema registered as .proto text (its id is
  // `protoTextId`). Python's serialiser then registers its own form, a FileDescriptorProto.
  const protoTextId = await register(`${topics.protobuf}-value`, { schemaType: "PROTOBUF", schema: proto });
  // Referenced schemas under subjects of their own, and the .proto importing one, as text.
  await register("shop.Money", { schema: avroMoney });
  await register("shop/money.proto", { schemaType: "PROTOBUF", schema: protoMoney });
  await register("customer", { schemaType: "JSON", schema: jsonCustomer });
  const refundProtoId = await register(`${topics.protoRefs}-value`, {
    schemaType: "PROTOBUF",
    schema: protoRefund,
    references: [{ name: "shop/money.proto", subject: "shop/money.proto", version: 1 }],
  });

  const avro = (schema: string, data: unknown): Part => ({ format: "avro", schema, data });
  const pb = (message: string, data: unknown): Part => ({ format: "protobuf", proto, message, data });
  const json = (schema: string, data: unknown): Part => ({ format: "json_schema", schema, data });
  const messages = [
    {
      topic: topics.avro,
      key: avro(avroKey, { id: "o-1" }),
      value: avro(avroValue, {
        id: "o-1",
        amount: 1250,
        currency: "EUR",
        tags: ["new", "gift"],
        attrs: { boxes: 2 },
        note: null,
        line: { sku: "sku-9", qty: 3 },
        price: 12.5,
      }),
    },
    {
      topic: topics.avro,
      key: avro(avroKey, { id: "o-2" }),
      value: avro(avroValue, {
        id: "o-2",
        amount: -7,
        currency: "USD",
        tags: [],
        attrs: {},
        note: "rush",
        line: { sku: "sku-1", qty: 1 },
        price: 0.25,
      }),
    },
    { topic: topics.avro, key: avro(avroKey, { id: "o-1" }), value: null },
    {
      topic: topics.protobuf,
      key: pb("shop.Key", { id: "k-1" }),
      value: pb("shop.Order", {
        order_id: "p-1",
        total_cents: "9007199254740993",
        lines: [{ sku: "a", qty: 2 }],
        status: "PAID",
        counts: { x: 1 },
        blob: "AAH/",
        first: { sku: "a", qty: 2 },
      }),
    },
    { topic: topics.protobuf, key: pb("shop.Key", { id: "k-2" }), value: pb("shop.Order", { order_id: "p-2" }) },
    {
      topic: topics.json,
      key: json(jsonKey, "pay-1"),
      value: json(jsonValue, { id: "pay-1", amount: 19.99, method: "card" }),
    },
    { topic: topics.json, key: json(jsonKey, "pay-2"), value: json(jsonValue, { id: "pay-2", amount: 5 }) },
    {
      topic: topics.avroRefs,
      key: null,
      value: {
        format: "avro",
        schema: avroRefund,
        data: { id: "r-1", amount: { cents: 1999, currency: "EUR" } },
        references: [{ name: "shop.Money", subject: "shop.Money", version: 1 }],
      } as Part,
    },
    // Bytes for Refund (message index 0) from the same definitions in one file, as Python's
    // protobuf cannot build classes from text; re-pointed below to the id of the importing schema.
    {
      topic: topics.protoRefs,
      key: null,
      value: {
        format: "protobuf",
        proto:
          protoRefund.replace('import "shop/money.proto";\n', "") +
          "message Money { int64 cents = 1; string currency = 2; }\n",
        message: "shop.Refund",
        data: { id: "r-2", amount: { cents: "-250", currency: "USD" } },
      } as Part,
    },
    ...logicalMessages(topics),
  ];
  const bytes = await serialize({ url: registry.url, ...credentials }, messages);
  // The first Protobuf value as that Java producer writes it: the same bytes after the magic
  // byte, under the id of the .proto text. (Python's serialiser cannot use a schema registered
  // as text: Apicurio serves it as registered, and Python can only parse the descriptor form.)
  const firstProto = messages.findIndex((m) => m.topic === topics.protobuf);
  bytes[firstProto]!.value!.writeUInt32BE(protoTextId, 1);
  bytes[messages.findIndex((m) => m.topic === topics.protoRefs)]!.value!.writeUInt32BE(refundProtoId, 1);
  for (const topic of [
    topics.avro,
    topics.protobuf,
    topics.json,
    topics.avroRefs,
    topics.protoRefs,
    topics.avroLogical,
    topics.protoWellKnown,
    topics.jsonRefs,
  ]) {
    await produce(
      broker,
      topic,
      bytes.flatMap((b, i) =>
        messages[i]!.topic === topic ? [{ partition: 0, key: b.key, value: b.value, timestamp }] : [],
      ),
    );
  }
  // Framed like the others, but with a schema id no registry has.
  await produce(broker, topics.unknownId, [
    { partition: 0, value: Buffer.from([0, 0, 0, 0x27, 0x0f, 2, 0x61]), timestamp },
  ]);
  return topics;
}

/**
 * Values of the logical, well-known and referencing schemas, as their producers write them: the
 * second of each holds negative and pre-1970 values. `$int`, `$decimal` and `$bytes` stand for
 * the Python values the serialisers take (harness/serialize.py).
 */
function logicalMessages(topics: Topics) {
  const pb = (data: unknown): Part => ({ format: "protobuf", proto: protoWellKnown, message: "lab.Event", data });
  const json = (data: unknown): Part => ({
    format: "json_schema",
    schema: jsonInvoice,
    data,
    references: [{ name: "customer.json", subject: "customer", version: 1 }],
  });
  return [
    ...avroLogicalMessages(topics.avroLogical),
    {
      topic: topics.protoWellKnown,
      key: null,
      value: pb({
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
      }),
    },
    {
      topic: topics.protoWellKnown,
      key: null,
      value: pb({ id: "e-2", at: "1969-12-31T23:59:59.999999999Z", took: "-0.250s" }),
    },
    {
      topic: topics.jsonRefs,
      key: null,
      value: json({ id: "inv-1", customer: { name: "Ann", address: { city: "Oslo" } }, ship_to: { city: "Rome" } }),
    },
  ];
}

/** Two values of `avroLogical` for `topic`, the second with negative and pre-1970 values. */
export function avroLogicalMessages(topic: string) {
  const avro = (data: unknown): Part => ({ format: "avro", schema: avroLogical, data });
  const span = (months: number, days: number, millis: number) => {
    const bytes = Buffer.alloc(12);
    bytes.writeUInt32LE(months, 0);
    bytes.writeUInt32LE(days, 4);
    bytes.writeUInt32LE(millis, 8);
    return { $bytes: bytes.toString("base64") };
  };
  return [
    {
      topic,
      key: null,
      value: avro({
        big: { $int: String(2n ** 60n + 1n) },
        amount: { $decimal: "12345678.90" },
        whole: { $decimal: "42" },
        wide: { $decimal: "12345678901234567890123456789012345678" },
        at_ms: 1709287201000,
        at_us: 1709287201123456,
        at_ns: { $int: "1709287201123456789" },
        local_ms: 1709287201000,
        local_us: 1709287201000001,
        day: 19783,
        time_ms: 3723500,
        time_us: 45296789012,
        id: "123e4567-e89b-12d3-a456-426614174000",
        span: span(1, 2, 3),
        odd: "plain",
        seen: 1709287201000,
      }),
    },
    {
      topic,
      key: null,
      value: avro({
        big: { $int: String(-(2n ** 62n) - 3n) },
        amount: { $decimal: "-0.05" },
        whole: { $decimal: "0" },
        wide: { $decimal: "-99999999999999999999999999999999999999" },
        at_ms: -1,
        at_us: -86400000001,
        at_ns: -1,
        local_ms: -62135596800000,
        local_us: 0,
        day: -719162,
        time_ms: 0,
        time_us: 86399999999,
        id: "00000000-0000-0000-0000-000000000000",
        span: span(0, 0, 0),
        odd: "",
        seen: null,
      }),
    },
  ];
}
