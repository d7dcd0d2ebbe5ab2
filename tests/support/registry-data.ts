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

export type Topics = { avro: string; protobuf: string; json: string; unknownId: string };

/** Starts a registry with basic auth and fills one topic per format; `stop` ends the registry. */
export async function registryTopics(broker: string, timestamp: number): Promise<{ registry: Registry; topics: Topics }> {
  const registry = await startRegistry(credentials);
  const topics: Topics = { avro: uniqueTopic("sr-avro"), protobuf: uniqueTopic("sr-proto"), json: uniqueTopic("sr-json"), unknownId: uniqueTopic("sr-unknown") };
  for (const topic of Object.values(topics)) await createTopic(broker, topic, 1);
  // As a Java producer would have it: the value's schema registered as .proto text (its id is
  // `protoTextId`). Python's serialiser then registers its own form, a FileDescriptorProto.
  const registered = await fetch(`${registry.url}/subjects/${topics.protobuf}-value/versions`, {
    method: "POST",
    headers: { authorization: `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`, "content-type": "application/vnd.schemaregistry.v1+json" },
    body: JSON.stringify({ schemaType: "PROTOBUF", schema: proto }),
  });
  if (!registered.ok) throw new Error(`registering the Protobuf schema: HTTP ${registered.status}`);
  const protoTextId = ((await registered.json()) as { id: number }).id;

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
  ];
  const bytes = await serialize({ url: registry.url, ...credentials }, messages);
  // The first Protobuf value as that Java producer writes it: the same bytes after the magic
  // byte, under the id of the .proto text. (Python's serialiser cannot use a schema registered
  // as text: Apicurio serves it as registered, and Python can only parse the descriptor form.)
  const firstProto = messages.findIndex((m) => m.topic === topics.protobuf);
  bytes[firstProto]!.value!.writeUInt32BE(protoTextId, 1);
  for (const topic of [topics.avro, topics.protobuf, topics.json]) {
    await produce(broker, topic, bytes.flatMap((b, i) => (messages[i]!.topic === topic ? [{ partition: 0, key: b.key, value: b.value, timestamp }] : [])));
  }
  // Framed like the others, but with a schema id no registry has.
  await produce(broker, topics.unknownId, [{ partition: 0, value: Buffer.from([0, 0, 0, 0x27, 0x0f, 2, 0x61]), timestamp }]);
  return { registry, topics };
}
