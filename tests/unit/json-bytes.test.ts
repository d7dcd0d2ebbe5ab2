/**
 * The fast lane's byte check (src/decode/json-bytes.ts) against JSON.parse, a fatal UTF-8 decode
 * and the general path (document.ts): whatever it takes, the general path keeps as written, with
 * the same body; it takes the objects producers commonly write, however they are spaced on one
 * line; and it refuses invalid JSON, invalid UTF-8, line breaks, escaped names, top-level names
 * that are no column of their own, and whatever a rule of json-text.ts rewrites, for crafted
 * inputs, mutations and random bytes alike.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { columnKey } from "../../src/decode/columns.ts";
import { documentJson } from "../../src/decode/document.ts";
import type { BigNumberRule } from "../../src/decode/json-text.ts";
import { objectBodyEnd } from "../../src/decode/json-bytes.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
/** ignoreBOM keeps a leading BOM in the text, so that the oracle sees it. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The oracle: the byte length of what the general path keeps of an object value's text (its body,
 * before the closing brace and the blanks ahead of it), or why it would not keep the text as written.
 */
function generalBody(value: Uint8Array, bigNumbers: BigNumberRule = "keep"): number | string {
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return "not UTF-8";
  }
  if (text.startsWith("\uFEFF")) return "a BOM";
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return "not an object";
  if (/[\n\r]/.test(text)) return "a line break";
  const origin = { topic: "t", partition: 0, logAppendTime: false };
  const record = { offset: 0, timestamp: 0, key: null, value, headers: [] };
  const options = {
    keyFormat: "auto",
    valueFormat: "auto",
    onDecodeError: "fail",
    nulCharacters: "keep",
    bigNumbers,
  } as const;
  const rewrites = JSON.parse(documentJson(origin, record, options))._meta.rewrites;
  if (rewrites !== undefined) return `rewritten: ${rewrites.join(", ")}`;
  return bytes(text.slice(0, text.lastIndexOf("}")).trimEnd()).length;
}

/**
 * Bytes that could finish a value cut short, were they read as part of it: the read path scans a value
 * where it lies in its record batch, with the next record's bytes right after it.
 */
const followers = ["1}", '"}', "e}", '\\u0041"}', '\u00e9"}'].map((text) => bytes(text));
const before = bytes("  {");

/** The lane on the value alone, which must find the same body where the value lies between other bytes. */
function laneOn(value: Uint8Array, bigNumbersAsStrings: boolean): number {
  const alone = objectBodyEnd(value, 0, value.length, bigNumbersAsStrings);
  for (const after of followers) {
    const around = new Uint8Array([...before, ...value, ...after]);
    const end = before.length + value.length;
    expect(objectBodyEnd(around, before.length, end, bigNumbersAsStrings)).toBe(alone < 0 ? -1 : alone + before.length);
  }
  return alone;
}
/** The lane as the default `big_numbers: keep` runs it. */
const lane = (value: Uint8Array) => laneOn(value, false);
/** The lane as `big_numbers: string` runs it. */
const stringLane = (value: Uint8Array) => laneOn(value, true);

/**
 * Soundness: objectBodyEnd takes only what the general path keeps, with the same body, under either
 * `big_numbers` rule. Returns its answer under `keep`.
 */
