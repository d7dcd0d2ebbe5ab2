/** The JSON Schema documents this folder builds, and the one way they are made to admit null. */

/** A JSON Schema object, as built here and as registries serve it. */
export type JsonSchema = Record<string, unknown>;

/**
 * The schema that also admits null: "null" joins its type (and its enum, which would otherwise
 * still refuse it); a schema without a type of its own (a `$ref`, an `anyOf`, an open `{}`) is
 * wrapped, which says "or null" to a reader even where the schema admitted it already.
 *
 *   nullable({ type: "string", enum: ["a"] })  // { type: ["string", "null"], enum: ["a", null] }
 *   nullable({ $ref: "#/definitions/Point" })   // { anyOf: [{ $ref: … }, { type: "null" }] }
 */
export function nullable(schema: JsonSchema): JsonSchema {
  if (schema.type === undefined) return { anyOf: [schema, { type: "null" }] };
  const types: unknown[] = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes("null")) return schema;
  const enumWithNull = Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {};
  return { ...schema, type: [...types, "null"], ...enumWithNull };
}
