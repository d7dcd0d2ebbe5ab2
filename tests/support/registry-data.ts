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
    { name: "line", type: { type: "record", name: "Line", fields: [{ name: "sku", type: "string" }, { name: "qty", type: "int" }] } },
    { name: "price", type: "double" },
  ],
});
export const avroKey = JSON.stringify({ type: "record", name: "OrderKey", namespace: "shop", fields: [{ name: "id", type: "string" }] });

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
  properties: { id: { type: "string" }, amount: { type: "number" }, method: { type: "string", enum: ["card", "cash"] } },
});
// With `$schema`: Apicurio takes a schema without it for JSON Schema only when it has `properties`.
export const jsonKey = JSON.stringify({ $schema: "http://json-schema.org/draft-07/schema#", type: "string" });

/** Schemas that refer to others: an Avro record using a record another subject defines, a .proto importing another file. */
export const avroMoney = JSON.stringify({ type: "record", name: "Money", namespace: "shop", fields: [{ name: "cents", type: "long" }, { name: "currency", type: "string" }] });
export const avroRefund = JSON.stringify({ type: "record", name: "Refund", namespace: "shop", fields: [{ name: "id", type: "string" }, { name: "amount", type: "shop.Money" }] });
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

export type Topics = { avro: string; protobuf: string; json: string; unknownId: string; avroRefs: string; protoRefs: string };

/** Starts a registry with basic auth and fills one topic per format; `stop` ends the registry. */
export async function registryTopics(broker: string, timestamp: number): Promise<{ registry: Registry; topics: Topics }> {
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
    avro: uniqueTopic("sr-avro"), protobuf: uniqueTopic("sr-proto"), json: uniqueTopic("sr-json"), unknownId: uniqueTopic("sr-unknown"),
    avroRefs: uniqueTopic("sr-avro-refs"), protoRefs: uniqueTopic("sr-proto-refs"),
  };
  for (const topic of Object.values(topics)) await createTopic(broker, topic, 1);
  const register = async (subject: string, body: object): Promise<number> => {
    const response = await fetch(`${registry.url}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`, "content-type": "application/vnd.schemaregistry.v1+json" },
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
  const refundProtoId = await register(`${topics.protoRefs}-value`, {
    schemaType: "PROTOBUF", schema: protoRefund, references: [{ name: "shop/money.proto", subject: "shop/money.proto", version: 1 }],
  });

  const avro = (schema: string, data: unknown): Part => ({ format: "avro", schema, data });
  const pb = (message: string, data: unknown): Part => ({ format: "protobuf", proto, message, data });
  const json = (schema: string, data: unknown): Part => ({ format: "json_schema", schema, data });
  const messages = [
    { topic: topics.avro, key: avro(avroKey, { id: "o-1" }), value: avro(avroValue, {
      id: "o-1", amount: 1250, currency: "EUR", tags: ["new", "gift"], attrs: { boxes: 2 }, note: null, line: { sku: "sku-9", qty: 3 }, price: 12.5 }) },
    { topic: topics.avro, key: avro(avroKey, { id: "o-2" }), value: avro(avroValue, {
      id: "o-2", amount: -7, currency: "USD", tags: [], attrs: {}, note: "rush", line: { sku: "sku-1", qty: 1 }, price: 0.25 }) },
    { topic: topics.avro, key: avro(avroKey, { id: "o-1" }), value: null },
    { topic: topics.protobuf, key: pb("shop.Key", { id: "k-1" }), value: pb("shop.Order", {
      order_id: "p-1", total_cents: "9007199254740993", lines: [{ sku: "a", qty: 2 }], status: "PAID", counts: { x: 1 }, blob: "AAH/", first: { sku: "a", qty: 2 } }) },
    { topic: topics.protobuf, key: pb("shop.Key", { id: "k-2" }), value: pb("shop.Order", { order_id: "p-2" }) },
    { topic: topics.json, key: json(jsonKey, "pay-1"), value: json(jsonValue, { id: "pay-1", amount: 19.99, method: "card" }) },
    { topic: topics.json, key: json(jsonKey, "pay-2"), value: json(jsonValue, { id: "pay-2", amount: 5 }) },
    { topic: topics.avroRefs, key: null, value: { format: "avro", schema: avroRefund, data: { id: "r-1", amount: { cents: 1999, currency: "EUR" } },
      references: [{ name: "shop.Money", subject: "shop.Money", version: 1 }] } as Part },
    // Bytes for Refund (message index 0) from the same definitions in one file, as Python's
    // protobuf cannot build classes from text; re-pointed below to the id of the importing schema.
    { topic: topics.protoRefs, key: null, value: { format: "protobuf", proto: protoRefund.replace('import "shop/money.proto";\n', "") + "message Money { int64 cents = 1; string currency = 2; }\n",
      message: "shop.Refund", data: { id: "r-2", amount: { cents: "-250", currency: "USD" } } } as Part },
  ];
  const bytes = await serialize({ url: registry.url, ...credentials }, messages);
  // The first Protobuf value as that Java producer writes it: the same bytes after the magic
  // byte, under the id of the .proto text. (Python's serialiser cannot use a schema registered
  // as text: Apicurio serves it as registered, and Python can only parse the descriptor form.)
  const firstProto = messages.findIndex((m) => m.topic === topics.protobuf);
  bytes[firstProto]!.value!.writeUInt32BE(protoTextId, 1);
  bytes[messages.findIndex((m) => m.topic === topics.protoRefs)]!.value!.writeUInt32BE(refundProtoId, 1);
  for (const topic of [topics.avro, topics.protobuf, topics.json, topics.avroRefs, topics.protoRefs]) {
    await produce(broker, topic, bytes.flatMap((b, i) => (messages[i]!.topic === topic ? [{ partition: 0, key: b.key, value: b.value, timestamp }] : [])));
  }
  // Framed like the others, but with a schema id no registry has.
  await produce(broker, topics.unknownId, [{ partition: 0, value: Buffer.from([0, 0, 0, 0x27, 0x0f, 2, 0x61]), timestamp }]);
  return topics;
}
