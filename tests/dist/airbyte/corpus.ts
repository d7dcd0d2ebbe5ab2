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
  /**
   * A column whose rows (as text) the test checks in each cache, as docs/airbyte.md says they land:
   * DuckDB with the default settings, PostgreSQL with big_numbers: string, whose strings of digits
   * PyAirbyte's Postgres cache reads with pandas, as doubles, at the top level.
   */
  stored?: { column: string; duckdb: string[]; postgres: string[] };
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
  // Numbers beyond what 64 bits, a double or DECIMAL(38, 9) hold, as ids, hashes, amounts and
  // measurements are written (docs/airbyte.md, "Numbers"): top level, nested, in arrays, in keys.
  {
    name: "int-beyond-double",
    messages: one('{"n":9007199254740993}'),
    stored: { column: "n", duckdb: ["9007199254740993"], postgres: ["9007199254740993"] },
  },
  {
    name: "uint64-hash",
    messages: one('{"hash":18446744073709551615}'),
    stored: {
      column: "hash",
      duckdb: ["18446744073709551615.000000000"],
      postgres: ["18446744073709551615.000000000"],
    },
  },
  {
    name: "wei-amount",
    messages: one('{"wei":1000000000000000000000}'),
    stored: { column: "wei", duckdb: ["1000000000000000000000.000000000"], postgres: ["1000000000000000000000"] },
  },
  {
    name: "int-below-int64",
    messages: one('{"n":-9223372036854775809}'),
    stored: { column: "n", duckdb: ["-9223372036854775809.000000000"], postgres: ["-9223372036854775808"] },
  },
  {
    name: "int-10e29",
    messages: one('{"n":100000000000000000000000000000}'),
    stored: { column: "n", duckdb: ["100000000000000000000000000000"], postgres: ["100000000000000000000000000000"] },
  },
  {
    name: "uint128-id",
    messages: one('{"id":340282366920938463463374607431768211455}'),
    stored: {
      column: "id",
      duckdb: ["340282366920938463463374607431768211455"],
      postgres: ["340282366920938500000000000000000000000"],
    },
  },
  {
    name: "int128-negative",
    messages: one('{"id":-170141183460469231731687303715884105728}'),
    stored: {
      column: "id",
      duckdb: ["-170141183460469231731687303715884105728"],
      postgres: ["-170141183460469230000000000000000000000"],
    },
  },
  {
    name: "decimal-40-digits",
    messages: one('{"d":1234567890123456789012345678901234567890.5}'),
    stored: { column: "d", duckdb: ["1.2345678901234568e+39"], postgres: ["1234567890123456800000000000000000000000"] },
  },
  {
    name: "decimal-40-fraction",
    messages: one('{"d":0.1234567890123456789012345678901234567891}'),
    stored: { column: "d", duckdb: ["0.123456789"], postgres: ["0.123456789"] },
  },
  {
    name: "fraction-12-digits",
    messages: one('{"d":-1.000000000001}'),
    stored: { column: "d", duckdb: ["-1.000000000"], postgres: ["-1.000000000"] },
  },
  {
    name: "number-1e-30",
    messages: one('{"t":1e-30,"u":-1e-30}'),
    stored: { column: "t", duckdb: ["0.000000000"], postgres: ["0.000000000"] },
  },
  {
    name: "number-1e30",
    messages: one('{"f":1e30}'),
    stored: { column: "f", duckdb: ["1e+30"], postgres: ["1000000000000000000000000000000"] },
  },
  {
    name: "number-1e300-negative",
    messages: one('{"f":-1.5e300}'),
    stored: {
      column: "f",
      duckdb: ["-1.5e+300"],
      postgres: [`-15${"0".repeat(299)}`],
    },
  },
  {
    name: "big-numbers-nested",
    messages: one('{"o":{"wei":1000000000000000000000,"id":340282366920938463463374607431768211455,"n":-1e30}}'),
    stored: {
      column: "o",
      duckdb: ['{"wei":1000000000000000000000,"id":340282366920938463463374607431768211455,"n":-1e30}'],
      postgres: ['{"wei": "1000000000000000000000", "id": "340282366920938463463374607431768211455", "n": "-1e30"}'],
    },
  },
  {
    name: "big-numbers-in-array",
    messages: one('{"a":[18446744073709551616,1e30,-9223372036854775809,0.5]}'),
    stored: {
      column: "a",
      duckdb: ["[18446744073709551616,1e30,-9223372036854775809,0.5]"],
      postgres: ['["18446744073709551616", "1e30", "-9223372036854775809", 0.5]'],
    },
  },
  {
    name: "json-big-number",
    messages: one("340282366920938463463374607431768211455"),
    stored: {
      column: "value",
      duckdb: ["340282366920938463463374607431768211455"],
      postgres: ["340282366920938500000000000000000000000"],
    },
  },
  { name: "big-number-key", messages: one('{"ok":1}', { key: '{"id":18446744073709551616}' }) },
  {
    name: "small-then-big",
    messages: [{ value: '{"n":1,"f":0.5}' }, { value: '{"n":18446744073709551616,"f":1e30}' }],
    stored: {
      column: "n",
      duckdb: ["1.000000000", "18446744073709551616.000000000"],
      postgres: ["1.0", "18446744073709552000"],
    },
  },
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