function sound(value: Uint8Array): number {
  const end = lane(value);
  if (end !== -1) expect<number | string>(end).toBe(generalBody(value));
  const stringEnd = stringLane(value);
  if (stringEnd !== -1) expect<number | string>(stringEnd).toBe(generalBody(value, "string"));
  return end;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** JSON for `value` with a blank string from `blanks` (in turn) between every two tokens and around the text. */
function spaced(value: unknown, blanks: string[]): string {
  let next = 0;
  const blank = () => (blanks.length === 0 ? "" : (blanks[next++ % blanks.length] as string));
  const write = (v: unknown): string => {
    if (Array.isArray(v)) {
      const items = v.map((item) => `${blank()}${write(item)}${blank()}`);
      return `[${items.length === 0 ? blank() : items.join(",")}]`;
    }
    if (isObject(v)) {
      const members = Object.entries(v).map(
        ([k, item]) => `${blank()}${JSON.stringify(k)}${blank()}:${blank()}${write(item)}${blank()}`,
      );
      return `{${members.length === 0 ? blank() : members.join(",")}}`;
    }
    return JSON.stringify(v);
  };
  return `${blank()}${write(value)}${blank()}`;
}

const blank = fc.stringMatching(/^[ \t]{0,3}$/);
/** Top-level keys the lane takes: none of ours, nothing JSON.stringify escapes; any other unicode, astral included. */
const plainKey = fc
  .tuple(fc.constantFrom("a", "Z", "q", "7", "_x", "é1"), fc.string({ unit: "binary", maxLength: 11 }))
  .map(([start, rest]) => start + rest)
  .filter((key) => columnKey(key) !== null && !JSON.stringify(key).includes("\\") && !/[\u0130\u212a]/.test(key));
const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-0, 1e21, -1e-7, 5e-324, 1.7976931348623157e308, Number.MAX_SAFE_INTEGER + 2),
);
/** JSON with no escape anywhere (values with escapes have tests of their own), and no name twice. */
const json = fc.jsonValue({ stringUnit: "binary", maxDepth: 4 }).filter((v) => !JSON.stringify(v).includes("\\"));
/** Numbers with a positive exponent of 3 digits, which the lane leaves to the general path though it keeps most. */
const bigExponent = (text: string) => /e\+?\d{3}/i.test(text);
const nested = fc.oneof(json, number, fc.array(fc.oneof(number, json), { maxLength: 4 }));
/** Plain objects as producers write them: plain top-level keys, any JSON below them. */
const plainObject = fc
  .uniqueArray(fc.tuple(plainKey, nested), { maxLength: 6, selector: ([key]) => columnKey(key) })
  .map((members) => Object.fromEntries(members));
/** Objects with keys one byte away from ours, and ours deeper down: mutations then reach our names. */
const nearReserved = fc.dictionary(
  fc.constantFrom("_metb", "_meta_", "_kafka_offsey", "_kafka_partitiom", "M_eta", "a"),
  fc.oneof(nested, fc.constant({ _meta: 1, _kafka_offset: [2] })),
  { maxKeys: 4 },
);

/** Each case: the value's text, then the body the general path keeps (whose byte length the lane must return). */
const accepted: [string, string][] = [
  ["{}", "{"],
  [" \t{ \t} \t", " \t{"],
  ['{"a":1}', '{"a":1'],
  [' {"a":1 }\t', ' {"a":1'],
  ['{"a" :1 ,"b"\t: [ 1 , {"c" : null} ] ,"d":{ }, "e":[ ]}', '{"a" :1 ,"b"\t: [ 1 , {"c" : null} ] ,"d":{ }, "e":[ ]'],
  ['{"t":true,"f":false,"n":null}', '{"t":true,"f":false,"n":null'],
  [
    '{"n":[0,-0,1.5,-2e10,3E+2,4e-3,0.0,-0.5e-0,12345678901234567890]}',
    '{"n":[0,-0,1.5,-2e10,3E+2,4e-3,0.0,-0.5e-0,12345678901234567890]',
  ],
  [
    '{"s":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\uD83D\\ude00\\u0001"}',
    '{"s":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\uD83D\\ude00\\u0001"',
  ],
  ['{"é1":"😀 ü \u2028 \u2029 \u007f \uFEFF","𝄞a":["ключ"]}', '{"é1":"😀 ü \u2028 \u2029 \u007f \uFEFF","𝄞a":["ключ"]'],
  [
    '{"a":{"_meta":1},"b":[{"_kafka_offset":2}],"c":{"d":{"_kafka_partition":3}}}',
    '{"a":{"_meta":1},"b":[{"_kafka_offset":2}],"c":{"d":{"_kafka_partition":3}}',
  ],
  [
    '{"_met":1,"_metaa":2,"_3":3,"_kafka_":5,"_kafka_offset_x":8,"_airbyte":9,"__airbyte_":10}',
    '{"_met":1,"_metaa":2,"_3":3,"_kafka_":5,"_kafka_offset_x":8,"_airbyte":9,"__airbyte_":10',
  ],
  ['{"a":{"a":1},"b":{"a":2},"c":[{"a":1},{"a":2}]}', '{"a":{"a":1},"b":{"a":2},"c":[{"a":1},{"a":2}]'],
  ['{"A":{"a":1,"A":2,"":3},"Äx":1,"äy":2}', '{"A":{"a":1,"A":2,"":3},"Äx":1,"äy":2'],
  ['{"n":[1e99,-1.5E-99,0.1e+10]}', '{"n":[1e99,-1.5E-99,0.1e+10]'],
  ['{"a":"}"}', '{"a":"}"'],
];

