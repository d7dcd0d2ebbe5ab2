/**
 * A JSON Schema with every object opened: `additionalProperties: false` and
 * `unevaluatedProperties: false` removed at any depth. A schema registered by a user may close
 * its objects, but a stream schema must not: PyAirbyte and airbyte-cdk's standard tests refuse it,
 * and the connector's documents add fields (`_meta`, the key fields) to the value's object anyway.
 *
 *   openSchema({ type: "object", additionalProperties: false, properties: { a: { type: "string" } } })
 *   // { type: "object", properties: { a: { type: "string" } } }
 */
import type { JsonSchema } from "./json-schema.ts";

export function openSchema<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(openSchema) as T;
  if (typeof schema !== "object" || schema === null) return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if ((key === "additionalProperties" || key === "unevaluatedProperties") && value === false) continue;
    // Values of these keywords are data, not schemas: leave them exactly as written.
    out[key] = key === "enum" || key === "const" || key === "default" || key === "examples" ? value : openSchema(value);
  }
  return out as T;
}
