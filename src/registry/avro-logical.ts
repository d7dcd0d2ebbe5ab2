/**
 * Avro's logical types, decoded to what they mean and described by the JSON Schema of that:
 * decimals exact, timestamps as RFC 3339, dates, times of day, uuids and durations. A logical
 * type that is invalid (a decimal whose scale exceeds its precision, a date on a string) or that
 * is not listed here decodes as its underlying type, as the Avro specification says.
 *
 *   avro.Type.forSchema({ type: "int", logicalType: "date" }, avroOptions()).fromBuffer(…)  // "2024-03-01"
 */
import avro from "avsc";
import { decimalStringSchema, decimalText, fitsNumber, unscaled } from "../decode/decimal.ts";
import { rawJson } from "../decode/raw-json.ts";
import type { JsonSchema } from "../json-schema/json-schema.ts";
import { calendarDate, dateTime, timeOfDay } from "../decode/temporal.ts";

type Attributes = { type?: unknown; logicalType?: unknown; precision?: unknown; scale?: unknown; size?: unknown };

/** What src/json-schema/avro.ts asks of a logical type: the JSON Schema of the values it decodes to. */
interface DescribedLogicalType {
  jsonSchema(): JsonSchema;
}

/** A logical type over a `long` is constructing its underlying type (src/registry/avro-types.ts makes that an exact long). */
let constructing: unknown = null;

export function isConstructingUnderlying(schema: unknown): boolean {
  return schema === constructing;
}

/** Logical types that decode only, from a writer's schema: `_toValue` (encoding) is never asked for. */
abstract class Described extends avro.types.LogicalType implements DescribedLogicalType {
  abstract jsonSchema(): JsonSchema;
  protected override _toValue(): never {
    throw new Error(`the connector does not encode ${this.typeName}`);
  }
  protected override _resolve(): undefined {
    return undefined;
  }
}

/** A logical type over a long: its underlying type, built while `constructing` names it, is the exact long. */
abstract class OverLong extends Described {
  constructor(schema: avro.Schema, opts?: unknown) {
    requireUnderlying(schema, ["long"]);
    constructing = schema;
    try {
      super(schema, opts);
    } finally {
      constructing = null;
    }
  }
}

/** A logical type whose underlying type must be one of `types` (and a fixed of `size` bytes, if given). */
function requireUnderlying(schema: avro.Schema, types: string[], size?: number): void {
  const { type, logicalType, size: actual } = schema as Attributes;
  if (typeof type !== "string" || !types.includes(type))
    throw new Error(`${String(logicalType)} cannot annotate ${JSON.stringify(type)}`);
  if (type === "fixed" && size !== undefined && actual !== size)
    throw new Error(`${String(logicalType)} needs a fixed of ${size} bytes`);
}

/** decimal (bytes or fixed): the two's-complement unscaled value, big-endian, times 10^-scale. */
class DecimalType extends Described {
  readonly #scale: number;
  readonly #asNumber: boolean;

  constructor(schema: avro.Schema, opts?: unknown) {
    requireUnderlying(schema, ["bytes", "fixed"]);
    const { precision, scale = 0 } = schema as Attributes;
    if (typeof precision !== "number" || !Number.isInteger(precision) || precision < 1)
      throw new Error("decimal needs a positive precision");
    if (typeof scale !== "number" || !Number.isInteger(scale) || scale < 0 || scale > precision)
      throw new Error("decimal needs a scale within [0, precision]");
    super(schema, opts);
    this.#scale = scale;
    this.#asNumber = fitsNumber(precision, scale);
  }

