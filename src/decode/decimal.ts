/**
 * Decimals as exact text, from the two's-complement unscaled value that Avro's decimal and Kafka
 * Connect's Decimal (Debezium) both carry, big-endian, times 10^-scale.
 *
 *   decimalText(unscaled(Buffer.from([0x04, 0xd2])), 2)  // "12.34"
 */

/** The two's-complement big-endian integer in `bytes`. */
export function unscaled(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const value = BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`);
  const negative = (bytes[0] ?? 0) >= 0x80;
  return negative ? value - (1n << BigInt(bytes.length * 8)) : value;
}

/** 1234n, scale 2 → "12.34"; -5n, scale 2 → "-0.05". */
export function decimalText(value: bigint, scale: number): string {
  const digits = (value < 0n ? -value : value).toString().padStart(scale + 1, "0");
  const sign = value < 0n ? "-" : "";
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * The widest decimal written as a JSON number: a number column in PyAirbyte's caches is
 * DECIMAL(38, 9) (BigQuery's NUMERIC too), so a decimal whose schema allows more than 29 integer or
 * 9 fraction digits is a string, to stay exact where it lands (docs/schema-registry.md).
 */
export function fitsNumber(precision: number, scale: number): boolean {
  return precision - scale <= 29 && scale <= 9;
}

/**
 * The least magnitude a DECIMAL(38, 9) column cannot hold (29 integer digits): PyAirbyte's caches abort
 * the sync on such a number in a number column, and BigQuery's NUMERIC fails it. Compared as a double,
 * so that the few numbers just below it that round up to it count as beyond it too (a text column
 * holds those as well).
 */
export const decimalColumnLimit = 1e29;

/** The JSON Schema of a decimal string (one too wide for a number). */
export const decimalStringSchema = { type: "string", pattern: "^-?[0-9]+(\\.[0-9]+)?$" };
