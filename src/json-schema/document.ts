/**
 * A value's JSON Schema → the JSON Schema of the documents `read` emits for the topic: a value
 * that is an object is the document itself (its properties sit beside `_meta`), anything else
 * sits under `value`. No value property is required: a tombstone's document has only `_meta`
 * and the key fields, `_kafka_partition` and `_kafka_offset`, the stream's primary key and cursor.
 * The value's schema is bounded first (bounds.ts): what destinations can name and hold.
 *
 *   documentJsonSchema({ type: "object", properties: { id: { type: "integer" } } }, meta)
 *   // { …, required: [..keys, "_meta"], properties: { id: { type: "integer" }, ...keys, _meta: meta } }
 */
import { boundedSchema } from "./bounds.ts";
import type { JsonSchema } from "./json-schema.ts";

/** The top-level key fields every document carries (src/decode/document.ts writes them). */
export const keyProperties = {
  _kafka_partition: { type: "integer", minimum: 0, description: "The message's partition (= _meta.partition)." },
  _kafka_offset: { type: "integer", minimum: 0, description: "The message's offset (= _meta.offset)." },
} as const;

export function documentJsonSchema(unbounded: JsonSchema | undefined, meta: JsonSchema): JsonSchema {
  const properties: Record<string, unknown> = {};
  const definitions: JsonSchema = {};
  const value = unbounded === undefined ? undefined : boundedSchema(unbounded);
  if (value !== undefined) {
    const types =
      value.type === undefined ? [] : Array.isArray(value.type) ? (value.type as string[]) : [value.type as string];
    if (types.includes("object") && typeof value.properties === "object" && value.properties !== null) {
      Object.assign(properties, value.properties);
      const others = types.filter((t) => t !== "object");
      if (others.length > 0) properties.value = { type: others.length === 1 ? others[0] : others };
    } else {
      properties.value = value;
    }
    // A JSON Schema's references point at its root's definitions: keep them at the new root.
    for (const key of ["definitions", "$defs"]) if (value[key] !== undefined) definitions[key] = value[key];
  }
  for (const own of ["_kafka_partition", "_kafka_offset", "_meta"]) delete properties[own];
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    additionalProperties: true,
    required: ["_kafka_partition", "_kafka_offset", "_meta"],
    properties: { ...properties, ...keyProperties, _meta: meta },
    ...definitions,
  };
}
