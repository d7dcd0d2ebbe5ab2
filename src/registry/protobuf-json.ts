/**
 * A decoded Protobuf message (protobufjs's toObject) → its JSON with Google's well-known types in
 * the proto3 JSON mapping: Timestamp as RFC 3339, Duration as "1.5s", the wrappers as their value,
 * Struct/Value/ListValue as the JSON they hold, FieldMask as "a.b,c", Empty as {}. Everything
 * else stays as toObject wrote it. Fields are found by number, not name: the well-known files may
 * come from protobufjs (camelCase names) or from a registry's descriptor (snake_case).
 *
 *   const json = protobufJson(root.lookupType("shop.Order"));
 *   json({ created: { seconds: "1709287201", nanos: 0 } })  // { created: "2024-03-01T10:00:01Z" }
 */
import protobuf from "protobufjs";
import { dateTime, nanoDigits } from "../decode/temporal.ts";

type Json = unknown;
type Fields = Record<string, unknown>;
type Convert = (value: Fields) => Json;

/** The proto3 JSON mapping of each well-known type, given the type (for its field names). */
const wellKnown: Record<string, (type: protobuf.Type) => Convert> = {
  ".google.protobuf.Timestamp": (type) => {
    const seconds = name(type, 1);
    const nanos = name(type, 2);
    return (m) => timestamp(BigInt(String(m[seconds] ?? 0)), Number(m[nanos] ?? 0));
  },
  ".google.protobuf.Duration": (type) => {
    const seconds = name(type, 1);
    const nanos = name(type, 2);
    return (m) => duration(BigInt(String(m[seconds] ?? 0)), Number(m[nanos] ?? 0));
  },
  ".google.protobuf.Struct": (type) => structJson(type),
  ".google.protobuf.Value": (type) => valueJson(type),
  ".google.protobuf.ListValue": (type) => listJson(type),
  ".google.protobuf.FieldMask": (type) => {
    const paths = name(type, 1);
    return (m) => ((m[paths] ?? []) as string[]).map(lowerCamel).join(",");
  },
  ".google.protobuf.Empty": () => () => ({}),
};
for (const wrapper of ["Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes"]) {
  wellKnown[`.google.protobuf.${wrapper}Value`] = (type) => {
    const value = name(type, 1);
    return (m) => m[value];
  };
}

export function isWellKnown(type: protobuf.Type): boolean {
  return type.fullName in wellKnown;
}

/** Converts objects of `type` (as toObject writes them); objects of a type without well-known fields are returned as they are. */
export function protobufJson(type: protobuf.Type): Convert {
  return converter(type, new Map());
}

function converter(type: protobuf.Type, made: Map<protobuf.Type, Convert>): Convert {
  const known = made.get(type);
  if (known) return known;
  const special = wellKnown[type.fullName];
  if (special) {
    const convert = special(type);
    made.set(type, convert);
    return convert;
  }
  // Set before the fields are looked at, so that a recursive message finds its own converter.
  const plan: [string, Convert, "one" | "repeated" | "map"][] = [];
  const convert: Convert = (m) => {
    if (plan.length === 0) return m;
    const out: Fields = { ...m };
    for (const [name, inner, shape] of plan) {
      const value = m[name];
      if (value === null || value === undefined) continue;
      if (shape === "repeated") out[name] = (value as Fields[]).map(inner);
      else if (shape === "map")
        out[name] = Object.fromEntries(Object.entries(value as Record<string, Fields>).map(([k, v]) => [k, inner(v)]));
      else out[name] = inner(value as Fields);
    }
    return out;
  };
  made.set(type, convert);
  for (const field of type.fieldsArray) {
    const resolved = field.resolvedType;
    if (!(resolved instanceof protobuf.Type) || !needsConversion(resolved, new Set())) continue;
    plan.push([
      field.name,
      converter(resolved, made),
      field instanceof protobuf.MapField ? "map" : field.repeated ? "repeated" : "one",
    ]);
  }
  return convert;
}

/** Whether a message of `type` holds a well-known type anywhere inside. */
function needsConversion(type: protobuf.Type, seen: Set<protobuf.Type>): boolean {
  if (isWellKnown(type)) return true;
  if (seen.has(type)) return false;
  seen.add(type);
  return type.fieldsArray.some(
    (field) => field.resolvedType instanceof protobuf.Type && needsConversion(field.resolvedType, seen),
  );
}

/** The name of field number `id` of `type`. */
function name(type: protobuf.Type, id: number): string {
  const field = type.fieldsById[id];
  if (!field) throw new Error(`${type.fullName} has no field ${id}`);
  return field.name;
}

function timestamp(seconds: bigint, nanos: number): string {
  const digits = nanoDigits(nanos);
  const scale = 10n ** BigInt(digits);
  return dateTime(seconds * scale + BigInt(nanos) / 10n ** BigInt(9 - digits), scale, digits, "Z");
}

/** Seconds and nanos share a sign (the proto's rule): -1.5 s is {seconds: -1, nanos: -500000000}. */
function duration(seconds: bigint, nanos: number): string {
  const negative = seconds < 0n || nanos < 0;
  const whole = seconds < 0n ? -seconds : seconds;
  const fraction = Math.abs(nanos);
  const digits = nanoDigits(fraction);
  const text = digits === 0 ? "" : `.${String(fraction).padStart(9, "0").slice(0, digits)}`;
  return `${negative ? "-" : ""}${whole}${text}s`;
}

function structJson(type: protobuf.Type): Convert {
  const fields = name(type, 1);
  const value = lazy(type, 1);
  return (m) =>
    Object.fromEntries(Object.entries((m[fields] ?? {}) as Record<string, Fields>).map(([k, v]) => [k, value()(v)]));
}

function listJson(type: protobuf.Type): Convert {
  const values = name(type, 1);
  const value = lazy(type, 1);
  return (m) => ((m[values] ?? []) as Fields[]).map((v) => value()(v));
}

/** Value: the one member of its `kind` oneof that is set (null_value, field 1, or none: null), as plain JSON. */
function valueJson(type: protobuf.Type): Convert {
  const scalars = [2, 3, 4].map((id) => name(type, id));
  const structValue = name(type, 5);
  const listValue = name(type, 6);
  const struct = lazy(type, 5);
  const list = lazy(type, 6);
  return (m) => {
    for (const scalar of scalars) if (m[scalar] !== undefined && m[scalar] !== null) return m[scalar];
    if (m[structValue] !== undefined && m[structValue] !== null) return struct()(m[structValue] as Fields);
    if (m[listValue] !== undefined && m[listValue] !== null) return list()(m[listValue] as Fields);
    return null;
  };
}

/** The converter of field `id`'s message type, made on first use: Struct, Value and ListValue refer to each other. */
function lazy(type: protobuf.Type, id: number): () => Convert {
  let convert: Convert | undefined;
  return () => {
    if (convert) return convert;
    const resolved = type.fieldsById[id]?.resolvedType;
    if (!(resolved instanceof protobuf.Type)) throw new Error(`${type.fullName} field ${id} is not a message`);
    convert = wellKnown[resolved.fullName]?.(resolved) ?? ((m) => m);
    return convert;
  };
}

/** FieldMask paths are snake_case in the message and lowerCamelCase in JSON. */
function lowerCamel(path: string): string {
  return path.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
