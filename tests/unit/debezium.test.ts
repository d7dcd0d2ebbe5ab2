/**
 * Debezium change events without a broker: Connect's semantic types converted and described alike,
 * JSON integers kept exact, and an Avro envelope (as Debezium's Avro converter writes its schema,
 * types named in connect.name) read through the registry's compiler into its row.
 * tests/broker/cdc.test.ts reads real Debezium output end to end.
 */
import { describe, expect, test } from "bun:test";
import avro from "avsc";
import { type ConnectSchema, connectJsonSchema, fromConnect } from "../../src/decode/connect-schema.ts";
import { debeziumDocument } from "../../src/decode/debezium.ts";
import type { DecodeOptions } from "../../src/decode/document.ts";
import { parseJsonExact } from "../../src/decode/raw-json.ts";
import { rowOfEnvelope } from "../../src/discover/debezium.ts";
import { compileSchema } from "../../src/registry/compile.ts";

const bytes = (...values: number[]) => Buffer.from(values).toString("base64");

describe("Connect's semantic types", () => {
  const cases: [string, ConnectSchema, unknown, unknown, Record<string, unknown>][] = [
    ["Date", { type: "int32", name: "io.debezium.time.Date" }, -1, "1969-12-31", { type: "string", format: "date" }],
    [
      "Timestamp (wall clock, ms)",
      { type: "int64", name: "io.debezium.time.Timestamp" },
      1704164645123,
      "2024-01-02T03:04:05.123",
      { type: "string", format: "date-time", airbyte_type: "timestamp_without_timezone" },
    ],
    [
      "NanoTimestamp",
      { type: "int64", name: "io.debezium.time.NanoTimestamp" },
      parseJsonExact("1704164645123456789"),
      "2024-01-02T03:04:05.123456789",
      { type: "string", format: "date-time", airbyte_type: "timestamp_without_timezone" },
    ],
    [
      "Connect Timestamp (UTC)",
      { type: "int64", name: "org.apache.kafka.connect.data.Timestamp" },
      0,
      "1970-01-01T00:00:00.000Z",
      { type: "string", format: "date-time", airbyte_type: "timestamp_with_timezone" },
    ],
    [
      "MicroTime",
      { type: "int64", name: "io.debezium.time.MicroTime" },
      3_723_000_001,
      "01:02:03.000001",
      { type: "string", format: "time", airbyte_type: "time_without_timezone" },
    ],
    [
      "NanoTime",
      { type: "int64", name: "io.debezium.time.NanoTime" },
      1,
      "00:00:00.000000001",
      { type: "string", format: "time", airbyte_type: "time_without_timezone" },
    ],
    [
      "Decimal within DECIMAL(38, 9): a number",
      {
        type: "bytes",
        name: "org.apache.kafka.connect.data.Decimal",
        parameters: { scale: "2", "connect.decimal.precision": "10" },
      },
      bytes(0xff, 0xfb),
      -0.05,
      { type: "number" },
    ],
    [
      "Decimal wider than DECIMAL(38, 9): a string",
      {
        type: "bytes",
        name: "org.apache.kafka.connect.data.Decimal",
        parameters: { scale: "10", "connect.decimal.precision": "40" },
      },
      bytes(0x04, 0xd2),
      "0.0000001234",
      { type: "string", pattern: "^-?[0-9]+(\\.[0-9]+)?$" },
    ],
    [
      "VariableScaleDecimal",
      { type: "struct", name: "io.debezium.data.VariableScaleDecimal", fields: [] },
      { scale: 3, value: bytes(0xfb, 0x2e) },
      "-1.234",
      { type: "string", pattern: "^-?[0-9]+(\\.[0-9]+)?$" },
    ],
    [
      "Json",
      { type: "string", name: "io.debezium.data.Json" },
      '{"a": [1, null]}',
      { a: [1, null] },
      { type: ["string", "number", "boolean", "object", "array", "null"] },
    ],
    [
      "Uuid",
      { type: "string", name: "io.debezium.data.Uuid" },
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      { type: "string", format: "uuid" },
    ],
  ];
  test.each(cases)("%s", (_name, schema, value, converted, jsonSchema) => {
    expect(JSON.parse(JSON.stringify(fromConnect(schema, value)))).toEqual(converted);
    expect(connectJsonSchema(schema)).toEqual(jsonSchema);
  });

  test("structs and arrays convert inside; an optional schema admits null; a null stays null", () => {
    const schema: ConnectSchema = {
      type: "struct",
      fields: [
        { type: "array", field: "days", items: { type: "int32", name: "io.debezium.time.Date" } },
        { type: "string", field: "note", optional: true },
      ],
    };
    expect(fromConnect(schema, { days: [0, 1], note: null })).toEqual({
      days: ["1970-01-01", "1970-01-02"],
      note: null,
    });
    expect(connectJsonSchema(schema)).toEqual({
      type: "object",
      properties: {
        days: { type: "array", items: { type: "string", format: "date" } },
        note: { type: ["string", "null"] },
      },
    });
    expect(fromConnect({ type: "int32", name: "io.debezium.time.Date", optional: true }, null)).toBeNull();
  });
});

