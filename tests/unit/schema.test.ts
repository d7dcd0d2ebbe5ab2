/** Pure schema work, without a broker: wire format, schema → JSON Schema, inference, documents. */
import { describe, expect, test } from "bun:test";
import avro from "avsc";
import protobuf from "protobufjs";
import { compileSchema } from "../../src/registry/compile.ts";
import { messageIndexes, unframe } from "../../src/registry/wire.ts";
import { avroToJsonSchema } from "../../src/json-schema/avro.ts";
import { documentJsonSchema, keyProperties } from "../../src/json-schema/document.ts";
import { inferJsonSchema } from "../../src/json-schema/infer.ts";
import { protobufToJsonSchema } from "../../src/json-schema/protobuf.ts";

describe("wire format", () => {
  test("magic byte 0 and a big-endian schema id frame the payload", () => {
    expect(unframe(Uint8Array.of(0, 0, 1, 0, 2, 9, 8))).toEqual({ schemaId: 65538, payload: Uint8Array.of(9, 8) });
    expect(unframe(Uint8Array.of(0, 0, 0, 1))).toBeNull();
    expect(unframe(new TextEncoder().encode('{"a":1}'))).toBeNull();
  });

  test("Protobuf message indexes are zigzag varints, a lone 0 standing for [0]", () => {
    expect(messageIndexes(Uint8Array.of(0, 8, 1))).toEqual({ indexes: [0], rest: Uint8Array.of(8, 1) });
    expect(messageIndexes(Uint8Array.of(4, 2, 6))).toEqual({ indexes: [1, 3], rest: new Uint8Array() });
    expect(() => messageIndexes(Uint8Array.of(4, 2))).toThrow("ends inside its Protobuf message indexes");
  });
});

describe("Avro → JSON Schema", () => {
  test("records, primitives, arrays, maps, enums, fixed, bytes and nullable unions", () => {
    const type = avro.Type.forSchema({
      type: "record",
      name: "R",
      fields: [
        { name: "b", type: "boolean" },
        { name: "i", type: "int" },
        { name: "l", type: "long" },
        { name: "f", type: "float" },
        { name: "s", type: "string", doc: "a string" },
        { name: "raw", type: "bytes" },
        { name: "h", type: { type: "fixed", name: "H", size: 2 } },
        { name: "e", type: ["null", { type: "enum", name: "E", symbols: ["A", "B"] }] },
        { name: "a", type: { type: "array", items: "double" } },
        { name: "m", type: { type: "map", values: ["null", "int"] } },
        { name: "u", type: ["int", "string"] },
        { name: "w", type: ["null", "int", "long"] },
      ],
    } as any);
    expect(avroToJsonSchema(type)).toEqual({
      type: "object",
      required: ["b", "i", "l", "f", "s", "raw", "h", "e", "a", "m", "u", "w"],
      properties: {
        b: { type: "boolean" },
        i: { type: "integer" },
        l: { type: "integer" },
        f: { type: "number" },
        s: { type: "string", description: "a string" },
        raw: { type: "string", contentEncoding: "base64" },
        h: { type: "string", contentEncoding: "base64" },
        e: { type: ["string", "null"], enum: ["A", "B", null] },
        a: { type: "array", items: { type: "number" } },
        m: { type: "object", additionalProperties: { type: ["integer", "null"] } },
        u: { anyOf: [{ type: "integer" }, { type: "string" }] },
        w: {
          anyOf: [
            { type: "null" },
            { type: "object", required: ["int"], properties: { int: { type: "integer" } } },
            { type: "object", required: ["long"], properties: { long: { type: "integer" } } },
          ],
        },
      },
    });
  });

  test("a recursive record is left open where it recurs", () => {
    const type = avro.Type.forSchema({
      type: "record",
      name: "Node",
      fields: [{ name: "next", type: ["null", "Node"] }],
    } as any);
    expect(avroToJsonSchema(type)).toEqual({
      type: "object",
      required: ["next"],
      properties: { next: { anyOf: [{}, { type: "null" }] } },
    });
  });

  test("decoding: bytes as base64, a wrapped union as {branch: value}", () => {
    const schema = {
      type: "record",
      name: "R",
      fields: [
        { name: "raw", type: "bytes" },
        { name: "w", type: ["int", "long"] },
      ],
    };
    const compiled = compileSchema({ schemaType: "AVRO", schema: JSON.stringify(schema), references: [] }, 1);
    const payload = avro.Type.forSchema(schema as any).toBuffer({ raw: Buffer.from([1, 2]), w: { long: 5 } });
    expect(compiled.decode(payload)).toEqual({ data: { raw: "AQI=", w: { long: 5 } }, encoding: "avro" });
    expect(() => compiled.decode(payload.subarray(0, 2))).toThrow("cannot be decoded with its schema");
  });
});