/** Values the general path does not keep as written, by what is wrong with them. */
const refused: [string, string][] = [
  ["_other_fields at the top level", '{"_other_fields":1}'],
  ["a name twice", '{"a":1,"a":2}'],
  ["a name twice in a nested object", '{"o":{"a":1,"b":2,"a":3}}'],
  ["an empty top-level name", '{"":1}'],
  ["a top-level name of punctuation", '{"!-":1}'],
  ["a top-level name of other scripts only", '{"名前":1}'],
  ["two top-level names alike in lower case", '{"Id":1,"id":2}'],
  ["two top-level names alike once normalised", '{"a-b":1,"a b":2}'],
  ["a top-level name alike ours once normalised", '{"_META":1}'],
  ["a top-level name that is Airbyte's", '{"_airbyte_meta":1}'],
  ["a top-level name that normalises to Airbyte's", '{"-Airbyte-raw id":1}'],
  ["a leading digit making a name alike another", '{"_1a":1,"1a":2}'],
  ["the Kelvin sign, whose lower case is k", '{"\u212a":1,"k":2}'],
  ["a lone high surrogate escape", '{"a":"\\ud800"}'],
  ["a lone low surrogate escape", '{"a":"\\udc00x"}'],
  ["a low surrogate before a high one", '{"a":"\\udc00\\ud800"}'],
  ["a high surrogate escape before a character", '{"a":"\\ud83dx"}'],
  ["a number beyond a double", '{"a":1e400}'],
  ["a number too long for Jackson", `{"a":${"1".repeat(1001)}}`],
  ["_meta at the top level", '{"_meta":1}'],
  ["_kafka_partition at the top level", '{"a":1,"_kafka_partition":2}'],
  ["_kafka_offset at the top level", '{ "_kafka_offset" :null}'],
  ["a line feed after the object", '{"a":1}\n'],
  ["a line feed before the object", "\n{}"],
  ["a carriage return between tokens", '{\r"a":1}'],
  ["a CRLF between tokens", '{"a":\r\n1}'],
  ["a carriage return after the object", "{}\r"],
  ["an empty value", ""],
  ["blanks only", " \t "],
  ["an empty array", "[]"],
  ["an array", '[{"a":1}]'],
  ["a string", '"{}"'],
  ["a number", "1"],
  ["null", "null"],
  ["true", "true"],
  ["two objects", "{}{}"],
  ["a word after the object", "{} x"],
  ["a bracket after the object", "{}]"],
  ["a brace after the object", '{"a":1}}'],
  ["a comma after the object", "{},"],
  ["a comma and another object after the object", "{},{}"],
  ["a comma and a number after the object", '{"a":1} ,1'],
  ["a NUL after the object", "{}\u0000"],
  ["an unknown escape", '{"a":"\\x"}'],
  ["an escaped quote", '{"a":"\\\'"}'],
  ["a capital U escape", '{"a":"\\U0041"}'],
  ["a short unicode escape", '{"a":"\\u12"}'],
  ["a non-hex unicode escape", '{"a":"\\u12G4"}'],
  ["a non-hex last digit in a unicode escape", '{"a":"\\u123G"}'],
  ["an escape at the end", '{"a":"\\'],
  ["an escaped closing quote", '{"a":"\\"}'],
  ["a raw U+0001 in a string", '{"a":"\u0001"}'],
  ["a raw tab in a string", '{"a":"\t"}'],
  ["a raw U+001F in a string", '{"a":"\u001f"}'],
  ["a raw NUL in a key", '{"a\u0000":1}'],
  ["a leading zero", '{"a":01}'],
  ["a negative leading zero", '{"a":-01}'],
  ["two zeros", '{"a":00}'],
  ["a bare point", '{"a":1.}'],
  ["a leading point", '{"a":.5}'],
  ["a bare exponent", '{"a":1e}'],
  ["a signed bare exponent", '{"a":1e+}'],
  ["a point before the exponent", '{"a":1.e5}'],
  ["a bare minus", '{"a":-}'],
  ["a plus sign", '{"a":+1}'],
  ["hex", '{"a":0x1}'],
  ["NaN", '{"a":NaN}'],
  ["Infinity", '{"a":-Infinity}'],
  ["a trailing comma in an object", '{"a":1,}'],
  ["a trailing comma in an array", '{"a":[1,]}'],
  ["a leading comma in an array", '{"a":[,1]}'],
  ["a lone comma", "{,}"],
  ["a key without a value", '{"a"}'],
  ["a colon without a value", '{"a":}'],
  ["no colon", '{"a" 1}'],
  ["an unquoted key", "{a:1}"],
  ["a single-quoted key", "{'a':1}"],
  ["a number as a key", "{1:2}"],
  ["no comma between members", '{"a":1 "b":2}'],
  ["no comma between items", '{"a":[1 2]}'],
  ["mismatched brackets", '{"a":[1}]}'],
  ["an array closed by a brace", '{"a":[1}}'],
  ["an object closed by a bracket", '{"a":{"b":1]}'],
  ["the top-level object closed by a bracket", '{"a":1]'],
  ["an empty object closed by a bracket", '{"a":{]}'],
  ["a cut literal", '{"a":tru}'],
  ["a literal run on", '{"a":truex}'],
  ["a capital literal", '{"a":True}'],
  ["a semicolon", '{"a":1;}'],
  ["an unclosed object", '{"a":1'],
  ["an unclosed brace", "{"],
  ["an unclosed string", '{"a":"x}'],
  ["an unclosed nested array", '{"a":[1]'],
];

