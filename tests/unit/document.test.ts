/**
 * The document as JSON text: an object value as written with ours spliced in, and, whatever the value,
 * a line that loses nothing of it (a top-level name that cannot be a column sits under _other_fields).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { type DecodeOptions, documentJson } from "../../src/decode/document.ts";

const options: DecodeOptions = {
  keyFormat: "auto",
  valueFormat: "auto",
  onDecodeError: "emit_raw",
  nulCharacters: "keep",
  bigNumbers: "keep",
};
const origin = { topic: 't"opic', partition: 3, logAppendTime: false };
const bytes = (text: string) => new TextEncoder().encode(text);

const record = (
  value: Uint8Array | null,
  key: Uint8Array | null = null,
  headers: [Uint8Array | null, Uint8Array | null][] = [],
) => ({
  offset: 42,
  timestamp: 1_700_000_000_123,
  key,
  value,
  headers,
});

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** JSON as a consumer reads it: -0 is 0 once written (JSON has no -0). */
const asRead = (value: unknown) => JSON.parse(JSON.stringify(value));
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The document holds the whole value (its fields, or `value`), the key and the headers, and ours. */
const same = (r: ReturnType<typeof record>) => {
  const line = documentJson(origin, r, options);
  expect(line).not.toMatch(/[\n\r]/);
  const { _kafka_partition, _kafka_offset, _meta, _other_fields, ...fields } = JSON.parse(line);
  expect([_kafka_partition, _kafka_offset, _meta.partition, _meta.offset]).toEqual([3, 42, 3, 42]);
  if (r.value === null) {
    expect(fields).toEqual({});
    return;
  }
  let text: string | undefined;
  try {
    text = utf8.decode(r.value);
  } catch {}
  let value: unknown = text;
  if (_meta.value_encoding === "json") value = JSON.parse(text as string);
  if (_meta.value_encoding === "base64") value = Buffer.from(r.value).toString("base64");
  if (isObject(value)) expect(asRead({ ...fields, ..._other_fields })).toEqual(asRead(value));
  else expect(asRead(fields)).toEqual(asRead({ value }));
};

describe("documentJson", () => {
  test("splices the key fields and _meta into an object value as written, keeping its text", () => {
    const line = documentJson(origin, record(bytes('{ "big": 12345678901234567890, "s":"x" }')), options);
    expect(line).toStartWith(
      '{ "big": 12345678901234567890, "s":"x","_kafka_partition":3,"_kafka_offset":42,"_meta":{"topic":"t\\"opic","partition":3,"offset":42,',
    );
  });

  test("moves a value's own key fields and _meta under _other_fields, and says so in _meta", () => {
    const document = JSON.parse(
      documentJson(origin, record(bytes('{"_kafka_offset":"x","_kafka_partition":null,"_meta":1,"a":2}')), options),
    );
    expect(document).toMatchObject({
      a: 2,
      _other_fields: { _kafka_offset: "x", _kafka_partition: null, _meta: 1 },
      _kafka_partition: 3,
      _kafka_offset: 42,
      _meta: { partition: 3, offset: 42, rewrites: ["other_fields"] },
    });
  });

  test.each([
    ["an empty object", "{}"],
    ["an empty object with spaces", " {  } "],
    ["an object with its own _meta", '{"_meta":1,"a":2}'],
    ["an object with its own _kafka_offset", '{"a":2,"_kafka_offset":-1}'],
    ["an object with its own _kafka_partition", '{"_kafka_partition":{"x":1}}'],
    ["an object spread over lines", '{\n"a": 1\n}'],
    ["an array", "[1,2]"],
    ["a string that is not JSON", "hello } world"],
    ["a number", "42"],
    ["names no column can take", '{"":1,"名前":2,"A":3,"a":4,"_airbyte_meta":5,"ok":6}'],
  ])("holds all of %s", (_, text) => same(record(bytes(text))));

  test("holds all of tombstones, binary values, keys and headers", () => {
    same(record(null, bytes("k")));
    same(
      record(new Uint8Array([0xff, 0x00]), new Uint8Array([0x80]), [
        [bytes("h"), bytes("v")],
        [bytes("b"), new Uint8Array([0xc3, 0x28])],
        [bytes("n"), null],
      ]),
    );
  });

  test("holds all of any JSON value, however it is spaced", () => {
    const spacing = fc.constantFrom("", " ", "\t", "  ");
    fc.assert(
      fc.property(fc.jsonValue(), spacing, spacing, fc.option(fc.string()), (value, before, after, key) => {
        const text = `${before}${JSON.stringify(value)}${after}`;
        same(record(bytes(text), key === null ? null : bytes(key)));
      }),
      { numRuns: 1000 },
    );
  });
});