describe("Protobuf → JSON Schema", () => {
  const proto = `syntax = "proto3";
    message Outer {
      int32 n = 1; sint64 big = 2; repeated string names = 3; map<string, Inner> inner_by_name = 4;
      Inner inner = 5; Kind kind = 6; bytes raw = 7; optional bool flag = 8; double ratio = 9;
      message Inner { uint32 id = 1; }
      enum Kind { K0 = 0; K1 = 1; }
    }`;

  test("scalars, repeated, maps, nested messages, enums and optional fields", () => {
    const root = protobuf.parse(proto, { keepCase: true }).root;
    const inner = { type: "object", properties: { id: { type: "integer" } } };
    expect(protobufToJsonSchema(root.lookupType("Outer"))).toEqual({
      type: "object",
      properties: {
        n: { type: "integer" },
        big: { type: "string", pattern: "^-?[0-9]+$" },
        names: { type: "array", items: { type: "string" } },
        inner_by_name: { type: "object", additionalProperties: inner },
        inner: { ...inner, type: ["object", "null"] },
        kind: { type: "string", enum: ["K0", "K1"] },
        raw: { type: "string", contentEncoding: "base64" },
        flag: { type: ["boolean", "null"] },
        ratio: { type: "number" },
      },
    });
  });

  test("decoding the message that the indexes name, from .proto text", () => {
    const compiled = compileSchema({ schemaType: "PROTOBUF", schema: proto, references: [] }, 2);
    const root = protobuf.parse(proto, { keepCase: true }).root;
    const inner = root.lookupType("Outer.Inner");
    const payload = Buffer.concat([Buffer.from([4, 0, 0]), inner.encode({ id: 7 }).finish()]); // indexes [0, 0]: Outer.Inner
    expect(compiled.decode(payload)).toEqual({ data: { id: 7 }, encoding: "protobuf" });
    expect(() => compiled.decode(Uint8Array.of(2, 8))).toThrow("names Protobuf message index 4");
  });
});

describe("inference from samples", () => {
  test("merges properties, widens integer to number, and makes missing or null properties nullable", () => {
    expect(
      inferJsonSchema([
        { id: 1, name: "a", tags: ["x"], nested: { ok: true } },
        { id: 2.5, tags: [], nested: { ok: false, at: null } },
        { id: 3, name: null, tags: ["y", 1] },
      ]),
    ).toEqual({
      type: "object",
      properties: {
        id: { type: "number" },
        name: { type: ["string", "null"] },
        tags: { type: "array", items: { type: ["string", "integer"] } },
        nested: { type: ["object", "null"], properties: { ok: { type: "boolean" }, at: { type: "null" } } },
      },
    });
  });

  test("an integer beyond signed 64 bits is a number; one within is an integer, however large", () => {
    const sample = JSON.parse(
      '[{"id":12345678901234567890,"n":9223372036854774784,"m":-9223372036854774784,"o":1},{"o":-18446744073709551616}]',
    );
    expect(inferJsonSchema(sample)).toEqual({
      type: "object",
      properties: {
        id: { type: ["number", "null"] },
        n: { type: ["integer", "null"] },
        m: { type: ["integer", "null"] },
        o: { type: "number" },
      },
    });
  });

  test("integers whose doubles are ±2^63 are numbers: a BIGINT cannot hold those beyond it", () => {
    // -2^63 - 1 reads as the double -2^63, as -2^63 does; 2^63 - 1 reads as 2^63.
    const sample = JSON.parse('[{"below":-9223372036854775809,"min":-9223372036854775808,"max":9223372036854775807}]');
    expect(inferJsonSchema(sample).properties).toEqual({
      below: { type: "number" },
      min: { type: "number" },
      max: { type: "number" },
    });
  });

  test("a number of 10^29 or more makes its place a number or a string, a text column; below, a number", () => {
    const sample = JSON.parse(
      '[{"id":340282366920938463463374607431768211455,"wei":1000000000000000000000,"f":[1.5e300],"m":-1e29,"s":"x","t":{"a":1}},' +
        '{"id":7,"wei":1,"f":[],"m":5,"below":99999999999999973840964812800,"s":1e30,"t":1e30}]',
    );
    const description =
      "Numbers of 10^29 or more were seen here, beyond a DECIMAL(38, 9) column: declared text as well.";
    expect(inferJsonSchema(sample)).toEqual({
      type: "object",
      properties: {
        id: { type: ["string", "number"], description },
        wei: { type: "number" },
        f: { type: "array", items: { type: ["string", "number"], description } },
        m: { type: ["string", "number"], description },
        // The largest double below 10^29: a DECIMAL(38, 9) holds it.
        below: { type: ["number", "null"] },
        s: { type: ["string", "number"], description },
        t: {
          type: "object",
          description: "Values of several JSON types (object, number) were seen here: a JSON column holds each.",
        },
      },
    });
    expect(inferJsonSchema([{ n: 1e29 }, {}]).properties).toEqual({
      n: { type: ["string", "number", "null"], description },
    });
  });

  test("no samples leave the value open", () => {
    expect(inferJsonSchema([])).toEqual({});
  });
});

