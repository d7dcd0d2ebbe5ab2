/**
 * A Protobuf message type → the JSON Schema of the objects the connector decodes it to (see
 * src/registry/compile.ts: field names as declared, 64-bit integers as strings, enums by name,
 * bytes as base64, unset scalars with their defaults, unset message fields null, Google's
 * well-known types per the proto3 JSON mapping). Objects are
 * never closed (`additionalProperties: false`): Airbyte's tools refuse such schemas.
 *
 *   protobufToJsonSchema(root.lookupType("shop.Order"))  // { type: "object", properties: { … } }
 */
import protobuf from "protobufjs";

import { type JsonSchema, nullable } from "./json-schema.ts";

const scalars: Record<string, JsonSchema> = {
  double: { type: "number" },
  float: { type: "number" },
  int32: { type: "integer" },
  uint32: { type: "integer" },
  sint32: { type: "integer" },
  fixed32: { type: "integer" },
  sfixed32: { type: "integer" },
  int64: { type: "string", pattern: "^-?[0-9]+$" },
  uint64: { type: "string", pattern: "^[0-9]+$" },
  sint64: { type: "string", pattern: "^-?[0-9]+$" },
  fixed64: { type: "string", pattern: "^[0-9]+$" },
  sfixed64: { type: "string", pattern: "^-?[0-9]+$" },
  bool: { type: "boolean" },
  string: { type: "string" },
  bytes: { type: "string", contentEncoding: "base64" },
};

const timestamp = { type: "string", format: "date-time", airbyte_type: "timestamp_with_timezone" };
const wrapped = (scalar: string) => () => ({ ...scalars[scalar] });

/** Google's well-known types, as the proto3 JSON mapping writes them (src/registry/protobuf-json.ts). */
const wellKnown: Record<string, () => JsonSchema> = {
  ".google.protobuf.Timestamp": () => ({ ...timestamp }),
  ".google.protobuf.Duration": () => ({ type: "string", pattern: "^-?[0-9]+(\\.[0-9]+)?s$" }),
  ".google.protobuf.Struct": () => ({ type: "object" }),
  // Any JSON value: listed rather than left untyped, so that tools mapping types see one.
  ".google.protobuf.Value": () => ({ type: ["string", "number", "boolean", "object", "array", "null"] }),
  ".google.protobuf.ListValue": () => ({ type: "array" }),
  ".google.protobuf.FieldMask": () => ({ type: "string" }),
  ".google.protobuf.Empty": () => ({ type: "object" }),
  ".google.protobuf.DoubleValue": wrapped("double"),
  ".google.protobuf.FloatValue": wrapped("float"),
  ".google.protobuf.Int64Value": wrapped("int64"),
  ".google.protobuf.UInt64Value": wrapped("uint64"),
  ".google.protobuf.Int32Value": wrapped("int32"),
  ".google.protobuf.UInt32Value": wrapped("uint32"),
  ".google.protobuf.BoolValue": wrapped("bool"),
  ".google.protobuf.StringValue": wrapped("string"),
  ".google.protobuf.BytesValue": wrapped("bytes"),
};

export function protobufToJsonSchema(type: protobuf.Type): JsonSchema {
  type.root.resolveAll();
  return message(type, new Set());
}

function message(type: protobuf.Type, enclosing: Set<protobuf.Type>): JsonSchema {
  // A recursive message is left open below its first occurrence.
  if (enclosing.has(type)) return {};
  const inside = new Set(enclosing).add(type);
  return {
    type: "object",
    properties: Object.fromEntries(type.fieldsArray.map((field) => [field.name, fieldSchema(field, inside)])),
  };
}

function fieldSchema(field: protobuf.Field, enclosing: Set<protobuf.Type>): JsonSchema {
  const value = valueSchema(field, enclosing);
  if (field instanceof protobuf.MapField) return { type: "object", additionalProperties: value };
  if (field.repeated) return { type: "array", items: value };
  // Unset message fields, and unset members of a oneof (proto3 `optional` too), are absent or null.
  if (field.resolvedType instanceof protobuf.Type || field.partOf) return nullable(value);
  return value;
}

function valueSchema(field: protobuf.Field, enclosing: Set<protobuf.Type>): JsonSchema {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return wellKnown[resolved.fullName]?.() ?? message(resolved, enclosing);
  if (resolved instanceof protobuf.Enum) return { type: "string", enum: Object.keys(resolved.values) };
  return { ...(scalars[field.type] ?? {}) };
}
