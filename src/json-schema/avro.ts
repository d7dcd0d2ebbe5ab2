/**
 * An Avro type → the JSON Schema of the values the connector decodes it to (src/registry/: bytes
 * and fixed as base64, longs exact, logical types as what they mean, unions unwrapped where their
 * branches are told apart by their JSON type, else wrapped as {"<branch>": value}, as Avro's JSON
 * encoding does).
 *
 * Objects are never closed (`additionalProperties: false`): Airbyte's tools refuse such schemas.
 *
 *   avroToJsonSchema(avro.Type.forSchema(["null", "string"]))  // { type: ["string", "null"] }
 */
import type avro from "avsc";

import type { JsonSchema } from "./json-schema.ts";

const primitives: Record<string, JsonSchema> = {
  null: { type: "null" },
  boolean: { type: "boolean" },
  int: { type: "integer" },
  long: { type: "integer" },
  // The exact long the connector decodes with (src/registry/avro-types.ts).
  "abstract:long": { type: "integer" },
  float: { type: "number" },
  double: { type: "number" },
  string: { type: "string" },
  bytes: { type: "string", contentEncoding: "base64" },
};

export function avroToJsonSchema(type: avro.Type): JsonSchema {
  return convert(type, new Set());
}

function convert(type: any, enclosing: Set<unknown>): JsonSchema {
  const primitive = primitives[type.typeName as string];
  if (primitive) return { ...primitive };
  // A logical type the decoder knows (src/registry/avro-logical.ts) describes what it decodes to.
  if (typeof type.jsonSchema === "function") return type.jsonSchema();
  // A recursive type (a record that contains itself) is left open below its first occurrence.
  if (enclosing.has(type)) return {};
  const inside = new Set(enclosing).add(type);
  switch (type.typeName as string) {
    case "record":
    case "error":
      return {
        type: "object",
        required: type.fields.map((f: any) => f.name),
        properties: Object.fromEntries(type.fields.map((f: any) => [f.name, described(convert(f.type, inside), f.doc)])),
      };
    case "enum":
      return { type: "string", enum: [...type.symbols] };
    case "fixed":
      return { type: "string", contentEncoding: "base64" };
    case "array":
      return { type: "array", items: convert(type.itemsType, inside) };
    case "map":
      return { type: "object", additionalProperties: convert(type.valuesType, inside) };
    case "union:unwrapped":
      return union(type.types.map((t: any) => convert(t, inside)));
    case "union:wrapped":
      return union(
        type.types.map((t: any) =>
          t.typeName === "null"
            ? { type: "null" }
            : { type: "object", required: [t.branchName], properties: { [t.branchName]: convert(t, inside) } },
        ),
      );
    default:
      // A logical type avsc was not told about decodes as its underlying type.
      return type.underlyingType ? convert(type.underlyingType, enclosing) : {};
  }
}

/** ["null", T] → T with "null" among its types; anything else → anyOf. */
function union(branches: JsonSchema[]): JsonSchema {
  const nonNull = branches.filter((b) => b.type !== "null");
  const hasNull = nonNull.length < branches.length;
  if (nonNull.length === 1) {
    const only = nonNull[0]!;
    if (!hasNull) return only;
    if (typeof only.type === "string") return { ...only, type: [only.type, "null"], ...(only.enum ? { enum: [...(only.enum as unknown[]), null] } : {}) };
    return { anyOf: [only, { type: "null" }] };
  }
  return { anyOf: branches };
}

function described(schema: JsonSchema, doc: unknown): JsonSchema {
  return typeof doc === "string" && doc.length > 0 ? { ...schema, description: doc } : schema;
}
