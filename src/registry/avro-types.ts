/**
 * How avsc reads a registered Avro schema for the connector: longs exact at any value (avsc's
 * own long refuses anything beyond 2^53), Avro's logical types decoded to what they mean
 * (avro-logical.ts), and unions wrapped exactly where their branches decode to the same JSON type.
 *
 *   avro.Type.forSchema({ type: "long" }, avroOptions()).fromBuffer(bytes)  // 1152921504606846977n
 */
import avro from "avsc";
import { isConstructingUnderlying, logicalTypes, overLong } from "./avro-logical.ts";

/** A long as a bigint: src/registry/compile.ts writes it as a JSON number, exact. */
const exactLong = avro.types.LongType.__with({
  fromBuffer: (buffer: Buffer) => buffer.readBigInt64LE(0),
  toBuffer: (value: bigint) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(BigInt(value));
    return buffer;
  },
  fromJSON: (value: number | string | bigint) => BigInt(value),
  toJSON: (value: bigint) => Number(value),
  isValid: (value: unknown) => typeof value === "bigint",
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** forSchema options; `registry` holds the named types defined so far (by referenced schemas). */
export function avroOptions(registry: Record<string, avro.Type> = {}): Partial<avro.ForSchemaOptions> {
  return { registry, logicalTypes, typeHook };
}

function typeHook(schema: avro.Schema, opts: avro.ForSchemaOptions): avro.Type | undefined {
  if (schema === "long") return exactLong;
  if (Array.isArray(schema)) return union(schema, opts);
  if (typeof schema !== "object" || avro.Type.isType(schema)) return undefined;
  const { type, logicalType } = schema as { type?: unknown; logicalType?: unknown };
  if (type !== "long") return undefined;
  // A logical type over a long is built by avsc; its underlying type (the same schema, asked
  // for again while it is constructed) is the exact long, as is a long with any other annotation.
  if (typeof logicalType === "string" && overLong.has(logicalType) && !isConstructingUnderlying(schema))
    return undefined;
  return exactLong;
}

/**
 * avsc wraps a union ({"<branch>": value}) only when two branches are of the same Avro kind, and
 * never looks at logical types or custom longs: decide by the JSON type each branch decodes to,
 * which is what a reader of the document must tell apart.
 */
function union(schemas: avro.Schema[], opts: avro.ForSchemaOptions): avro.Type {
  const types = schemas.map((schema) => avro.Type.forSchema(schema, opts));
  const kinds = types.map(jsonKind);
  const ambiguous = new Set(kinds).size < kinds.length;
  // avsc's union constructors take the branches' types where their typings say schemas.
  const branches = types as unknown as avro.Schema;
  return ambiguous
    ? new avro.types.WrappedUnionType(branches, opts)
    : new avro.types.UnwrappedUnionType(branches, opts);
}

function jsonKind(type: avro.Type): string {
  const described = type as unknown as { jsonSchema?: () => Record<string, unknown>; underlyingType?: avro.Type };
  if (typeof described.jsonSchema === "function") return String(described.jsonSchema().type);
  if (described.underlyingType) return jsonKind(described.underlyingType);
  switch (type.typeName) {
    case "int":
    case "long":
    case "abstract:long":
    case "float":
    case "double":
      return "number";
    case "bytes":
    case "fixed":
    case "enum":
    case "string":
      return "string";
    case "record":
    case "error":
    case "map":
      return "object";
    default:
      return type.typeName;
  }
}
