/** Registry values decoded to what they mean, without a broker: exact numbers, instants, well-known types, references. */
import { describe, expect, test } from "bun:test";
import avro from "avsc";
import protobuf from "protobufjs";
import { protoToDescriptor } from "../../harness/proto-descriptor.ts";
import { type DecodeOptions, documentJson, toDocument } from "../../src/decode/document.ts";
import { rawJson } from "../../src/decode/raw-json.ts";
import { inferJsonSchema } from "../../src/json-schema/infer.ts";
import { inlineRefs } from "../../src/json-schema/refs.ts";
import { decimalText } from "../../src/decode/decimal.ts";
import { compileSchema } from "../../src/registry/compile.ts";
import { calendarDate, dateTime, timeOfDay } from "../../src/decode/temporal.ts";

describe("instants, dates and times", () => {
  test("before 1970 the fraction counts forward from the second below", () => {
    expect(dateTime(-1n, 1000n, 3, "Z")).toBe("1969-12-31T23:59:59.999Z");
    expect(dateTime(-1_000_001n, 1_000_000n, 6, "Z")).toBe("1969-12-31T23:59:58.999999Z");
    expect(dateTime(0n, 1_000_000_000n, 9, "")).toBe("1970-01-01T00:00:00.000000000");
    expect(dateTime(1_709_287_201_123_456_789n, 1_000_000_000n, 9, "Z")).toBe("2024-03-01T10:00:01.123456789Z");
  });

  test("dates and times of day", () => {
    expect(calendarDate(19783)).toBe("2024-03-01");
    expect(calendarDate(-1)).toBe("1969-12-31");
    expect(() => calendarDate(2 ** 31 - 1)).toThrow("date 2147483647 (days since 1970) is beyond ±273,790 years");
    expect(timeOfDay(86_399_999n, 1000n, 3)).toBe("23:59:59.999");
    expect(() => timeOfDay(86_400_000n, 1000n, 3)).toThrow("outside one day");
  });

  test("an instant beyond what a date can say is an error, which decoding reports", () => {
    expect(() => dateTime(2n ** 62n, 1000n, 3, "Z")).toThrow(RangeError);
    expect(dateTime(-8_640_000_000_000_000n, 1000n, 3, "Z")).toBe("-271821-04-20T00:00:00.000Z");
  });
});

describe("Avro", () => {
  const compile = (schema: object) =>
    compileSchema({ schemaType: "AVRO", schema: JSON.stringify(schema), references: [] }, 1);
  const longs = avro.types.LongType.__with({
    fromBuffer: (b: Buffer) => b.readBigInt64LE(0),
    toBuffer: (v: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(v);
      return b;
    },
    fromJSON: BigInt,
    toJSON: Number,
    isValid: (v: unknown) => typeof v === "bigint",
    compare: () => 0,
  });
  /** A writer that takes bigints for longs, so that tests can write any long. */
  const writer = (schema: object) =>
    avro.Type.forSchema(
      schema as any,
      { typeHook: (s: any) => (s === "long" || s?.type === "long" ? longs : undefined) } as any,
    );

  test("decimals keep every digit: scale 0, negative, below one; wider than DECIMAL(38, 9) as a string", () => {
    expect(decimalText(1234567890n, 2)).toBe("12345678.90");
    expect(decimalText(-5n, 2)).toBe("-0.05");
    expect(decimalText(42n, 0)).toBe("42");
    const schema = {
      type: "record",
      name: "D",
      fields: [
        { name: "n", type: { type: "bytes", logicalType: "decimal", precision: 29, scale: 9 } },
        { name: "s", type: { type: "bytes", logicalType: "decimal", precision: 12, scale: 10 } },
      ],
    };
    const value = { n: Buffer.from([0xff, 0x85]), s: Buffer.from([0x7b]) }; // -123 and 123
    const decoded = compile(schema).decode(writer(schema).toBuffer(value));
    expect(JSON.stringify(decoded.data)).toBe('{"n":-0.000000123,"s":"0.0000000123"}');
    expect((compile(schema).jsonSchema().properties as any).s).toEqual({
      type: "string",
      pattern: "^-?[0-9]+(\\.[0-9]+)?$",
    });
  });

  test("an invalid or unknown logical type decodes as its underlying type", () => {
    const schema = {
      type: "record",
      name: "U",
      fields: [
        { name: "d", type: { type: "bytes", logicalType: "decimal", precision: 2, scale: 3 } },
        { name: "t", type: { type: "string", logicalType: "timestamp-millis" } },
        { name: "x", type: { type: "long", logicalType: "x-custom" } },
      ],
    };
    const decoded = compile(schema).decode(writer(schema).toBuffer({ d: Buffer.from([1]), t: "then", x: 2n ** 60n }));
    expect(JSON.stringify(decoded.data)).toBe('{"d":"AQ==","t":"then","x":1152921504606846976}');
    expect(compile(schema).jsonSchema().properties).toEqual({
      d: { type: "string", contentEncoding: "base64" },
      t: { type: "string" },
      x: { type: "integer" },
    });
  });

  test("a union is wrapped where branches decode to the same JSON type, a logical type's included", () => {
    const schema = {
      type: "record",
      name: "W",
      fields: [
        { name: "a", type: ["string", { type: "long", logicalType: "timestamp-millis" }] },
        { name: "b", type: ["null", "long"] },
      ],
    };
    const decoded = compile(schema).decode(
      avro.Type.forSchema(schema as any, { wrapUnions: true }).toBuffer({ a: { long: 0 }, b: { long: 5 } }),
    );
    expect(decoded.data).toEqual({ a: { long: "1970-01-01T00:00:00.000Z" }, b: 5 });
  });

  test("an instant beyond what a date can say is a payload its schema cannot decode (on_decode_error decides)", () => {
    const schema = { type: "long", logicalType: "timestamp-millis" };
    expect(() => compile(schema).decode(writer(schema).toBuffer(2n ** 62n))).toThrow(
      "cannot be decoded with its schema: instant 4611686018427387904 (1/1000 s) is beyond ±273,790 years",
    );
  });

  test("a long alone, beyond 2^53, is a value of its own, not an object", () => {
    const compiled = compile({ type: "long" } as object);
    const value = compiled.decode(writer({ type: "long" }).toBuffer(-(2n ** 63n)));
    expect(JSON.stringify(value.data)).toBe("-9223372036854775808");
  });
});

