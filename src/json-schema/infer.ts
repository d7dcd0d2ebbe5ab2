/**
 * The JSON Schema of a sample of JSON values: each value's type, objects' properties merged
 * across the sample (a property missing from some objects, or null in some, is nullable), arrays'
 * items merged, and integer widened to number where both occur. Each place gets the narrowest
 * type whose column holds every value seen: an integer outside the signed 64-bit range is a
 * number (destinations make an "integer" a BIGINT), and a number of 10^29 or more is a number or
 * a string (bigNumberSchema). A place holding containers and other types alike is an object
 * (mixedSchema).
 *
 *   inferJsonSchema([{ id: 1, tag: "a" }, { id: 2.5 }])
 *   // { type: "object", properties: { id: { type: "number" }, tag: { type: ["string", "null"] } } }
 */
import { decimalColumnLimit } from "../decode/decimal.ts";
import { isRawJson, rawJsonText } from "../decode/raw-json.ts";
import { type JsonSchema, nullable } from "./json-schema.ts";

type JsonType = "null" | "boolean" | "integer" | "number" | "string" | "array" | "object";

/** What the sample showed at one place: its types, and for objects and arrays what they held. */
type Shape = {
  types: Set<JsonType>;
  /** Whether a number of 10^29 or more was seen here. */
  beyondDecimal: boolean;
  objects: number;
  properties: Map<string, Shape & { present: number }>;
  items: Shape | null;
};

const order: JsonType[] = ["object", "array", "string", "number", "integer", "boolean", "null"];

export function inferJsonSchema(values: Iterable<unknown>): JsonSchema {
  const shape = emptyShape();
  for (const value of values) add(shape, value);
  return toSchema(shape);
}

function emptyShape(): Shape {
  return { types: new Set(), beyondDecimal: false, objects: 0, properties: new Map(), items: null };
}

function add(shape: Shape, value: unknown): void {
  if (value === null || value === undefined) shape.types.add("null");
  else if (isRawJson(value)) addNumber(shape, rawNumberType(rawJsonText(value)), Number(rawJsonText(value)));
  else if (Array.isArray(value)) {
    shape.types.add("array");
    shape.items ??= emptyShape();
    for (const item of value) add(shape.items, item);
  } else if (typeof value === "object") {
    shape.types.add("object");
    shape.objects++;
    for (const [key, item] of Object.entries(value)) {
      let property = shape.properties.get(key);
      if (!property) shape.properties.set(key, (property = { ...emptyShape(), present: 0 }));
      property.present++;
      add(property, item);
    }
  } else if (typeof value === "number") addNumber(shape, fitsInt64(value) ? "integer" : "number", value);
  else if (typeof value === "boolean") shape.types.add("boolean");
  else shape.types.add("string");
}

function addNumber(shape: Shape, type: JsonType, value: number): void {
  shape.types.add(type);
  if (Math.abs(value) >= decimalColumnLimit) shape.beyondDecimal = true;
}

/**
 * A place where a number of 10^29 or more was seen: declared a number or a string, which makes its
 * column text (PyAirbyte cannot type a column of two types, and Airbyte's destinations choose the
 * string of a union), a column that holds every number exactly. A number column cannot: PyAirbyte's
 * is DECIMAL(38, 9), whose 29 integer digits such a number overflows, aborting the sync; BigQuery's
 * NUMERIC is the same, Snowflake's is a double. The values stay numbers in the records, valid under
 * the schema; Airbyte's type system asks for a string beyond 64 bits.
 */
function bigNumberSchema(listed: JsonType[]): JsonSchema {
  const types = order.filter((t) => t === "string" || t === "number" || listed.includes(t));
  return {
    type: types,
    description: "Numbers of 10^29 or more were seen here, beyond a DECIMAL(38, 9) column: declared text as well.",
  };
}

/**
 * A place where the sample showed an object or an array and other types as well: declared an object,
 * which every destination holds in a JSON column whatever the value. A list of types would be the
 * truer schema, but PyAirbyte makes such a column text, and its PostgreSQL cache then fails on the
 * first object it is given ("can't adapt type 'dict'").
 */
function mixedSchema(listed: JsonType[]): JsonSchema {
  const seen = listed.filter((t) => t !== "null").join(", ");
  return {
    type: listed.includes("null") ? ["object", "null"] : "object",
    description: `Values of several JSON types (${seen}) were seen here: a JSON column holds each.`,
  };
}

/**
 * The sample holds parsed JSON, whose big integers are doubles: one at or beyond ±2^63 came from
 * an integer outside int64, or from one of the integers that round to ±2^63 (the last 512 below
 * 2^63, and -2^63 itself with the 1,024 just below it, which a BIGINT cannot hold); all are called
 * numbers, which a destination holds (never the other way round). Integers between 2^53 and 2^63
 * stay integers: their digits are exact in the emitted text.
 */
function fitsInt64(value: number): boolean {
  return Number.isInteger(value) && value < 2 ** 63 && value > -(2 ** 63);
}

/** An exact number from a registry value (a long beyond 2^53, a decimal), typed by its digits. */
function rawNumberType(text: string): JsonType {
  if (!/^-?[0-9]+$/.test(text)) return "number";
  const value = BigInt(text);
  return value < 2n ** 63n && value >= -(2n ** 63n) ? "integer" : "number";
}

function toSchema(shape: Shape): JsonSchema {
  const types = new Set(shape.types);
  if (types.has("number")) types.delete("integer");
  const listed = order.filter((t) => types.has(t));
  // A place the sample never showed a value at (an empty array's items) may hold anything.
  if (listed.length === 0) return {};
  const valueTypes = listed.filter((t) => t !== "null");
  if (valueTypes.length > 1 && (types.has("object") || types.has("array"))) return mixedSchema(listed);
  if (shape.beyondDecimal) return bigNumberSchema(listed);
  const schema: JsonSchema = { type: listed.length === 1 ? listed[0] : listed };
  if (types.has("object")) {
    schema.properties = Object.fromEntries(
      [...shape.properties].map(([key, property]) => {
        const inner = toSchema(property);
        return [key, property.present < shape.objects ? nullable(inner) : inner];
      }),
    );
  }
  if (types.has("array") && shape.items) schema.items = toSchema(shape.items);
  return schema;
}