describe("open schemas", () => {
  test("a registered JSON Schema's closed objects are opened at any depth, its data left alone", () => {
    const registered = {
      type: "object",
      additionalProperties: false,
      properties: {
        a: {
          type: "object",
          additionalProperties: false,
          unevaluatedProperties: false,
          properties: { b: { type: "array", items: { type: "object", additionalProperties: false } } },
        },
        m: { type: "object", additionalProperties: { type: "string" } },
        c: { const: { additionalProperties: false } },
      },
      definitions: { D: { anyOf: [{ type: "object", additionalProperties: false }, { type: "null" }] } },
    };
    const compiled = compileSchema(
      { schemaType: "JSON", schema: JSON.stringify(registered), references: [] },
      1,
    ).jsonSchema();
    expect(compiled).toEqual({
      type: "object",
      properties: {
        a: { type: "object", properties: { b: { type: "array", items: { type: "object" } } } },
        m: { type: "object", additionalProperties: { type: "string" } },
        c: { const: { additionalProperties: false } },
      },
      definitions: { D: { anyOf: [{ type: "object" }, { type: "null" }] } },
    });
  });
});

describe("document schema", () => {
  const meta = { type: "object" };
  test("an object value's properties sit beside _meta; other values under value", () => {
    expect(
      documentJsonSchema({ type: "object", properties: { a: { type: "string" } }, required: ["a"] }, meta).properties,
    ).toEqual({ a: { type: "string" }, ...keyProperties, _meta: meta });
    expect(documentJsonSchema({ type: "string" }, meta).properties).toEqual({
      value: { type: "string" },
      ...keyProperties,
      _meta: meta,
    });
    expect(documentJsonSchema(undefined, meta)).toEqual({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      additionalProperties: true,
      required: ["_kafka_partition", "_kafka_offset", "_meta"],
      properties: { ...keyProperties, _meta: meta },
    });
  });

  test("a value's own key fields give way to the connector's", () => {
    const value = {
      type: "object",
      properties: { _kafka_offset: { type: "string" }, _kafka_partition: { type: "object" }, a: { type: "integer" } },
    };
    expect(documentJsonSchema(value, meta).properties).toEqual({
      a: { type: "integer" },
      ...keyProperties,
      _meta: meta,
    });
  });

  test("a JSON Schema's definitions move to the document's root, where its references point", () => {
    const value = {
      type: "object",
      properties: { p: { $ref: "#/definitions/P" } },
      definitions: { P: { type: "integer" } },
    };
    expect(documentJsonSchema(value, meta)).toMatchObject({
      properties: { p: { $ref: "#/definitions/P" } },
      definitions: { P: { type: "integer" } },
    });
  });
});
