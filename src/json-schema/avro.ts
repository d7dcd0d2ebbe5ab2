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

import { type JsonSchema, nullable } from "./json-schema.ts";

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

/** What this module reads of avsc's type objects (avsc's own typings do not declare these fields). */
type AvroTypeLike = {
  typeName: string;
  /** Set by the decoder's logical types (src/registry/avro-logical.ts). */
  jsonSchema?: () => JsonSchema;
  fields?: { name: string; type: AvroTypeLike; doc?: unknown }[];
  symbols?: string[];
  itemsType?: AvroTypeLike;
  valuesType?: AvroTypeLike;
  types?: AvroTypeLike[];
  branchName?: string;
  underlyingType?: AvroTypeLike;
};

export function avroToJsonSchema(type: avro.Type): JsonSchema {
  return convert(type as unknown as AvroTypeLike, new Set());
}

function convert(type: AvroTypeLike, enclosing: Set<unknown>): JsonSchema {
  const primitive = primitives[type.typeName];
  if (primitive) return { ...primitive };
  // A logical type the decoder knows (src/registry/avro-logical.ts) describes what it decodes to.
  if (typeof type.jsonSchema === "function") return type.jsonSchema();
  // A recursive type (a record that contains itself) is left open below its first occurrence.
  if (enclosing.has(type)) return {};
  const inside = new Set(enclosing).add(type);
  switch (type.typeName) {
    case "record":
    case "error":
      return {
        type: "object",
        required: (type.fields ?? []).map((f) => f.name),
        properties: Object.fromEntries(
          (type.fields ?? []).map((f) => [f.name, described(convert(f.type, inside), f.doc)]),
        ),
      };
    case "enum":
      return { type: "string", enum: [...(type.symbols ?? [])] };
    case "fixed":
      return { type: "string", contentEncoding: "base64" };
    case "array":
      return { type: "array", items: type.itemsType ? convert(type.itemsType, inside) : {} };
    case "map":
      return { type: "object", additionalProperties: type.valuesType ? convert(type.valuesType, inside) : {} };
    case "union:unwrapped":
      return union((type.types ?? []).map((t) => convert(t, inside)));
    case "union:wrapped":
      return union(
        (type.types ?? []).map((t) => {
          const branch = t.branchName ?? t.typeName;
          if (t.typeName === "null") return { type: "null" };
          return { type: "object", required: [branch], properties: { [branch]: convert(t, inside) } };
        }),
      );
    default:
      // A logical type avsc was not told about decodes as its underlying type.
      return type.underlyingType ? convert(type.underlyingType, enclosing) : {};
  }
}

/** ["null", T] → T with "null" among its types; anything else → anyOf. */
function union(branches: JsonSchema[]): JsonSchema {
  const nonNull = branches.filter((b) => b.type !== "null");
  const [only, ...others] = nonNull;
  if (!only || others.length > 0) return { anyOf: branches };
  return nonNull.length < branches.length ? nullable(only) : only;
}

function described(schema: JsonSchema, doc: unknown): JsonSchema {
  return typeof doc === "string" && doc.length > 0 ? { ...schema, description: doc } : schema;
}
