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
