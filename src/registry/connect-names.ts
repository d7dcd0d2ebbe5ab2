/**
 * Debezium's Avro converter names its semantic types only in `connect.name` (an `int` that is
 * `io.debezium.time.Date`), not as Avro logical types, so avsc would read them as plain days or
 * microseconds. Before a schema is compiled, each such type gets the logical type that means the
 * same (avro-logical.ts), so that it decodes, and discover describes it, as the JSON converter's
 * does (src/decode/connect-schema.ts). A logical type already present is kept.
 *
 *   withConnectLogicalTypes({ type: "int", "connect.name": "io.debezium.time.Date" })
 *   // { type: "int", "connect.name": "io.debezium.time.Date", logicalType: "date" }
 */

const logicalTypeOf: Record<string, string> = {
  "io.debezium.time.Date": "date",
  "org.apache.kafka.connect.data.Date": "date",
  // Wall-clock times without a zone, as Debezium documents them.
  "io.debezium.time.Timestamp": "local-timestamp-millis",
  "io.debezium.time.MicroTimestamp": "local-timestamp-micros",
  "io.debezium.time.NanoTimestamp": "local-timestamp-nanos",
  "org.apache.kafka.connect.data.Timestamp": "timestamp-millis",
  "io.debezium.time.Time": "time-millis",
  "io.debezium.time.MicroTime": "time-micros",
  "org.apache.kafka.connect.data.Time": "time-millis",
  "io.debezium.data.Uuid": "uuid",
  "io.debezium.data.Json": "io.debezium.data.Json",
  "io.debezium.data.VariableScaleDecimal": "io.debezium.data.VariableScaleDecimal",
};

/** The schema (parsed Avro JSON) with Connect's semantic types given their Avro logical types. */
export function withConnectLogicalTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withConnectLogicalTypes);
  if (typeof schema !== "object" || schema === null) return schema;
  const node: Record<string, unknown> = { ...(schema as Record<string, unknown>) };
  if (Array.isArray(node.fields))
    node.fields = node.fields.map((field: Record<string, unknown>) => ({
      ...field,
      type: withConnectLogicalTypes(field.type),
    }));
  for (const key of ["type", "items", "values"])
    if (typeof node[key] === "object") node[key] = withConnectLogicalTypes(node[key]);
  const name = node["connect.name"];
  const logical = typeof name === "string" ? logicalTypeOf[name] : undefined;
  if (logical !== undefined && node.logicalType === undefined) node.logicalType = logical;
  return node;
}
