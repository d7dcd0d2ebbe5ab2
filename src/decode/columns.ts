/**
 * Which names can be a column of their own in a destination, as PyAirbyte's and Airbyte's naming code
 * makes columns of a record's top-level fields: lower case, every character but a-z and 0-9 as `_`, a
 * leading digit behind a `_` (PyAirbyte's LowerCaseNormalizer). A name that leaves nothing but `_`
 * (`""`, `"!!"`, `"名前"`) aborts PyAirbyte's sync ("Name cannot be empty after normalization"); two
 * names alike once normalised (`"A"` and `"a"`, or the same first 63 characters, where PostgreSQL cuts
 * an identifier) overwrite each other or make the table fail; `_airbyte_*` is Airbyte's and PyAirbyte's own.
 *
 *   columnKey("Order Id")  // "order_id"
 *   columnKey("名前")      // null: no column can be named after it
 */

/** The connector's own top-level fields (document.ts writes them). */
export const ownFields = ["_kafka_partition", "_kafka_offset", "_meta", "_other_fields"] as const;

/** PostgreSQL keeps the first 63 bytes of an identifier (NAMEDATALEN - 1); normalised names are ASCII. */
const identifierLength = 63;

/** The name a destination gives the column of `name` (cut where PostgreSQL cuts it); null when it cannot name one. */
export function columnKey(name: string): string | null {
  let key = name.toLowerCase().replace(notAlphanumeric, "_");
  if (key.length > 0 && key.charCodeAt(0) >= 0x30 && key.charCodeAt(0) <= 0x39) key = `_${key}`;
  if (!hasAlphanumeric.test(key) || key.startsWith("_airbyte_")) return null;
  return key.slice(0, identifierLength);
}

const notAlphanumeric = /[^a-z0-9]/gu;
const hasAlphanumeric = /[a-z0-9]/;

/**
 * Decides, name by name in the order they come, which top-level names are columns: those with a
 * column key no earlier column (and none of the connector's own fields) has. The others stay in
 * the document under `_other_fields`.
 */
export class ColumnNames {
  readonly #taken = new Set<string>(ownFields);

  /** Whether `name` is a column of its own; if so its key is taken. */
  take(name: string): boolean {
    const key = columnKey(name);
    if (key === null || this.#taken.has(key)) return false;
    this.#taken.add(key);
    return true;
  }
}
