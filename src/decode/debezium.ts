/**
 * Debezium change events → rows. With `value_envelope: debezium`, a value is an envelope
 * `{before, after, op, source, ts_ms}` (bare, inside the JSON converter's `{"schema", "payload"}`,
 * or decoded from Avro through the registry), and the document is the row: `after`, or `before`
 * for a delete, over the key's columns, with `_meta.op` the envelope's c/u/d/r, `_meta.source`
 * where the change happened, and the columns Airbyte's own CDC sources add (`_ab_cdc_updated_at`,
 * `_ab_cdc_deleted_at`, `_ab_cdc_lsn`), so that a destination deduplicating on the key removes
 * deleted rows. The tombstone Debezium writes after a delete yields no document: the delete
 * carried the key already; its offset still moves the checkpoint (src/worker/fetching.ts).
 *
 *   debeziumDocument(origin, record, options)
 *   // { id: 1, name: "uno", _ab_cdc_lsn: 22194896, …, _meta: { …, op: "u", source: { … } } }
 */
import { base64, type Decoded, DecodeError } from "./bytes.ts";
import { type ConnectSchema, structFromConnect } from "./connect-schema.ts";
import {
  type DecodeOptions,
  decodeRecord,
  type Meta,
  metaJsonSchema,
  type Origin,
  type RecordFields,
  textRules,
  UndecodableMessage,
  type WireDecoder,
} from "./document.ts";
import { type Rewrite, rewriteJson } from "./json-text.ts";
import { parseJsonExact } from "./raw-json.ts";

type Op = "c" | "u" | "d" | "r";

const ops = new Set(["c", "u", "d", "r"]);

/** A change event's parts: its op, its row (values converted where a schema says what they mean), where and when it happened. */
type Change = { op: Op; row: Record<string, unknown>; source: unknown; tsMs: number | null };

/** The row document as JSON text, or null for a tombstone. */
export function debeziumDocumentJson(
  origin: Origin,
  record: RecordFields,
  options: DecodeOptions,
  wire?: WireDecoder,
): string | null {
  const document = debeziumDocument(origin, record, options, wire);
  if (document === null) return null;
  // The rules every document keeps (json-text.ts), over the row as a whole; `_meta` says which applied.
  const rules = textRules(options);
  const rewrites = new Set<Rewrite>();
  const text = rewriteJson(JSON.stringify(document), 1, rules, rewrites);
  if (rewrites.size === 0) return text;
  (document._meta as Meta).rewrites = [...rewrites].sort();
  return rewriteJson(JSON.stringify(document), 1, rules, new Set());
}

/** The row document, or null for a tombstone; a value that is no change event follows on_decode_error. */
export function debeziumDocument(
  origin: Origin,
  record: RecordFields,
  options: DecodeOptions,
  wire?: WireDecoder,
): Record<string, unknown> | null {
  if (record.value === null) return null;
  const { meta, value } = decodeRecord(origin, record, options, wire);
  if (meta.decode_error !== undefined || value === null) return rawDocument(meta, value?.data ?? null);
  let change: Change;
  let key: Record<string, unknown>;
  try {
    change = parseChange(value);
    key = keyColumns(meta.key);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    const message = `value of ${origin.topic} partition ${origin.partition} offset ${record.offset} ${error.message}`;
    if (options.onDecodeError === "fail")
      throw new UndecodableMessage(
        `${message}; set on_decode_error to emit_raw to emit such messages as base64, or value_envelope to none for this stream`,
      );
    return rawDocument({ ...meta, value_encoding: "base64", decode_error: message }, base64(record.value).data);
  }
  const updatedAt = change.tsMs === null ? null : new Date(change.tsMs).toISOString();
  const source = change.source as { lsn?: unknown } | null;
  // An LSN is a number, or rawJson (an object) where an exact integer exceeds a double.
  return {
    ...key,
    ...change.row,
    _ab_cdc_lsn: typeof source?.lsn === "number" || typeof source?.lsn === "object" ? source.lsn : null,
    _ab_cdc_updated_at: updatedAt,
    _ab_cdc_deleted_at: change.op === "d" ? updatedAt : null,
    _kafka_partition: meta.partition,
    _kafka_offset: meta.offset,
    _meta: { ...meta, key: Object.keys(key).length > 0 ? key : meta.key, op: change.op, source: change.source },
  };
}