  protected override _fromValue(bytes: Buffer): unknown {
    const text = decimalText(unscaled(bytes), this.#scale);
    return this.#asNumber ? rawJson(text) : text;
  }

  jsonSchema(): JsonSchema {
    return this.#asNumber ? { type: "number" } : { ...decimalStringSchema };
  }
}

const units = {
  millis: { perSecond: 1000n, digits: 3 },
  micros: { perSecond: 1_000_000n, digits: 6 },
  nanos: { perSecond: 1_000_000_000n, digits: 9 },
};

/** timestamp-* (an instant: RFC 3339 in UTC) and local-timestamp-* (a wall-clock time, no offset), over a long. */
function timestampType(unit: keyof typeof units, local: boolean) {
  const { perSecond, digits } = units[unit];
  const zone = local ? "" : "Z";
  const schema = {
    type: "string",
    format: "date-time",
    airbyte_type: local ? "timestamp_without_timezone" : "timestamp_with_timezone",
  };
  return class extends OverLong {
    protected override _fromValue(count: bigint): string {
      return dateTime(count, perSecond, digits, zone);
    }
    jsonSchema(): JsonSchema {
      return { ...schema };
    }
  };
}

class DateType extends Described {
  constructor(schema: avro.Schema, opts?: unknown) {
    requireUnderlying(schema, ["int"]);
    super(schema, opts);
  }
  protected override _fromValue(days: number): string {
    return calendarDate(days);
  }
  jsonSchema(): JsonSchema {
    return { type: "string", format: "date" };
  }
}

const timeSchema = { type: "string", format: "time", airbyte_type: "time_without_timezone" };

class TimeMillisType extends Described {
  constructor(schema: avro.Schema, opts?: unknown) {
    requireUnderlying(schema, ["int"]);
    super(schema, opts);
  }
  protected override _fromValue(millis: number): string {
    return timeOfDay(BigInt(millis), 1000n, 3);
  }
  jsonSchema(): JsonSchema {
    return { ...timeSchema };
  }
}

class TimeMicrosType extends OverLong {
  protected override _fromValue(micros: bigint): string {
    return timeOfDay(micros, 1_000_000n, 6);
  }
  jsonSchema(): JsonSchema {
    return { ...timeSchema };
  }
}

/** uuid: a string already, or (Avro 1.12) a fixed of 16 bytes written as the usual 8-4-4-4-12 hex. */
class UuidType extends Described {
  constructor(schema: avro.Schema, opts?: unknown) {
    requireUnderlying(schema, ["string", "fixed"], 16);
    super(schema, opts);
  }
  protected override _fromValue(value: string | Buffer): string {
    if (typeof value === "string") return value;
    const hex = value.toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  jsonSchema(): JsonSchema {
    return { type: "string", format: "uuid" };
  }
}

/** duration: a fixed of 12 bytes, three little-endian unsigned ints (months, days, milliseconds), which no one number or ISO text holds apart. */
class DurationType extends Described {
  constructor(schema: avro.Schema, opts?: unknown) {
    requireUnderlying(schema, ["fixed"], 12);
    super(schema, opts);
  }
  protected override _fromValue(bytes: Buffer): { months: number; days: number; milliseconds: number } {
    return { months: bytes.readUInt32LE(0), days: bytes.readUInt32LE(4), milliseconds: bytes.readUInt32LE(8) };
  }
  jsonSchema(): JsonSchema {
    const count = { type: "integer", minimum: 0 };
    return {
      type: "object",
      required: ["months", "days", "milliseconds"],
      properties: { months: count, days: count, milliseconds: count },
    };
  }
}

/** Debezium's io.debezium.data.Json (a string of JSON text; connect-names.ts names it): the JSON value itself. */
class JsonTextType extends Described {
  constructor(schema: avro.Schema, opts?: unknown) {
    requireUnderlying(schema, ["string"]);
    super(schema, opts);
  }
  protected override _fromValue(text: string): unknown {
    return JSON.parse(text);
  }
  jsonSchema(): JsonSchema {
    return { type: ["string", "number", "boolean", "object", "array", "null"] };
  }
}

/** Debezium's io.debezium.data.VariableScaleDecimal (a record of scale and unscaled bytes): an exact decimal string, having no precision. */
class VariableScaleDecimalType extends Described {
  constructor(schema: avro.Schema, opts?: unknown) {
    requireUnderlying(schema, ["record"]);
    super(schema, opts);
  }
  protected override _fromValue({ scale, value }: { scale: number; value: Buffer }): string {
    return decimalText(unscaled(value), scale);
  }
  jsonSchema(): JsonSchema {
    return { ...decimalStringSchema };
  }
}

export const logicalTypes = {
  decimal: DecimalType,
  "timestamp-millis": timestampType("millis", false),
  "timestamp-micros": timestampType("micros", false),
  "timestamp-nanos": timestampType("nanos", false),
  "local-timestamp-millis": timestampType("millis", true),
  "local-timestamp-micros": timestampType("micros", true),
  "local-timestamp-nanos": timestampType("nanos", true),
  date: DateType,
  "time-millis": TimeMillisType,
  "time-micros": TimeMicrosType,
  uuid: UuidType,
  duration: DurationType,
  "io.debezium.data.Json": JsonTextType,
  "io.debezium.data.VariableScaleDecimal": VariableScaleDecimalType,
};

/** The logical types above whose underlying type is a long, and so must be constructed over the exact long. */
export const overLong = new Set([
  "timestamp-millis",
  "timestamp-micros",
  "timestamp-nanos",
  "local-timestamp-millis",
  "local-timestamp-micros",
  "local-timestamp-nanos",
  "time-micros",
]);
