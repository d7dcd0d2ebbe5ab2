/**
 * A value's JSON Schema → the JSON Schema of the documents `read` emits for the topic: a value
 * that is an object is the document itself (its properties sit beside `_meta`), anything else
 * sits under `value`. No value property is required: a tombstone's document has only `_meta`.
 *
 *   documentJsonSchema({ type: "object", properties: { id: { type: "integer" } } }, meta)
 *   // { …, required: ["_meta"], properties: { id: { type: "integer" }, _meta: meta } }
 */
type JsonSchema = Record<string, unknown>;

export function documentJsonSchema(value: JsonSchema | undefined, meta: JsonSchema): JsonSchema {
  const properties: Record<string, unknown> = {};
  const definitions: JsonSchema = {};
  if (value !== undefined) {
    const types = value.type === undefined ? [] : Array.isArray(value.type) ? (value.type as string[]) : [value.type as string];
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
  delete properties._meta;
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    additionalProperties: true,
    required: ["_meta"],
    properties: { ...properties, _meta: meta },
    ...definitions,
  };
}