/** A value that is no change event, emitted as plain mode would under emit_raw. */
function rawDocument(meta: Meta, data: unknown): Record<string, unknown> {
  return { value: data, _kafka_partition: meta.partition, _kafka_offset: meta.offset, _meta: meta };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `{"schema", "payload"}` from the JSON converter with schemas.enable=true; else the bare value. */
function withSchema(data: unknown): { schema: ConnectSchema | undefined; payload: unknown } {
  if (isObject(data) && "payload" in data && isObject(data.schema) && typeof data.schema.type === "string")
    return { schema: data.schema as ConnectSchema, payload: data.payload };
  return { schema: undefined, payload: data };
}

/** The envelope's parts, with the row's values converted by the schema the JSON converter wrote beside it. */
export function parseChange(value: Decoded): Change {
  // Debezium's int64 columns and ts_ns exceed a double: parse the JSON text again, exactly.
  const data = value.encoding === "json" && value.text !== undefined ? parseJsonExact(value.text) : value.data;
  const { schema, payload } = withSchema(data);
  if (!isObject(payload) || typeof payload.op !== "string" || !("after" in payload) || !("before" in payload))
    throw new DecodeError("is not a Debezium change event (an object with op, before and after)");
  const op = payload.op;
  if (!ops.has(op))
    throw new DecodeError(`is a Debezium event with op ${JSON.stringify(op)}, not a row change (c, u, d or r)`);
  const side = op === "d" ? "before" : "after";
  const raw = payload[side];
  if (raw !== null && !isObject(raw)) throw new DecodeError(`has a Debezium ${side} that is not an object`);
  const fields = schema?.fields?.find((f) => f.field === side)?.fields;
  const row = raw === null ? {} : fields ? structFromConnect(fields, raw) : raw;
  const source = payload.source ?? null;
  const tsMs = isObject(source) && typeof source.ts_ms === "number" ? source.ts_ms : payload.ts_ms;
  return { op: op as Op, row, source, tsMs: typeof tsMs === "number" ? tsMs : null };
}

/** The key's columns (Debezium keys a change by the row's primary key), converted like the row's. */
function keyColumns(key: unknown): Record<string, unknown> {
  const { schema, payload } = withSchema(key);
  if (!isObject(payload)) return {};
  return schema?.fields ? structFromConnect(schema.fields, payload) : payload;
}

/** What discover learns from one change event: the Connect schemas of its row and key, when the JSON converter wrote them, and the key's columns. */
export type ChangeShape = { row?: ConnectSchema[]; key?: ConnectSchema[]; keyColumns: string[] };

/** The shape of a decoded change event and its decoded key; undefined for a value that is no change event. */
export function changeShape(value: Decoded, key: unknown): ChangeShape | undefined {
  let change: { schema: ConnectSchema | undefined; payload: unknown };
  try {
    parseChange(value);
    change = withSchema(value.data);
  } catch (error) {
    if (error instanceof DecodeError) return undefined;
    throw error;
  }
  const keyed = withSchema(key);
  const op = (change.payload as { op: string }).op;
  const row = change.schema?.fields?.find((f) => f.field === (op === "d" ? "before" : "after"))?.fields;
  const keyFields = keyed.schema?.fields;
  return {
    ...(row ? { row } : {}),
    ...(keyFields ? { key: keyFields } : {}),
    keyColumns: isObject(keyed.payload) ? Object.keys(keyed.payload) : [],
  };
}

/**
 * JSON Schema of `_meta` in Debezium mode: the plain one with the envelope's ops and its source.
 * A value that is no change event, emitted raw, has no source: hence not required.
 */
export const debeziumMetaJsonSchema = {
  ...metaJsonSchema,
  properties: {
    ...metaJsonSchema.properties,
    op: {
      type: "string",
      enum: ["c", "u", "d", "r"],
      description: "The change: create, update, delete, or r (read) in a snapshot.",
    },
    source: {
      type: ["object", "null"],
      description:
        "Debezium's source block, as it wrote it: connector, db, schema, table, lsn or binlog file/pos, txId, ts_ms…",
    },
  },
};

/** The columns Debezium mode adds to every row, as Airbyte's own CDC sources name them. */
export const cdcJsonSchemaProperties = {
  _ab_cdc_lsn: {
    type: ["integer", "null"],
    description: "The change's log position where the database has one (PostgreSQL's LSN); null elsewhere.",
  },
  _ab_cdc_updated_at: {
    type: ["string", "null"],
    format: "date-time",
    airbyte_type: "timestamp_with_timezone",
    description: "When the change happened in the database (source.ts_ms).",
  },
  _ab_cdc_deleted_at: {
    type: ["string", "null"],
    format: "date-time",
    airbyte_type: "timestamp_with_timezone",
    description: "When the row was deleted; null unless this is a delete.",
  },
};
