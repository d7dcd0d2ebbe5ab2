/**
 * A read worker's RECORD lines: the fast lane (a plain JSON object value's bytes, copied) writes
 * exactly the bytes the general path (documentJson) writes for the same record, errors included,
 * and the output buffer grows for a line larger than itself.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { DecodeOptions } from "../../src/decode/document.ts";
import { LineBuffer } from "../../src/worker/line-buffer.ts";
import { RecordLines } from "../../src/worker/record-lines.ts";
import { type ColumnRecord, columnsOf } from "../support/columns.ts";

const options: DecodeOptions = {
  keyFormat: "auto",
  valueFormat: "auto",
  onDecodeError: "emit_raw",
  nulCharacters: "keep",
  bigNumbers: "keep",
};
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (line: Uint8Array) => new TextDecoder().decode(line);
const emittedAt = 1_764_500_000_123;

/** A wire decoder that declines every value: it turns the fast lane off, and decodes nothing itself. */
const generalPath = () => null;

function lineOf(lines: RecordLines, record: ColumnRecord): string | Error {
  const out = new LineBuffer(new ArrayBuffer(16));
  try {
    return lines.write(out, columnsOf([record]), 0) ? text(out.take()) : "(no line)";
  } catch (error) {
    return error as Error;
  }
}

function agree(
  value: Uint8Array | null,
  opts: DecodeOptions,
  logAppendTime: boolean,
  offset: number,
  topic = 't"ópic',
  timestamp = 1_700_000_000_123,
) {
  const origin = { topic, partition: 3, logAppendTime };
  const record: ColumnRecord = { offset, timestamp, value };
  const fast = lineOf(new RecordLines(origin, emittedAt, opts, undefined), record);
  const slow = lineOf(new RecordLines(origin, emittedAt, opts, generalPath), record);
  if (slow instanceof Error) expect(fast instanceof Error ? fast.message : fast).toBe(slow.message);
  else expect(fast).toBe(slow);
  return fast;
}

const texts = [
  "{}",
  "{ }",
  ' {"a":1}  ',
  '{"a":{"_meta":1},"b":[1,2]}',
  '{"_meta":1}',
  '{"x":1,"_kafka_offset":2}',
  '{"\\u005fmeta":1}',
  '{"a":\n1}',
  '{"big":12345678901234567890,"s":"\\u00e9\\"}"}',
  '{"π":"ünïcødé 🎉"}',
  "[1,2]",
  '"text"',
  "12",
  "null",
  "true",
  "not json",
  "{broken",
  '{"a":1}}',
  "",
  // What a rule of json-text.ts or columns.ts rewrites, and what the lane leaves to the general path to be safe.
  '{"":1,"ok":2}',
  '{"Id":1,"id":2,"名前":3,"_airbyte_meta":4,"_other_fields":5}',
  '{"a":1,"b":{"c":1,"c":2},"a":3}',
  '{"a":"\\ud800","b":"\\ud83d\\ude00"}',
  '{"a":"x\\u0000y","\\u0000":1}',
  `{"a":${"[".repeat(70)}${"]".repeat(70)}}`,
  '{"n":1e400,"m":1e100,"k":1e-400}',
  '{"u":18446744073709551615,"v":18446744073709551616,"w":-9223372036854775809,"x":[1e29,-1.5e30],"y":1e28}',
  '{"ns":1700000000000000000,"id":-922337203685477580,"d":0.1234567890123456789012345678901234567891,"t":1e-30}',
  `{"n":${"1".repeat(250)}}`,
  "\u0000\u0001\u0002",
];

