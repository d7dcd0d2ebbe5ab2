/**
 * Kafka Connect schemas, as the JSON converter writes them beside a payload (`{"schema", "payload"}`),
 * and the semantic types Debezium names in them (`io.debezium.time.Date` on an int32, a Connect
 * `Decimal` on bytes…): values converted to what they mean, and the JSON Schema of what they
 * convert to, from one table so that the two agree.
 *
 *   const schema = { type: "int32", name: "io.debezium.time.Date" };
 *   fromConnect(schema, 19782)    // "2024-02-29"
 *   connectJsonSchema(schema)     // { type: "string", format: "date" }
 */
import { calendarDate, dateTime, timeOfDay } from "./temporal.ts";
import { DecodeError } from "./bytes.ts";
import { decimalStringSchema, decimalText, fitsNumber, unscaled } from "./decimal.ts";
import { isRawJson, rawJson, rawJsonText } from "./raw-json.ts";

/** A Connect schema as the JSON converter serialises it; `field` names a struct's field. */
export type ConnectSchema = {
  type: string;
  optional?: boolean;
  name?: string;
  field?: string;
  parameters?: Record<string, string>;
  fields?: ConnectSchema[];
  items?: ConnectSchema;
  values?: ConnectSchema;
};

type JsonSchema = Record<string, unknown>;

const localTimestamp = { type: "string", format: "date-time", airbyte_type: "timestamp_without_timezone" };
const zonedTimestamp = { type: "string", format: "date-time", airbyte_type: "timestamp_with_timezone" };
const localTime = { type: "string", format: "time", airbyte_type: "time_without_timezone" };
const anyJson = { type: ["string", "number", "boolean", "object", "array", "null"] };

/** A semantic type: how its values convert and what they convert to. */
type Semantic = {
  convert: (value: unknown, schema: ConnectSchema) => unknown;
  jsonSchema: (schema: ConnectSchema) => JsonSchema;
};

/** An int64 as parsed: a number, or rawJson where a double cannot hold it (nanoseconds since 1970). */
function count(value: unknown): bigint {
  return isRawJson(value) ? BigInt(rawJsonText(value)) : BigInt(value as number);
}

const instant = (perSecond: bigint, digits: number, zone: "Z" | ""): Semantic => ({
  convert: (value) => dateTime(count(value), perSecond, digits, zone),
  jsonSchema: () => ({ ...(zone === "Z" ? zonedTimestamp : localTimestamp) }),
});

const time = (perSecond: bigint, digits: number): Semantic => ({
  convert: (value) => timeOfDay(count(value), perSecond, digits),
  jsonSchema: () => ({ ...localTime }),
});

const date: Semantic = {
  convert: (value) => calendarDate(value as number),
  jsonSchema: () => ({ type: "string", format: "date" }),
};

/** Debezium's time.precision.mode adaptive (the default) and connect; Timestamp types are wall-clock times without a zone. */
const semantic: Record<string, Semantic> = {
  "io.debezium.time.Date": date,
  "org.apache.kafka.connect.data.Date": date,
  "io.debezium.time.Timestamp": instant(1000n, 3, ""),
  "io.debezium.time.MicroTimestamp": instant(1_000_000n, 6, ""),
  "io.debezium.time.NanoTimestamp": instant(1_000_000_000n, 9, ""),
  "org.apache.kafka.connect.data.Timestamp": instant(1000n, 3, "Z"),
  "io.debezium.time.ZonedTimestamp": { convert: (value) => value, jsonSchema: () => ({ ...zonedTimestamp }) },
  "io.debezium.time.Time": time(1000n, 3),
  "io.debezium.time.MicroTime": time(1_000_000n, 6),
  "io.debezium.time.NanoTime": time(1_000_000_000n, 9),
  "org.apache.kafka.connect.data.Time": time(1000n, 3),
  "io.debezium.time.ZonedTime": {
    convert: (value) => value,
    jsonSchema: () => ({ type: "string", format: "time", airbyte_type: "time_with_timezone" }),
  },
  // Exact: a number where PyAirbyte's DECIMAL(38, 9) holds it, else a string (as for Avro decimals).
  "org.apache.kafka.connect.data.Decimal": {
    convert: (value, schema) => {
      const { scale, precision } = decimalShape(schema);
      const text = decimalText(unscaled(Buffer.from(value as string, "base64")), scale);
      return precision !== undefined && fitsNumber(precision, scale) ? rawJson(text) : text;
    },
    jsonSchema: (schema) => {
      const { scale, precision } = decimalShape(schema);
      return precision !== undefined && fitsNumber(precision, scale) ? { type: "number" } : { ...decimalStringSchema };
    },
  },
  // PostgreSQL's numeric without a precision: any number of digits, hence always a string.
  "io.debezium.data.VariableScaleDecimal": {
    convert: (value) => {
      const { scale, value: bytes } = value as { scale: number; value: string };
      return decimalText(unscaled(Buffer.from(bytes, "base64")), scale);
    },
    jsonSchema: () => ({ ...decimalStringSchema }),
  },
  "io.debezium.data.Json": {
    convert: (value) => JSON.parse(value as string),
    jsonSchema: () => ({ ...anyJson }),
  },
  "io.debezium.data.Uuid": { convert: (value) => value, jsonSchema: () => ({ type: "string", format: "uuid" }) },
};

