/**
 * A value's JSON Schema bounded to what destinations can hold and what every consumer of the
 * CATALOG line parses, whatever a sampled message or a registered schema holds: at most
 * `maxColumns` properties an object (the first ones; PostgreSQL and Redshift hold 1,600 columns,
 * SQL Server 1,024, and the rest stay in the data, undeclared), only properties a destination can
 * name as columns of their own (columns.ts: not empty once normalised, not alike an earlier one,
 * not Airbyte's), and nothing below `maxSchemaDepth` levels of properties and items (deeper is
 * left open: `{}`), so that the CATALOG line stays far inside pydantic's 200 levels.
 *
 *   boundedSchema({ type: "object", properties: { "": { type: "string" }, a: { type: "integer" } } })
 *   // { type: "object", properties: { a: { type: "integer" } } }
 */
import { ColumnNames } from "../decode/columns.ts";
import type { JsonSchema } from "./json-schema.ts";

export const maxColumns = 1000;
export const maxSchemaDepth = 16;

/** Keywords whose values are schemas (or lists or maps of them) at the same level of the data. */
const sameLevel = new Set(["anyOf", "oneOf", "allOf", "not", "if", "then", "else"]);
const mapsOfSchemas = new Set(["definitions", "$defs"]);

export function boundedSchema(schema: JsonSchema, depth = 0): JsonSchema {
  if (depth > maxSchemaDepth) return {};
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === "properties" && isObject(value)) out.properties = boundedProperties(value, depth);
    else if (keyword === "required" && Array.isArray(value))
      continue; // set below, to the properties kept
    else if ((keyword === "items" || keyword === "additionalProperties") && isObject(value))
      out[keyword] = boundedSchema(value, depth + 1);
    else if (sameLevel.has(keyword) && Array.isArray(value))
      out[keyword] = value.map((s) => (isObject(s) ? boundedSchema(s, depth) : s));
    else if (sameLevel.has(keyword) && isObject(value)) out[keyword] = boundedSchema(value, depth);
    else if (mapsOfSchemas.has(keyword) && isObject(value))
      out[keyword] = Object.fromEntries(
        Object.entries(value).map(([name, s]) => [name, isObject(s) ? boundedSchema(s, depth) : s]),
      );
    else out[keyword] = value;
  }
  if (Array.isArray(schema.required) && isObject(out.properties)) {
    const kept = out.properties as JsonSchema;
    const required = (schema.required as unknown[]).filter((name) => typeof name === "string" && name in kept);
    if (required.length > 0) out.required = required;
  }
  return out;
}

function boundedProperties(properties: JsonSchema, depth: number): JsonSchema {
  const columns = new ColumnNames();
  const kept: JsonSchema = {};
  let count = 0;
  for (const [name, property] of Object.entries(properties)) {
    if (count === maxColumns) break;
    // The document's own `_other_fields` (document.ts) is declared where the sample shows it.
    if (!(depth === 0 && name === "_other_fields") && !columns.take(name)) continue;
    kept[name] = isObject(property) ? boundedSchema(property, depth + 1) : property;
    count++;
  }
  return kept;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
