/**
 * A topic's stream in discover's CATALOG: its document schema, sync modes, primary key and cursor.
 *
 *   streamFor("orders", { type: "object", properties: { id: { type: "integer" } } })
 */
import { metaJsonSchema } from "../decode/document.ts";
import { documentJsonSchema } from "../json-schema/document.ts";
import type { JsonSchema } from "../json-schema/json-schema.ts";
import { debeziumDocumentSchema, type Table } from "./debezium.ts";

export function streamFor(topic: string, value?: JsonSchema) {
  return {
    name: topic,
    json_schema: documentJsonSchema(value, metaJsonSchema),
    supported_sync_modes: ["full_refresh", "incremental"],
    source_defined_cursor: true,
    // Top-level fields: PyAirbyte and Airbyte's destinations take no nested keys or cursors. A
    // stream is one topic, so partition and offset identify a message.
    default_cursor_field: ["_kafka_offset"],
    source_defined_primary_key: [["_kafka_partition"], ["_kafka_offset"]],
    is_resumable: true,
  };
}

/**
 * A captured table's stream: merged on the key's columns (when the key showed any). The cursor
 * stays the offset: Debezium keys each change by the row's key, so one row's changes share a
 * partition, where offsets order them.
 */
export function tableStreamFor(topic: string, table: Table | undefined) {
  const stream = { ...streamFor(topic), json_schema: debeziumDocumentSchema(table?.value) };
  const primaryKey = table?.primaryKey ?? [];
  return primaryKey.length > 0 ? { ...stream, source_defined_primary_key: primaryKey.map((c) => [c]) } : stream;
}