describe("RecordLines", () => {
  test("writes a plain object's line with the key fields and _meta spliced in, keeping its text", () => {
    const line = agree(bytes('{ "big": 12345678901234567890, "s":"x" }'), options, false, 42, "orders");
    expect(line).toBe(
      '{"type":"RECORD","record":{"stream":"orders","data":{ "big": 12345678901234567890, "s":"x",' +
        '"_kafka_partition":3,"_kafka_offset":42,"_meta":{"topic":"orders","partition":3,"offset":42,' +
        '"timestamp":"2023-11-14T22:13:20.123Z","timestamp_type":"create_time","key":null,"key_encoding":null,' +
        `"value_encoding":"json","headers":[],"op":"c"}},"emitted_at":${emittedAt}}}\n`,
    );
  });

  test("the fast lane writes exactly what the general path writes, errors included", () => {
    for (const valueFormat of ["auto", "json", "text"] as const)
      for (const onDecodeError of ["fail", "emit_raw"] as const)
        for (const nulCharacters of ["keep", "strip"] as const)
          for (const bigNumbers of ["keep", "string"] as const)
            for (const value of texts)
              for (const logAppendTime of [false, true])
                agree(
                  bytes(value),
                  { ...options, valueFormat, onDecodeError, nulCharacters, bigNumbers },
                  logAppendTime,
                  42,
                );
    agree(null, options, false, 7);
    agree(new Uint8Array([0x7b, 0xff, 0x7d]), options, false, 7);
    agree(new Uint8Array([0x7b, 0xff, 0x7d]), { ...options, valueFormat: "json", onDecodeError: "fail" }, false, 7);
    agree(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('{"a":1}')]), options, false, 7);
  });

  test("for any JSON value, offset and spacing", () => {
    const spacing = fc.constantFrom("", " ", "\t", "  ");
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.boolean(),
        fc.maxSafeNat(),
        spacing,
        spacing,
        (value, logAppendTime, offset, before, after) => {
          agree(bytes(`${before}${JSON.stringify(value)}${after}`), options, logAppendTime, offset);
          agree(bytes(JSON.stringify(value, null, 1)), options, logAppendTime, offset);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("any timestamp, including years before 0 and after 9999, and any offset's number of digits", () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.maxSafeNat(), (timestamp, offset) => {
        agree(bytes('{"a":1}'), options, false, offset, "orders", timestamp);
        agree(bytes("{}"), options, true, offset, "orders", timestamp);
      }),
      { numRuns: 1000 },
    );
  });

  test("a run of records, offsets counting up through carries, jumping and going back, timestamps changing", () => {
    const offsets = [
      0,
      1,
      2,
      8,
      9,
      10,
      11,
      18,
      19,
      20,
      98,
      99,
      100,
      101,
      1098,
      1099,
      1100,
      999,
      1000,
      1001,
      5,
      6,
      2 ** 53 - 2,
      2 ** 53 - 1,
      7,
    ];
    const records = columnsOf(
      offsets.map((offset, i) => ({ offset, timestamp: 1_700_000_000_000 + (i % 4 === 3 ? i : 0), value: '{"a":1}' })),
    );
    const origin = { topic: "t", partition: 12, logAppendTime: false };
    const run = (lines: RecordLines) => {
      const out = new LineBuffer(new ArrayBuffer(16));
      for (let i = 0; i < records.length; i++) lines.write(out, records, i);
      return text(out.take());
    };
    const fast = run(new RecordLines(origin, emittedAt, options, undefined));
    expect(fast).toBe(run(new RecordLines(origin, emittedAt, options, generalPath)));
    expect(
      fast
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line).record.data._meta.offset),
    ).toEqual(offsets);
  });

  test("lines larger than the buffer make it grow, and what was written before stays", () => {
    const lines = new RecordLines({ topic: "t", partition: 0, logAppendTime: false }, emittedAt, options, undefined);
    const out = new LineBuffer(new ArrayBuffer(64));
    const big = `{"a":"${"x".repeat(100_000)}"}`;
    const values = ['{"n":1}', big, '{"n":2}'];
    const records = columnsOf(values.map((value, offset) => ({ offset, timestamp: 0, value })));
    for (let i = 0; i < records.length; i++) lines.write(out, records, i);
    const written = text(out.take())
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line).record.data);
    expect(written.map((d) => d._kafka_offset)).toEqual([0, 1, 2]);
    expect(written[1].a).toHaveLength(100_000);
    expect(out.length).toBe(0);
  });
});

describe("LineBuffer.putInteger", () => {
  test("writes the decimal digits of any offset", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const out = new LineBuffer(new ArrayBuffer(4));
        out.putInteger(n);
        expect(text(out.take())).toBe(String(n));
      }),
      { numRuns: 2000 },
    );
    for (const n of [0, 9, 10, 99, 100, 2 ** 53 - 1]) {
      const out = new LineBuffer(new ArrayBuffer(1));
      out.putInteger(n);
      expect(text(out.take())).toBe(String(n));
    }
  });
});