test("a value a semantic type cannot convert follows on_decode_error, naming where it is and the column", () => {
  const value = JSON.stringify({
    schema: {
      type: "struct",
      fields: [
        { type: "struct", field: "before", optional: true, fields: [] },
        {
          type: "struct",
          field: "after",
          optional: true,
          fields: [{ type: "string", name: "io.debezium.data.Json", field: "doc" }],
        },
        { type: "string", field: "op" },
      ],
    },
    payload: { before: null, after: { doc: "{not json" }, op: "c" },
  });
  const input = {
    topic: "t",
    partition: 2,
    logAppendTime: false,
    offset: 9,
    timestamp: 0,
    key: null,
    value: Buffer.from(value),
    headers: [],
  };
  const options: DecodeOptions = {
    keyFormat: "auto",
    valueFormat: "auto",
    onDecodeError: "fail",
    nulCharacters: "keep",
    bigNumbers: "keep",
  };
  expect(() => debeziumDocument(input, input, options)).toThrow(
    "value of t partition 2 offset 9 column doc: its io.debezium.data.Json value cannot be converted (JSON Parse error: Expected '}'); " +
      "set on_decode_error to emit_raw to emit such messages as base64, or value_envelope to none for this stream",
  );
  expect(debeziumDocument(input, input, { ...options, onDecodeError: "emit_raw" })).toMatchObject({
    value: Buffer.from(value).toString("base64"),
    _meta: {
      value_encoding: "base64",
      decode_error: expect.stringContaining("column doc: its io.debezium.data.Json value"),
    },
  });
});

describe("exact JSON", () => {
  test("integers of 16 digits or more keep every digit; strings and fractions are left alone", () => {
    const text =
      '{"a":9007199254740993,"b":-12345678901234567890,"c":"12345678901234567","d":0.12345678901234567,"e":1e300,"f":[1234567890123456789]}';
    expect(JSON.stringify(parseJsonExact(text))).toBe(
      '{"a":9007199254740993,"b":-12345678901234567890,"c":"12345678901234567","d":0.12345678901234566,"e":1e+300,"f":[1234567890123456789]}',
    );
    expect(parseJsonExact('{"a":1}')).toEqual({ a: 1 });
  });
});

