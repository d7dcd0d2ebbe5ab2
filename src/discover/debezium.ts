/**
 * Discover in Debezium mode: a stream is the captured table. Its schema is the row's columns (from
 * the JSON converter's schema of the latest sampled change, else from a registered Avro
 * `Envelope`'s `after`, else inferred from the sampled rows) with Airbyte's CDC columns; its
 * primary key is the message key's columns, so that a destination can merge on it.
 *
 *   const { value, primaryKey } = fromSample(sample);  // value: the row's JSON Schema; primaryKey: ["id"]
 *   debeziumDocumentSchema(value)                     // what `read` emits for the stream
 */
import { structJsonSchema } from "../decode/connect-schema.ts";
import { cdcJsonSchemaProperties, debeziumMetaJsonSchema } from "../decode/debezium.ts";
import { documentJsonSchema } from "../json-schema/document.ts";
import { inferJsonSchema } from "../json-schema/infer.ts";
import type { JsonSchema } from "../json-schema/json-schema.ts";
import type { Sample } from "./sample.ts";

export type Table = { value?: JsonSchema; primaryKey: string[] };

/** The row and key from sampled change events; the latest with a schema wins, as the table's columns may have changed. */
export function fromSample(sample: Sample): Table {
  const latest = sample.changes.findLast((c) => c.row !== undefined);
  const key = sample.changes.findLast((c) => c.key !== undefined)?.key;
  const primaryKey = key
    ? key.flatMap((f) => (f.field === undefined ? [] : [f.field]))
    : (sample.changes.at(-1)?.keyColumns ?? []);
  if (latest?.row === undefined)
    return { value: sample.values.length > 0 ? inferJsonSchema(sample.values) : undefined, primaryKey };
  // A key column the row lacks (a delete without the old row) still arrives, from the key.
  const keyProperties = key ? structJsonSchema(key).properties : {};
  const row = structJsonSchema(latest.row);
  return { value: { ...row, properties: { ...(keyProperties as object), ...(row.properties as object) } }, primaryKey };
}

/** A registered Avro `Envelope`'s JSON Schema → its `after` record's, without the null a missing row adds. */
export function rowOfEnvelope(envelope: JsonSchema): JsonSchema | undefined {
  const after = (envelope.properties as Record<string, JsonSchema> | undefined)?.after;
  if (after === undefined) return undefined;
  if (Array.isArray(after.anyOf)) return (after.anyOf as JsonSchema[]).find((branch) => branch.type !== "null");
  if (Array.isArray(after.type)) return { ...after, type: after.type.filter((t) => t !== "null") };
  return after;
}

/** The columns of a registered key schema (an Avro record's JSON Schema). */
export function keyColumns(key: JsonSchema): string[] {
  return Object.keys((key.properties as object | undefined) ?? {});
}

/** The stream's JSON Schema: the row with Airbyte's CDC columns, the key fields and `_meta` with op and source. */
export function debeziumDocumentSchema(value: JsonSchema | undefined): JsonSchema {
  const row = value ?? { type: "object", properties: {} };
  return documentJsonSchema(
    { ...row, properties: { ...((row.properties as object | undefined) ?? {}), ...cdcJsonSchemaProperties } },
    debeziumMetaJsonSchema,
  );
}