function decimalShape(schema: ConnectSchema): { scale: number; precision: number | undefined } {
  const scale = Number(schema.parameters?.scale ?? 0);
  const precision = schema.parameters?.["connect.decimal.precision"];
  return { scale, precision: precision === undefined ? undefined : Number(precision) };
}

/** A value as the JSON converter wrote it under `schema` → what it means. */
export function fromConnect(schema: ConnectSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const named = schema.name === undefined ? undefined : semantic[schema.name];
  if (named) {
    try {
      return named.convert(value, schema);
    } catch (error) {
      if (error instanceof DecodeError) throw error;
      throw new DecodeError(`its ${schema.name} value cannot be converted (${(error as Error).message})`);
    }
  }
  if (schema.type === "struct" && schema.fields)
    return structFromConnect(schema.fields, value as Record<string, unknown>);
  if (schema.type === "array" && schema.items && Array.isArray(value)) {
    const items = schema.items;
    return value.map((item) => fromConnect(items, item));
  }
  return value;
}

/** A struct's fields, converted, in the schema's order. */
export function structFromConnect(fields: ConnectSchema[], value: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.field === undefined) continue;
    try {
      row[field.field] = fromConnect(field, value[field.field]);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      throw new DecodeError(`column ${field.field}: ${error.message}`);
    }
  }
  return row;
}

const primitive: Record<string, JsonSchema> = {
  int8: { type: "integer" },
  int16: { type: "integer" },
  int32: { type: "integer" },
  int64: { type: "integer" },
  float32: { type: "number" },
  float64: { type: "number" },
  boolean: { type: "boolean" },
  string: { type: "string" },
  bytes: { type: "string", contentEncoding: "base64" },
};

/** The JSON Schema of what fromConnect makes of values under `schema`; optional ones admit null. */
export function connectJsonSchema(schema: ConnectSchema): JsonSchema {
  const described = describe(schema);
  if (!schema.optional) return described;
  const type = described.type;
  if (type === undefined) return described;
  const types = Array.isArray(type) ? type : [type];
  return types.includes("null") ? described : { ...described, type: [...types, "null"] };
}

function describe(schema: ConnectSchema): JsonSchema {
  const named = schema.name === undefined ? undefined : semantic[schema.name];
  if (named) return named.jsonSchema(schema);
  if (schema.type === "struct") return structJsonSchema(schema.fields ?? []);
  if (schema.type === "array")
    return { type: "array", ...(schema.items ? { items: connectJsonSchema(schema.items) } : {}) };
  if (schema.type === "map") return { type: "object" };
  return { ...(primitive[schema.type] ?? {}) };
}

/** An object with one property per field; a destination reads them as columns. */
export function structJsonSchema(fields: ConnectSchema[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of fields) if (field.field !== undefined) properties[field.field] = connectJsonSchema(field);
  return { type: "object", properties };
}
