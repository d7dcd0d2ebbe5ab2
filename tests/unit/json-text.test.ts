/**
 * The document rules (src/decode/json-text.ts, src/decode/columns.ts, bytes.ts's looksBinary): each
 * rewrites exactly what consumers cannot parse or store, keeps the rest as written, and is named
 * in `_meta.rewrites`.
 */
import { describe, expect, test } from "bun:test";
import { looksBinary } from "../../src/decode/bytes.ts";
import { columnKey } from "../../src/decode/columns.ts";
import { type DecodeOptions, documentJson } from "../../src/decode/document.ts";
import {
  type BigNumberRule,
  isBigNumber,
  type NulRule,
  type Rewrite,
  rewriteJson,
} from "../../src/decode/json-text.ts";

const rewrite = (text: string, nul: NulRule = "keep", depth = 2, bigNumbers: BigNumberRule = "keep") => {
  const rewrites = new Set<Rewrite>();
  return { text: rewriteJson(text, depth, { nul, bigNumbers }, rewrites), rewrites: [...rewrites].sort() };
};

describe("rewriteJson", () => {
  test("keeps every number's digits, and writes one beyond a double or of over 1000 characters as a string", () => {
    expect(rewrite("[12345678901234567890,-0,1e-400,1.5E+300]")).toEqual({
      text: "[12345678901234567890,-0,1e-400,1.5E+300]",
      rewrites: [],
    });
    expect(rewrite('{"a":1e400,"b":-1e309}')).toEqual({ text: '{"a":"1e400","b":"-1e309"}', rewrites: ["number"] });
    // 1000 characters of a fraction a double holds (rounded), then 1001: Jackson's limit.
    const fits = `0.${"1".repeat(998)}`;
    const long = `0.${"1".repeat(999)}`;
    expect(rewrite(`[${fits},${long}]`)).toEqual({ text: `[${fits},"${long}"]`, rewrites: ["number"] });
    // An integer of 310 digits is beyond a double already.
    expect(rewrite(`[${"9".repeat(308)},${"9".repeat(310)}]`).text).toBe(`[${"9".repeat(308)},"${"9".repeat(310)}"]`);
  });

  test("with big_numbers string, writes as strings the integers beyond 64 bits and the numbers of 10^29 or more", () => {
    const numbers =
      "[9223372036854775807,-9223372036854775808,18446744073709551615,1000000000000000000000," +
      "-9223372036854775809,18446744073709551616,340282366920938463463374607431768211455," +
      "99999999999999999999999999999.5,1e29,-1.5E+300,1e28,0.1234567890123456789012345678901234567891,1e-30,-0]";
    expect(rewrite(numbers)).toEqual({ text: numbers, rewrites: [] });
    expect(rewrite(`{"n":${numbers}}`, "keep", 2, "string")).toEqual({
      text:
        '{"n":[9223372036854775807,-9223372036854775808,18446744073709551615,"1000000000000000000000",' +
        '"-9223372036854775809","18446744073709551616","340282366920938463463374607431768211455",' +
        '"99999999999999999999999999999.5","1e29","-1.5E+300",1e28,0.1234567890123456789012345678901234567891,1e-30,-0]}',
      rewrites: ["big_number"],
    });
    // The integer rule reads the digits as written: 2^64 with a fraction or an exponent is below 10^29, a double.
    for (const kept of ["18446744073709551616.0", "1.8446744073709551616e19", "-9223372036854775809.5"])
      expect(isBigNumber(kept)).toBe(false);
    for (const big of ["-18446744073709551616", "100000000000000000000000000000", "1e+29", "12.5e28"])
      expect(isBigNumber(big)).toBe(true);
  });

  test("makes a lone surrogate escape U+FFFD and keeps pairs", () => {
    expect(rewrite('["\\ud83d\\ude00","\\ud800","x\\udc00y","\\udc00\\ud800"]')).toEqual({
      text: '["\\ud83d\\ude00","\uFFFD","x\uFFFDy","\uFFFD\uFFFD"]',
      rewrites: ["lone_surrogate"],
    });
    expect(rewrite('{"\\ud800":1}').text).toBe('{"\uFFFD":1}');
  });

  test("keeps, strips or replaces NUL in strings and names", () => {
    const text = '{"a\\u0000":"x\\u0000y"}';
    expect(rewrite(text, "keep")).toEqual({ text, rewrites: [] });
    expect(rewrite(text, "strip")).toEqual({ text: '{"a":"xy"}', rewrites: ["nul"] });
    expect(rewrite(text, "replace")).toEqual({ text: '{"a\uFFFD":"x\uFFFDy"}', rewrites: ["nul"] });
  });

  test("writes a container deeper than 64 in the document as its JSON text", () => {
    const deep = `${"[".repeat(70)}${"]".repeat(70)}`;
    // The value sits at depth 2: its 63rd container is at 64, the 64th at 65.
    const { text, rewrites } = rewrite(deep);
    expect(rewrites).toEqual(["depth"]);
    expect(text).toBe(`${"[".repeat(63)}${JSON.stringify(`${"[".repeat(7)}${"]".repeat(7)}`)}${"]".repeat(63)}`);
    expect(rewrite(`${"[".repeat(63)}${"]".repeat(63)}`).rewrites).toEqual([]);
  });

  test("keeps a repeated name's last value at its first place", () => {
    expect(rewrite('{"a":1,"b":2,"a":{"c":1,"c":[3]}}')).toEqual({
      text: '{"a":{"c":[3]},"b":2}',
      rewrites: ["duplicate_name"],
    });
    expect(rewrite('{"a":1,"\\u0061":2}').text).toBe('{"a":2}');
  });

  test("writes an object with a name of over 50,000 characters as its JSON text", () => {
    const name = "n".repeat(50_001);
    const object = `{"${name}":1}`;
    expect(rewrite(`[${object},{"${"n".repeat(50_000)}":2}]`)).toEqual({
      text: `[${JSON.stringify(object)},{"${"n".repeat(50_000)}":2}]`,
      rewrites: ["long_name"],
    });
  });
});

