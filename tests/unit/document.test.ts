/** The hot-path serialiser says exactly what the document builder says. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { type DecodeOptions, documentJson, toDocument } from "../../src/decode/document.ts";

const options: DecodeOptions = { keyFormat: "auto", valueFormat: "auto", onDecodeError: "emit_raw" };
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

// Compared as JSON: a key or value of -0 is 0 once written, in both (JSON has no -0).
const same = (r: ReturnType<typeof record>) => {
  const line = documentJson(origin, r, options);
  expect(line).not.toMatch(/[\n\r]/);
  expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(toDocument({ ...origin, ...r }, options))));
};

describe("documentJson", () => {
  test("splices the key fields and _meta into an object value as written, keeping its text", () => {
    const line = documentJson(origin, record(bytes('{ "big": 12345678901234567890, "s":"x" }')), options);
    expect(line).toStartWith(
      '{ "big": 12345678901234567890, "s":"x","_kafka_partition":3,"_kafka_offset":42,"_meta":{"topic":"t\\"opic","partition":3,"offset":42,',
    );
  });

  test("replaces a value's own key fields and _meta with the connector's", () => {
    const document = JSON.parse(
      documentJson(origin, record(bytes('{"_kafka_offset":"x","_kafka_partition":null,"_meta":1,"a":2}')), options),
    );
    expect(document).toMatchObject({
      a: 2,
      _kafka_partition: 3,
      _kafka_offset: 42,
      _meta: { partition: 3, offset: 42 },
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
  ])("agrees with toDocument for %s", (_, text) => same(record(bytes(text))));

  test("agrees with toDocument for tombstones, binary values, keys and headers", () => {
    same(record(null, bytes("k")));
    same(
      record(new Uint8Array([0xff, 0x00]), new Uint8Array([0x80]), [
        [bytes("h"), bytes("v")],
        [bytes("b"), new Uint8Array([0xc3, 0x28])],
        [bytes("n"), null],
      ]),
    );
  });

  test("agrees with toDocument for any JSON value, however it is spaced", () => {
    const spacing = fc.constantFrom("", " ", "\t", "  ");
    fc.assert(
      fc.property(fc.jsonValue(), spacing, spacing, fc.option(fc.string()), (value, before, after, key) => {
        const text = `${before}${JSON.stringify(value)}${after}`;
        same(record(bytes(text), key === null ? null : bytes(key)));
      }),
      { numRuns: 3000 },
    );
  });
});