describe("an Avro envelope through the registry", () => {
  // As Debezium's Avro converter writes it: nullable before/after records, semantic types in connect.name.
  const row = {
    type: "record",
    name: "Value",
    namespace: "shop.public.products",
    fields: [
      { name: "id", type: "int" },
      {
        name: "added",
        type: ["null", { type: "int", "connect.version": 1, "connect.name": "io.debezium.time.Date" }],
        default: null,
      },
      {
        name: "seen",
        type: ["null", { type: "long", "connect.version": 1, "connect.name": "io.debezium.time.MicroTimestamp" }],
        default: null,
      },
      {
        name: "doc",
        type: ["null", { type: "string", "connect.version": 1, "connect.name": "io.debezium.data.Json" }],
        default: null,
      },
    ],
    "connect.name": "shop.public.products.Value",
  };
  const envelope = {
    type: "record",
    name: "Envelope",
    namespace: "shop.public.products",
    fields: [
      { name: "before", type: ["null", row], default: null },
      { name: "after", type: ["null", "Value"], default: null },
      {
        name: "source",
        type: {
          type: "record",
          name: "Source",
          namespace: "io.debezium.connector.postgresql",
          fields: [
            { name: "ts_ms", type: "long" },
            { name: "lsn", type: ["null", "long"] },
          ],
        },
      },
      { name: "op", type: "string" },
      { name: "ts_ms", type: ["null", "long"], default: null },
    ],
    "connect.name": "shop.public.products.Envelope",
  };
  const compiled = compileSchema({ schemaType: "AVRO", schema: JSON.stringify(envelope), references: [] }, 7);
  // Written by avsc without the connector's logical types: the bytes Debezium's converter writes.
  const writer = avro.Type.forSchema(envelope as avro.Schema, { wrapUnions: false });
  const encode = (value: object) => writer.toBuffer(value);
  const options: DecodeOptions = {
    keyFormat: "json",
    valueFormat: "schema_registry",
    onDecodeError: "fail",
    nulCharacters: "keep",
    bigNumbers: "keep",
    debeziumTopics: ["t"],
  };
  const wire = (data: Uint8Array, format: string) => (format === "schema_registry" ? compiled.decode(data) : null);
  const record = (value: Buffer) => ({
    topic: "t",
    partition: 0,
    logAppendTime: false,
    offset: 4,
    timestamp: 0,
    key: Buffer.from('{"id":1}'),
    value,
    headers: [],
  });

  test("an update is its after row with the types' meaning; a delete its before; discover's row is after's record", () => {
    const values = { id: 1, added: 19782, seen: 1704164645123456, doc: '{"a":1}' };
    const update = encode({
      before: null,
      after: values,
      source: { ts_ms: 1709287200000, lsn: 42 },
      op: "u",
      ts_ms: null,
    });
    const document = debeziumDocument(record(update), record(update), options, wire);
    expect(JSON.parse(JSON.stringify(document))).toEqual({
      id: 1,
      added: "2024-02-29",
      seen: "2024-01-02T03:04:05.123456",
      doc: { a: 1 },
      _ab_cdc_lsn: 42,
      _ab_cdc_updated_at: "2024-03-01T10:00:00.000Z",
      _ab_cdc_deleted_at: null,
      _kafka_partition: 0,
      _kafka_offset: 4,
      _meta: {
        topic: "t",
        partition: 0,
        offset: 4,
        timestamp: "1970-01-01T00:00:00.000Z",
        timestamp_type: "create_time",
        key: { id: 1 },
        key_encoding: "json",
        value_encoding: "avro",
        headers: [],
        op: "u",
        source: { ts_ms: 1709287200000, lsn: 42 },
      },
    });
    const deleted = encode({
      before: { ...values, doc: null },
      after: null,
      source: { ts_ms: 1709287200000, lsn: null },
      op: "d",
      ts_ms: null,
    });
    const gone = debeziumDocument(record(deleted), record(deleted), options, wire);
    expect(gone).toMatchObject({
      id: 1,
      doc: null,
      _ab_cdc_lsn: null,
      _ab_cdc_deleted_at: "2024-03-01T10:00:00.000Z",
      _meta: { op: "d" },
    });
    expect(debeziumDocument(record(deleted), { ...record(deleted), value: null }, options, wire)).toBeNull();

    const rowSchema = rowOfEnvelope(compiled.jsonSchema());
    expect(rowSchema?.properties).toMatchObject({
      added: { type: ["string", "null"], format: "date" },
      seen: { type: ["string", "null"], format: "date-time", airbyte_type: "timestamp_without_timezone" },
    });
  });
});