describe("documents of exact numbers", () => {
  const options: DecodeOptions = {
    keyFormat: "auto",
    valueFormat: "auto",
    onDecodeError: "fail",
    nulCharacters: "keep",
    bigNumbers: "keep",
  };
  const origin = { topic: "t", partition: 0, logAppendTime: false };
  const record = { offset: 1, timestamp: 0, key: Uint8Array.of(0), value: Uint8Array.of(0), headers: [] };
  const wire = (data: unknown) => () => ({ data, encoding: "avro" as const });

  test("a value or key that is an exact number sits under value and in _meta, with its digits", () => {
    const line = documentJson(origin, record, options, wire(rawJson("1152921504606846977")));
    expect(line).toStartWith(
      '{"value":1152921504606846977,"_kafka_partition":0,"_kafka_offset":1,"_meta":{"topic":"t","partition":0,"offset":1,"timestamp":"1970-01-01T00:00:00.000Z","timestamp_type":"create_time","key":1152921504606846977,',
    );
    expect(toDocument({ ...origin, ...record }, options, wire(rawJson("1"))).value).toBe(1);
  });

  test("an object value holding exact numbers is written with their digits", () => {
    const line = documentJson(
      origin,
      record,
      options,
      wire({ big: rawJson("-9223372036854775808"), amount: rawJson("12345678.90") }),
    );
    expect(line).toStartWith('{"big":-9223372036854775808,"amount":12345678.90,"_kafka_partition":0,');
  });

  test("schema inference types exact numbers by their digits", () => {
    expect(
      inferJsonSchema([{ a: rawJson("9223372036854775807"), b: rawJson("9223372036854775808"), c: rawJson("1.50") }]),
    ).toEqual({
      type: "object",
      properties: { a: { type: "integer" }, b: { type: "number" }, c: { type: "number" } },
    });
  });
});

describe("Protobuf well-known types", () => {
  const proto = `syntax = "proto3";
    package w;
    import "google/protobuf/duration.proto";
    import "google/protobuf/timestamp.proto";
    message M { google.protobuf.Duration d = 1; google.protobuf.Timestamp t = 2; M next = 3; }`;

  test("from a registry's FileDescriptorProto, durations of either sign, instants, and recursive messages", () => {
    const compiled = compileSchema(
      { schemaType: "PROTOBUF", schema: protoToDescriptor(proto).toString("base64"), references: [] },
      1,
    );
    const parsed = protobuf.parse(proto, { keepCase: true });
    for (const name of parsed.imports ?? []) parsed.root.addJSON((protobuf.common as any).get(name).nested);
    const M = parsed.root.lookupType("w.M");
    const bytes = M.encode(
      M.fromObject({
        d: { seconds: 0, nanos: -1000 },
        t: { seconds: -62135596800 },
        next: { d: { seconds: 3, nanos: 10 } },
      }),
    ).finish();
    expect(compiled.decode(Uint8Array.of(0, ...bytes)).data).toEqual({
      d: "-0.000001s",
      t: "0001-01-01T00:00:00Z",
      next: { d: "3.000000010s", t: null, next: null },
    });
  });
});

describe("JSON Schema references", () => {
  test("refs into other documents and within them are inlined; a recurring one is left open; an unknown one kept", () => {
    const node = {
      type: "object",
      properties: { child: { $ref: "#" }, at: { $ref: "#/definitions/at" } },
      definitions: { at: { type: "string" } },
    };
    const schema = {
      type: "object",
      properties: { tree: { $ref: "node.json", description: "a tree" }, url: { $ref: "https://example.com/s.json" } },
    };
    expect(inlineRefs(schema, new Map([["node.json", { $schema: "x", ...node }]]))).toEqual({
      type: "object",
      properties: {
        tree: { type: "object", properties: { child: {}, at: { type: "string" } }, description: "a tree" },
        url: { $ref: "https://example.com/s.json" },
      },
    });
  });
});
