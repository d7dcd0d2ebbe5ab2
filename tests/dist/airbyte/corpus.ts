/**
 * Odd values that real producers write, one topic each (tests/dist/airbyte-corpus.test.ts): the six of
 * issue 23 first, then every other class we could think of, as a fuzzer and as a destination's
 * column-naming code would. docs/airbyte.md's table says what each becomes and what each cache does.
 */
import type { TestMessage } from "../../support/kafka.ts";

export type OddValue = {
  /** Part of the topic's name: lower case, digits and `-` (so that the table's name is plain). */
  name: string;
  messages: Omit<TestMessage, "partition">[];
};

const deepArrays = (depth: number) => `{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`;
const deepObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const wide = (keys: number) => `{${Array.from({ length: keys }, (_, i) => `"k${i}":${i}`).join(",")}}`;
const one = (value: string | Buffer | null, more: Omit<TestMessage, "partition" | "value"> = {}) => [
  { value, ...more },
];

export const corpus: OddValue[] = [
  // The six of issue 23.
  { name: "bytes-all-control", messages: one(Buffer.from([0x00, 0x01, 0x02])) },
  { name: "escaped-nul", messages: one('{"a":"a\\u0000b","ok":1}') },
  { name: "arrays-300-deep", messages: one(deepArrays(300)) },
  { name: "lone-surrogate", messages: one('{"lone":"\\ud800","ok":1}') },
  { name: "empty-key", messages: one('{"":1,"ok":2}') },
  { name: "keys-3000", messages: one(wide(3000)) },
  // Values that are not objects, or barely values.
  { name: "empty", messages: one("") },
  { name: "blanks", messages: one(" \t ") },
  { name: "tombstone", messages: one(null) },
  { name: "bom-json", messages: one(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')])) },
  { name: "json-string", messages: one('"just a string"') },
  { name: "json-number", messages: one("12345678901234567890") },
  { name: "json-null", messages: one("null") },
  { name: "json-true", messages: one("true") },
  { name: "json-array", messages: one('[1,"a",{"b":null},[]]') },
  { name: "json-lines", messages: one('{\n  "id": 12345678901234567890,\r\n  "s": "x"\n}\n') },
  // Text and bytes.
  { name: "text-with-nul", messages: one("abc\u0000def") },
  { name: "text-ansi", messages: one("\u001b[31mERROR\u001b[0m disk full\n") },
  { name: "mostly-control", messages: one("\u0001\u0002\u0003\u0004ab") },
  { name: "invalid-utf8", messages: one(Buffer.from([0xff, 0xfe, 0x41])) },
  {
    name: "cesu-surrogate",
    messages: one(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])),
  },
  { name: "big-string", messages: one(`{"s":"${"x".repeat(600_000)}"}`) },
  { name: "line-separators", messages: one('{"s":"a\u2028b\u2029c","t":"\\u2028"}') },
  { name: "astral", messages: one('{"raw":"😀𝄞","escaped":"\\ud83d\\ude00"}') },
  { name: "surrogates-reversed", messages: one('{"s":"\\udc00\\ud800"}') },
  // Numbers.
  { name: "number-1001-chars", messages: one(`{"n":0.${"1".repeat(999)}}`) },
  { name: "number-overflow", messages: one('{"n":1e400,"m":-1e400}') },
  { name: "number-tiny", messages: one('{"n":1e-400}') },
  { name: "negative-zero", messages: one('{"i":-0,"f":-0.0}') },
  // Structure.
  { name: "objects-300-deep", messages: one(deepObjects(300)) },
  { name: "duplicate-keys", messages: one('{"a":1,"b":2,"a":3}') },
  { name: "long-name", messages: one(`{"${"n".repeat(50_001)}":1,"ok":2}`) },
  {
    name: "odd-keys",
    messages: one(
      JSON.stringify({
        名前: 1,
        Id: 2,
        id: 3,
        _airbyte_meta: 4,
        select: 5,
        "a-b": 6,
        "a b": 7,
        [`${"x".repeat(70)}1`]: 8,
        [`${"x".repeat(70)}2`]: 9,
        _meta: 10,
        "1st": 11,
        "!": 12,
      }),
    ),
  },
  { name: "nul-in-key", messages: one('{"a\\u0000":1,"b":{"\\u0000":2}}') },
  // Types that change from message to message.
  {
    name: "mixed-types",
    messages: [{ value: '{"u":1}' }, { value: '{"u":"x"}' }, { value: '{"u":{"a":1}}' }, { value: '{"u":[2]}' }],
  },
  // Keys and headers.
  {
    name: "odd-key-and-headers",
    messages: one('{"ok":1}', {
      key: '{"k":"\\ud800","n":"\\u0000"}',
      headers: { "": "empty name", "nul\u0000name": "v\u0000", bin: Buffer.from([0xff, 0x00]) },
    }),
  },
  { name: "binary-key", messages: one('{"ok":1}', { key: Buffer.from([0x00, 0xff]) }) },
];