/** Invalid UTF-8 (Unicode table 3-7), placed inside a string value. */
const badUtf8: [string, number[]][] = [
  ["an overlong NUL (C0 80)", [0xc0, 0x80]],
  ["an overlong two-byte (C1 BF)", [0xc1, 0xbf]],
  ["an overlong three-byte (E0 80 80)", [0xe0, 0x80, 0x80]],
  ["an overlong three-byte (E0 9F BF)", [0xe0, 0x9f, 0xbf]],
  ["a high surrogate (ED A0 80)", [0xed, 0xa0, 0x80]],
  ["a low surrogate (ED BF BF)", [0xed, 0xbf, 0xbf]],
  ["an overlong four-byte (F0 80 80 80)", [0xf0, 0x80, 0x80, 0x80]],
  ["an overlong four-byte (F0 8F BF BF)", [0xf0, 0x8f, 0xbf, 0xbf]],
  ["past U+10FFFF (F4 90 80 80)", [0xf4, 0x90, 0x80, 0x80]],
  ["a lead byte F5", [0xf5, 0x80, 0x80, 0x80]],
  ["a byte FE", [0xfe]],
  ["a byte FF", [0xff]],
  ["a lone continuation byte 80", [0x80]],
  ["a lone continuation byte BF", [0xbf]],
  ["a cut two-byte sequence", [0xc3]],
  ["a cut three-byte sequence", [0xe2, 0x82]],
  ["a cut four-byte sequence", [0xf0, 0x9f, 0x98]],
  ["two lead bytes", [0xc3, 0xc3]],
  ["a bad second byte", [0xe2, 0x28, 0xa1]],
  ["a bad third byte", [0xe2, 0x82, 0x28]],
  ["a bad fourth byte", [0xf0, 0x9f, 0x98, 0x28]],
];

