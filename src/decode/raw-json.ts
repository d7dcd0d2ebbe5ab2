/**
 * JSON text that JSON.stringify writes as it is: how a decoded value carries a number whose digits
 * a double cannot hold (an Avro long beyond 2^53, a decimal) exactly to the emitted document,
 * wherever it sits (a value, a key in `_meta`), with no serialiser of our own. Bun and Deno have
 * JSON.rawJSON (TC39's JSON.parse source text access).
 *
 *   JSON.stringify({ id: rawJson("1152921504606846977") })  // '{"id":1152921504606846977}'
 */
type RawJsonApi = { rawJSON(text: string): object; isRawJSON(value: unknown): boolean };

const api = JSON as unknown as RawJsonApi;

/** A JSON number (or other primitive) written exactly as `text`. */
export function rawJson(text: string): object {
  return api.rawJSON(text);
}

export function isRawJson(value: unknown): value is object {
  return api.isRawJSON(value);
}

/** The text a rawJson value stands for. */
export function rawJsonText(value: object): string {
  return (value as { rawJSON: string }).rawJSON;
}

/** An integer as a JSON number: a plain number while it is exact as a double, else its digits. */
export function exactInteger(value: bigint): number | object {
  return value >= minSafe && value <= maxSafe ? Number(value) : rawJson(value.toString());
}

const minSafe = BigInt(Number.MIN_SAFE_INTEGER);
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * JSON.parse, with integers too long for a double (16 digits or more) kept exact as rawJson.
 * Bun's JSON.parse gives a reviver no source text, so such integers are first quoted with a NUL
 * in front, which no JSON string can hold unescaped, and the reviver turns them back. (A string
 * that really is an escaped NUL followed by 16+ digits would read as that integer: no database
 * column we know of holds such text, and only Debezium mode parses this way.)
 */
export function parseJsonExact(text: string): unknown {
  if (!longDigits.test(text)) return JSON.parse(text);
  const marked = text.replace(stringOrLongInteger, (token) =>
    token.charCodeAt(0) === quote ? token : `"\\u0000${token}"`,
  );
  return JSON.parse(marked, (_key, value) =>
    typeof value === "string" && value.charCodeAt(0) === 0 && longInteger.test(value.slice(1))
      ? exactInteger(BigInt(value.slice(1)))
      : value,
  );
}

const quote = 34;
const longDigits = /\d{16}/;
const stringOrLongInteger = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;
const longInteger = /^-?\d{16,}$/;