describe("columnKey", () => {
  test("normalises as PyAirbyte does, cut at PostgreSQL's 63 characters; null where no column can be named", () => {
    expect(columnKey("Order Id")).toBe("order_id");
    expect(columnKey("1st")).toBe("_1st");
    expect(columnKey("K")).toBe("k");
    expect(columnKey("x".repeat(70))).toBe("x".repeat(63));
    for (const name of ["", "_", "!!", "名前", "_airbyte_meta", "-Airbyte-Raw-Id"]) expect(columnKey(name)).toBeNull();
  });
});

describe("documents", () => {
  const origin = { topic: "t", partition: 0, logAppendTime: false };
  const document = (
    value: Uint8Array | string,
    nulCharacters: NulRule = "keep",
    key: string | null = null,
    bigNumbers: BigNumberRule = "keep",
  ) => {
    const options: DecodeOptions = {
      keyFormat: "auto",
      valueFormat: "auto",
      onDecodeError: "fail",
      nulCharacters,
      bigNumbers,
    };
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
    const record = {
      offset: 0,
      timestamp: 0,
      key: key === null ? null : new TextEncoder().encode(key),
      value: bytes,
      headers: [],
    };
    return JSON.parse(documentJson(origin, record, options));
  };

  test("top-level names that cannot be columns go under _other_fields; the first of names alike stays", () => {
    const doc = document('{"":1,"Id":2,"id":3,"名前":4,"_airbyte_meta":5,"ok":6,"_meta":7}');
    expect(doc).toMatchObject({ Id: 2, ok: 6, _other_fields: { "": 1, id: 3, 名前: 4, _airbyte_meta: 5, _meta: 7 } });
    expect(doc._meta.rewrites).toEqual(["other_fields"]);
  });

  test("an object spread over lines is written again, its numbers as written", () => {
    const doc = documentJson(
      origin,
      {
        offset: 0,
        timestamp: 0,
        key: null,
        value: new TextEncoder().encode('{\n "id": 12345678901234567890\n}'),
        headers: [],
      },
      { keyFormat: "auto", valueFormat: "auto", onDecodeError: "fail", nulCharacters: "keep", bigNumbers: "keep" },
    );
    expect(doc).toStartWith('{"id":12345678901234567890,"_kafka_partition":0');
  });

  test("a top-level scalar keeps its digits; one beyond a double is a string", () => {
    expect(
      documentJson(
        origin,
        { offset: 0, timestamp: 0, key: null, value: new TextEncoder().encode("12345678901234567890"), headers: [] },
        { keyFormat: "auto", valueFormat: "auto", onDecodeError: "fail", nulCharacters: "keep", bigNumbers: "keep" },
      ),
    ).toStartWith('{"value":12345678901234567890,');
    expect(document("1e400")).toMatchObject({ value: "1e400", _meta: { rewrites: ["number"] } });
  });

  test("NUL in text values, keys and headers follows nul_characters", () => {
    expect(document('"a\\u0000b"', "strip")).toMatchObject({ value: "ab", _meta: { rewrites: ["nul"] } });
    expect(document('{"a":"\\u0000"}', "replace", '{"k":"\\u0000"}')).toMatchObject({
      a: "\uFFFD",
      _meta: { key: { k: "\uFFFD" }, rewrites: ["nul"] },
    });
  });

  test("big_numbers string writes big numbers as strings in values, top-level scalars and keys", () => {
    const value = '{"wei":1000000000000000000000,"ok":18446744073709551615,"deep":{"id":[1e30]}}';
    expect(document(value)._meta.rewrites).toBeUndefined();
    const options: DecodeOptions = {
      keyFormat: "auto",
      valueFormat: "auto",
      onDecodeError: "fail",
      nulCharacters: "keep",
      bigNumbers: "string",
    };
    const record = { offset: 0, timestamp: 0, key: null, value: new TextEncoder().encode(value), headers: [] };
    expect(documentJson(origin, record, options)).toStartWith(
      '{"wei":"1000000000000000000000","ok":18446744073709551615,"deep":{"id":["1e30"]},"_kafka_partition":0',
    );
    expect(document(value, "keep", '{"id":18446744073709551616}', "string")).toMatchObject({
      _meta: { key: { id: "18446744073709551616" }, rewrites: ["big_number"] },
    });
    expect(document("-9223372036854775809", "keep", null, "string")).toMatchObject({
      value: "-9223372036854775809",
      _meta: { rewrites: ["big_number"] },
    });
    // A key alone can be rewritten: the value, clean, still takes its text as written.
    const doc = document('{"n":1}', "keep", "18446744073709551616", "string");
    expect(doc).toMatchObject({ n: 1, _meta: { key: "18446744073709551616", rewrites: ["big_number"] } });
  });

  test("auto reads UTF-8 that holds NUL or is mostly control characters as binary", () => {
    expect(document(new Uint8Array([0, 1, 2]))).toMatchObject({ value: "AAEC", _meta: { value_encoding: "base64" } });
    expect(looksBinary("\u0001\u0002abc")).toBe(true);
    expect(looksBinary("\u001b[31mERROR\u001b[0m disk full\n\tat line 3\r\n")).toBe(false);
    expect(looksBinary("")).toBe(false);
    expect(document("plain\ttext\n")).toMatchObject({ value: "plain\ttext\n", _meta: { value_encoding: "utf-8" } });
  });

  test("a key nested deeper than the document allows is its text from _meta.key's depth (3)", () => {
    const key = `${"[".repeat(63)}${"]".repeat(63)}`;
    const doc = document("{}", "keep", key);
    expect(doc._meta.rewrites).toEqual(["depth"]);
  });
});