/** The valid sequences at the edges of the same table. */
const goodUtf8: [string, number[]][] = [
  ["U+0080", [0xc2, 0x80]],
  ["U+07FF", [0xdf, 0xbf]],
  ["U+0800", [0xe0, 0xa0, 0x80]],
  ["U+D7FF", [0xed, 0x9f, 0xbf]],
  ["U+E000", [0xee, 0x80, 0x80]],
  ["U+FFFF", [0xef, 0xbf, 0xbf]],
  ["U+10000", [0xf0, 0x90, 0x80, 0x80]],
  ["U+10FFFF", [0xf4, 0x8f, 0xbf, 0xbf]],
];

const inString = (sequence: number[]) => Uint8Array.of(...bytes('{"a":"x'), ...sequence, ...bytes('y"}'));
const inKey = (sequence: number[]) => Uint8Array.of(...bytes('{"a'), ...sequence, ...bytes('":1}'));

/** An object value holding `depth` containers in all, the top-level object included. */
const nestedArrays = (depth: number) => `{"a":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${"}".repeat(depth - 1)}`;

describe("objectBodyEnd", () => {
  test.each(accepted)("takes %j, keeping %j", (text, body) => {
    const value = bytes(text);
    expect(lane(value)).toBe(bytes(body).length);
    expect(generalBody(value)).toBe(bytes(body).length);
  });

  test.each(accepted)("refuses %j cut anywhere before its closing brace, the rest of it right after", (text) => {
    const value = bytes(text);
    const closing = value.lastIndexOf(0x7d);
    for (let end = 0; end <= closing; end++) expect(objectBodyEnd(value, 0, end, false)).toBe(-1);
  });

  test.each(refused)("refuses %s", (_, text) => {
    const value = bytes(text);
    expect(lane(value)).toBe(-1);
    expect(generalBody(value)).toBeTypeOf("string");
  });

  test.each([
    ["an escaped NUL", '{"a":"\\u0000"}'],
    ["a number of 201 characters", `{"a":${"1".repeat(201)}}`],
    ["a number with an exponent of 3 digits", '{"a":1e100}'],
  ])("refuses %s, which a rule might rewrite, though the general path keeps it here", (_, text) => {
    expect(lane(bytes(text))).toBe(-1);
    expect(generalBody(bytes(text))).toBe(bytes(text).length - 1);
  });

  test.each([
    ["an integer from 2^64", '{"a":18446744073709551616}'],
    ["an integer below -2^63", '{"a":-9223372036854775809}'],
    ["a 39-digit id in an array in an object", '{"a":[{"b":340282366920938463463374607431768211455}]}'],
    ["10^29 with an exponent", '{"a":1e29}'],
    ["a number of 30 integer digits and a fraction", '{"a":123456789012345678901234567890.5}'],
    ["a number of 10^29 or more below zero", '{"a":-1.5E+29}'],
  ])("with big_numbers string, refuses %s, which the general path writes as a string", (_, text) => {
    expect(stringLane(bytes(text))).toBe(-1);
    expect(generalBody(bytes(text), "string")).toBe("rewritten: big_number");
    // Kept as written by default: the lane takes it as the general path does.
    expect(lane(bytes(text))).toBe(bytes(text).length - 1);
    expect(generalBody(bytes(text))).toBe(bytes(text).length - 1);
  });

  test.each([
    ["the largest unsigned 64-bit integer (20 digits)", '{"a":18446744073709551615}'],
    ["a negative integer of 19 digits within 64 bits", '{"a":-1000000000000000000}'],
    ["a number with an exponent of 2 digits below 10^29", '{"a":1e28}'],
    ["a number of 20 integer digits and a fraction", '{"a":12345678901234567890.5}'],
  ])("with big_numbers string, refuses %s, though the general path keeps it", (_, text) => {
    expect(stringLane(bytes(text))).toBe(-1);
    expect(generalBody(bytes(text), "string")).toBe(bytes(text).length - 1);
  });

  test.each([
    ["an integer of 19 digits", '{"a":9223372036854775807}'],
    ["a negative integer of 18 digits", '{"a":-922337203685477580}'],
    ["a number with a one-digit exponent", '{"a":1.5e9}'],
    ["a tiny number", '{"a":-1e-30}'],
    ["a decimal of 40 fraction digits", '{"a":0.1234567890123456789012345678901234567891}'],
  ])("with big_numbers string, takes %s, as the general path keeps it", (_, text) => {
    expect(stringLane(bytes(text))).toBe(bytes(text).length - 1);
    expect(generalBody(bytes(text), "string")).toBe(bytes(text).length - 1);
  });

  test("with either big_numbers rule, takes nothing the general path would not keep, for numbers of any size", () => {
    const digits = (min: number, max: number) =>
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(""));
    const number = fc
      .tuple(
        fc.constantFrom("", "-"),
        fc.oneof(
          fc.constant("0"),
          fc.tuple(fc.integer({ min: 1, max: 9 }), digits(0, 45)).map(([d, r]) => `${d}${r}`),
        ),
        fc.option(digits(1, 45), { nil: undefined }),
        fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), digits(1, 3)), { nil: undefined }),
      )
      .map(([sign, integer, fraction, exponent]) => {
        const text = `${sign}${integer}${fraction === undefined ? "" : `.${fraction}`}`;
        return exponent === undefined ? text : `${text}${exponent.join("")}`;
      });
    const outcomes = { taken: 0, refused: 0 };
    fc.assert(
      fc.property(number, (text) => {
        const value = bytes(`{"a":[${text}],"b":{"c":${text}}}`);
        sound(value);
        if (stringLane(value) === -1) outcomes.refused++;
        else outcomes.taken++;
      }),
      { numRuns: 3000 },
    );
    expect(outcomes.taken).toBeGreaterThan(300);
    expect(outcomes.refused).toBeGreaterThan(300);
  });

  test.each(badUtf8)("refuses %s in a string value or a key", (_, sequence) => {
    for (const value of [inString(sequence), inKey(sequence)]) {
      expect(lane(value)).toBe(-1);
      expect(generalBody(value)).toBe("not UTF-8");
    }
  });

  test.each(goodUtf8)("takes %s in a string value and a key", (_, sequence) => {
    expect(lane(inString(sequence))).toBe(inString(sequence).length - 1);
    expect(generalBody(inString(sequence))).toBe(inString(sequence).length - 1);
    expect(lane(inKey(sequence))).toBe(inKey(sequence).length - 1);
    expect(generalBody(inKey(sequence))).toBe(inKey(sequence).length - 1);
  });

  test("refuses non-ASCII bytes between tokens, even valid UTF-8 (U+00A0, U+2028, U+FEFF)", () => {
    for (const space of ["\u00a0", "\u2028", "\uFEFF", "\u000b", "\u000c"]) {
      const value = bytes(`{${space}"a":1}`);
      expect(lane(value)).toBe(-1);
      expect(generalBody(value)).toBe("not JSON");
    }
  });

  test("refuses non-ASCII bytes outside strings, well-formed UTF-8 or not, wherever the strings are fine", () => {
    const values = [
      bytes('{"a":é}'),
      bytes('{"é":1}é'),
      bytes('{"a":"é"} \u00a0'),
      Uint8Array.of(...bytes('{"a":"é"}'), 0xff),
      Uint8Array.of(...bytes('{"a":1,'), 0xc3, ...bytes('"b":2}')),
    ];
    for (const value of values) {
      expect(lane(value)).toBe(-1);
      expect(generalBody(value)).toBeTypeOf("string");
    }
  });

  test("refuses a raw control byte in a string of an all-ASCII value without escapes", () => {
    for (const control of [0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1f]) {
      const value = Uint8Array.of(...bytes('{"a":"x'), control, ...bytes('y","b":"z"}'));
      expect(lane(value)).toBe(-1);
      expect(generalBody(value)).toBeTypeOf("string");
    }
  });

  test("refuses an object after a byte-order mark, which the general path's decode drops", () => {
    const value = Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes('{"a":1}'));
    expect(lane(value)).toBe(-1);
    expect(generalBody(value)).toBe("a BOM");
    expect(new TextDecoder("utf-8", { fatal: true }).decode(value)).toBe('{"a":1}');
  });

  test("refuses names written with escapes: ours spelt so, and any other, which the general path keeps", () => {
    expect(lane(bytes('{"\\u005fmeta":1}'))).toBe(-1);
    expect(generalBody(bytes('{"\\u005fmeta":1}'))).toBe("rewritten: other_fields");
    expect(lane(bytes('{"a":1,"_kafka\\u005Foffset":2}'))).toBe(-1);
    expect(generalBody(bytes('{"a":1,"_kafka\\u005Foffset":2}'))).toBe("rewritten: other_fields");
    for (const text of ['{"\\u0061":1}', '{"a\\"b":1}', '{"x":1,"y\\n":2}', '{"\\/z":1}', '{"a":{"\\n":1}}']) {
      expect(lane(bytes(text))).toBe(-1);
      expect(generalBody(bytes(text))).toBe(bytes(text).length - 1);
    }
  });

  test("takes 64 nested containers and refuses 65, which the general path writes as text", () => {
    for (const nest of [nestedArrays, nestedObjects]) {
      expect(lane(bytes(nest(64)))).toBe(nest(64).length - 1);
      expect(generalBody(bytes(nest(64)))).toBe(nest(64).length - 1);
      expect(lane(bytes(nest(65)))).toBe(-1);
      expect(generalBody(bytes(nest(65)))).toBe("rewritten: depth");
      expect(lane(bytes(nest(10_000)))).toBe(-1);
    }
    // Nothing of a refused value lingers into the next one.
    expect(lane(bytes('{"a":[[[[{"b":1}]]]]}'))).toBe(20);
    expect(lane(bytes(`{"a":${"[".repeat(600)}`))).toBe(-1);
    expect(lane(bytes('{"a":{}}'))).toBe(7);
  });

  test("reads only its view of a larger buffer", () => {
    const text = '{"a":"\\u0041é","b":[1,2.5e3],"c":{}}';
    const buffer = bytes(`xx${text}\nyy`);
    const view = buffer.subarray(2, 2 + bytes(text).length);
    expect(lane(view)).toBe(bytes(text).length - 1);
    // Every shorter view fails, though the buffer goes on with the rest of the object.
    for (let length = 0; length < view.length; length++) expect(lane(view.subarray(0, length))).toBe(-1);
  });

  test("takes plain objects of any JSON, with the general path's body", () => {
    fc.assert(
      fc.property(plainObject, (object) => {
        fc.pre(!bigExponent(JSON.stringify(object)));
        const value = bytes(JSON.stringify(object));
        const end = lane(value);
        expect<number | string>(end).toBe(generalBody(value));
        expect(end).toBe(value.length - 1);
      }),
      { numRuns: 1500 },
    );
  });

  test("takes fc.object() and fc.jsonValue() objects, unless a top-level key needs an escape", () => {
    const objects = fc.oneof(
      fc.object({ stringUnit: "binary", maxDepth: 3 }),
      fc.jsonValue({ stringUnit: "binary", maxDepth: 4 }).filter(isObject),
    );
    fc.assert(
      fc.property(objects, (object) => {
        const value = bytes(JSON.stringify(object));
        const general = generalBody(value);
        const lane = sound(value);
        // It takes what the general path keeps, unless a name needs an escape or a number may be large.
        if (typeof general === "number" && !/\\/.test(JSON.stringify(object)) && !bigExponent(JSON.stringify(object)))
          expect(lane).toBe(general);
      }),
      { numRuns: 1000 },
    );
  });

  test("takes plain objects with spaces and tabs between tokens, and refuses them with line breaks", () => {
    fc.assert(
      fc.property(
        plainObject,
        fc.array(blank, { maxLength: 8 }),
        fc.constantFrom(" ", "\t", " \t "),
        fc.constantFrom("", " ", "\t", " \t"),
        (object, blanks, indent, newline) => {
          fc.pre(!bigExponent(JSON.stringify(object)));
          const value = bytes(spaced(object, blanks));
          expect<number | string>(lane(value)).toBe(generalBody(value));
          expect(lane(value)).toBeGreaterThan(0);
          const indented = JSON.stringify(object, null, indent);
          const oneLine = bytes(indented.replace(/\n/g, newline));
          expect<number | string>(lane(oneLine)).toBe(generalBody(oneLine));
          expect(lane(oneLine)).toBeGreaterThan(0);
          const lines = bytes(indented.replace(/\n/g, newline === "" ? "\r\n" : `${newline}\n`));
          expect(lane(lines)).toBe(indented.includes("\n") ? -1 : lines.length - 1);
        },
      ),
      { numRuns: 800 },
    );
  });

  test("refuses every truncation of a valid object", () => {
    fc.assert(
      fc.property(fc.oneof(plainObject, nearReserved), fc.array(blank, { maxLength: 5 }), (object, blanks) => {
        fc.pre(!bigExponent(JSON.stringify(object)));
        const text = spaced(object, blanks);
        const value = bytes(text);
        const whole = bytes(text.trimEnd()).length;
        for (let length = 0; length < whole; length++) expect(lane(value.slice(0, length))).toBe(-1);
        const trimmed = value.slice(0, whole);
        expect<number | string>(lane(trimmed)).toBe(generalBody(trimmed));
        expect(lane(trimmed)).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  test("takes nothing the general path would not keep, after a byte of a valid object is changed", () => {
    const outcomes = { taken: 0, refused: 0 };
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(
        ...bytes('{}[]",:\\ \t\n\r0-.eEu_aktmf'),
        0x00,
        0x1f,
        0x7f,
        0x80,
        0xbf,
        0xc0,
        0xc3,
        0xed,
        0xef,
        0xf0,
        0xf4,
        0xff,
      ),
    );
    fc.assert(
      fc.property(
        fc.oneof(plainObject, nearReserved),
        fc.array(blank, { maxLength: 4 }),
        fc.nat(),
        byte,
        fc.constantFrom("replace", "insert", "delete", "truncate"),
        (object, blanks, at, b, how) => {
          const valid = bytes(spaced(object, blanks));
          const i = at % (valid.length + 1);
          let value: Uint8Array;
          if (how === "replace") value = Uint8Array.of(...valid.subarray(0, i), b, ...valid.subarray(i + 1));
          else if (how === "insert") value = Uint8Array.of(...valid.subarray(0, i), b, ...valid.subarray(i));
          else if (how === "delete") value = Uint8Array.of(...valid.subarray(0, i), ...valid.subarray(i + 1));
          else value = valid.subarray(0, i);
          if (sound(value) === -1) outcomes.refused++;
          else outcomes.taken++;
        },
      ),
      { numRuns: 5000 },
    );
    // Both answers come up often: the property was tested on both sides.
    expect(outcomes.taken).toBeGreaterThan(300);
    expect(outcomes.refused).toBeGreaterThan(500);
  });

  test("takes nothing the general path would not keep, for random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), (value) => {
        sound(value);
        sound(Uint8Array.of(0x7b, ...value, 0x7d));
      }),
      { numRuns: 3000 },
    );
  });

  test("takes nothing the general path would not keep, for random sequences of JSON tokens and stray bytes", () => {
    const outcomes = { taken: 0, refused: 0 };
    const pieces = [
      ..."{}[],:{}[],:".split(""),
      ...['"a"', '"_meta"', '"_kafka_partition"', '"_kafka_offset"', '"\\u005fmeta"', '"é😀"', '"\\n"', '"\\u00e9"'],
      ...["0", "-1.5e+3", "2E-1", "01", "1.", ".5", "-", "true", "null", "fals", " ", "\t", "\n", "\r", '"', "\\"],
      ...[
        "18446744073709551616",
        "-9223372036854775809",
        "18446744073709551615",
        "1e29",
        "99999999999999999999999999999",
      ],
    ].map(bytes);
    pieces.push(Uint8Array.of(0xc3), Uint8Array.of(0xa9), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xf4, 0x90));
    pieces.push(Uint8Array.of(0xef, 0xbb, 0xbf), Uint8Array.of(0x00), Uint8Array.of(0x1f), Uint8Array.of(0xff));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), (sequence) => {
        const value = Uint8Array.of(0x7b, ...sequence.flatMap((piece) => [...piece]));
        if (sound(value) === -1) outcomes.refused++;
        else outcomes.taken++;
      }),
      { numRuns: 5000 },
    );
    expect(outcomes.taken).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(4000);
  });
});
