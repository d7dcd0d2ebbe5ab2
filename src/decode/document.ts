/**
 * A Kafka record → the document the connector emits: the value (a JSON object is the document
 * itself; anything else sits under `value`) with `_meta` describing where it came from, and the
 * stream's primary key and cursor, `_kafka_partition` and `_kafka_offset`, at its top level
 * (Airbyte's destinations and PyAirbyte take no nested keys).
 */
import { ConfigError } from "../errors.ts";
import { base64, type Decoded, DecodeError, decodeBytes, type Encoding, type Format } from "./bytes.ts";
import { isRawJson } from "./raw-json.ts";

export type RecordFields = {
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: [Uint8Array | null, Uint8Array | null][];
};

export type RecordInput = RecordFields & Origin;

export type DecodeOptions = {
  keyFormat: Format;
  valueFormat: Format;
  onDecodeError: "fail" | "emit_raw";
  /** Topics whose values are Debezium change events (src/decode/debezium.ts); absent when there are none. */
  debeziumTopics?: string[];
};

/** Decodes bytes in a schema registry's wire format (src/registry/schemas.ts); null for other bytes. */
export type WireDecoder = (bytes: Uint8Array, format: Format) => Decoded | null;

export type Header = { key: string; value: string | null; encoding?: "base64" };

export type Meta = {
  topic: string;
  partition: number;
  offset: number;
  timestamp: string;
  timestamp_type: "create_time" | "log_append_time";
  key: unknown;
  key_encoding: Encoding | null;
  value_encoding: Encoding | null;
  headers: Header[];
  op: "c" | "u" | "d" | "r";
  /** Where a Debezium change happened (src/decode/debezium.ts). */
  source?: unknown;
  decode_error?: string;
};

/**
 * A message the configured format cannot decode, under policy `fail`. It is the user's to resolve
 * (a format that fits the topic, or emit_raw), not a bug of ours: hence a config error.
 */
export class UndecodableMessage extends ConfigError {
  override name = "UndecodableMessage";
}

/** Where a record comes from; separate from the record so that no per-record object is built. */
export type Origin = { topic: string; partition: number; logAppendTime: boolean };

export type Decoding = { meta: Meta; value: Decoded | null };

/** Decodes key, value and headers; throws UndecodableMessage naming topic, partition and offset under policy `fail`. */
export function decodeRecord(
  origin: Origin,
  record: RecordFields,
  options: DecodeOptions,
  wire?: WireDecoder,
): Decoding {
  let decodeError: string | undefined;
  const decode = (bytes: Uint8Array | null, format: Format, what: string): Decoded | null => {
    if (bytes === null) return null;
    try {
      return wire?.(bytes, format) ?? decodeBytes(bytes, format);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      const message = `${what} of ${origin.topic} partition ${origin.partition} offset ${record.offset} ${error.message}`;
      if (options.onDecodeError === "fail") {
        throw new UndecodableMessage(`${message}; set on_decode_error to emit_raw to emit such messages as base64`);
      }
      decodeError = message;
      return base64(bytes);
    }
  };
  const key = decode(record.key, options.keyFormat, "key");
  const value = decode(record.value, options.valueFormat, "value");
  const meta: Meta = {
    topic: origin.topic,
    partition: origin.partition,
    offset: record.offset,
    timestamp: isoTimestamp(record.timestamp),
    timestamp_type: origin.logAppendTime ? "log_append_time" : "create_time",
    key: key?.data ?? null,
    key_encoding: key?.encoding ?? null,
    value_encoding: value?.encoding ?? null,
    headers: record.headers.length === 0 ? [] : record.headers.map(toHeader),
    op: record.value === null ? "d" : "c",
  };
  if (decodeError !== undefined) meta.decode_error = decodeError;
  return { meta, value };
}

/** Builds the document as an object (schema inference samples these). */
export function toDocument(record: RecordInput, options: DecodeOptions, wire?: WireDecoder): Record<string, unknown> {
  const { meta, value } = decodeRecord(record, record, options, wire);
  const keys = { _kafka_partition: meta.partition, _kafka_offset: meta.offset, _meta: meta };
  if (value === null) return keys;
  if (isPlainObject(value.data)) return { ...value.data, ...keys };
  return { value: value.data, ...keys };
}

/**
 * The document as JSON text, the read path's hot loop. A JSON object value is emitted as it was
 * written, with the key fields and `_meta` spliced in before its closing brace, rather than
 * re-serialised: that saves most of the per-record cost and keeps numbers (large integers)
 * exactly as produced. Values whose text holds a line break, or a field of the connector's own
 * (`_meta`, the key fields), take the general path, where ours replace theirs. The read workers
 * write plain JSON objects without this function, on their bytes (src/worker/record-lines.ts).
 */
export function documentJson(origin: Origin, record: RecordFields, options: DecodeOptions, wire?: WireDecoder): string {
  const { meta, value } = decodeRecord(origin, record, options, wire);
  const ownFieldsAndClose = `"_kafka_partition":${meta.partition},"_kafka_offset":${meta.offset},"_meta":${serialiseMeta(meta)}}`;
  if (value === null) return `{${ownFieldsAndClose}`;
  if (!isPlainObject(value.data)) return `{"value":${JSON.stringify(value.data)},${ownFieldsAndClose}`;
  const text = value.text;
  const data = value.data;
  if (
    text === undefined ||
    "_meta" in data ||
    "_kafka_partition" in data ||
    "_kafka_offset" in data ||
    lineBreak.test(text)
  ) {
    return JSON.stringify({ ...data, _kafka_partition: meta.partition, _kafka_offset: meta.offset, _meta: meta });
  }
  const close = text.lastIndexOf("}");
  const body = text.slice(0, close).trimEnd();
  return body.endsWith("{") ? `${body}${ownFieldsAndClose}` : `${body},${ownFieldsAndClose}`;
}

const lineBreak = /[\n\r]/;

/** `_meta` as JSON, in the same key order as the Meta type, without building an object graph twice. */
function serialiseMeta(meta: Meta): string {
  const headers = meta.headers.length === 0 ? "[]" : JSON.stringify(meta.headers);
  const decodeError = meta.decode_error === undefined ? "" : `,"decode_error":${JSON.stringify(meta.decode_error)}`;
  return (
    `{"topic":${topicJson(meta.topic)},"partition":${meta.partition},"offset":${meta.offset},` +
    `"timestamp":"${meta.timestamp}","timestamp_type":"${meta.timestamp_type}",` +
    `"key":${meta.key === null ? "null" : JSON.stringify(meta.key)},` +
    `"key_encoding":${meta.key_encoding === null ? "null" : `"${meta.key_encoding}"`},` +
    `"value_encoding":${meta.value_encoding === null ? "null" : `"${meta.value_encoding}"`},` +
    `"headers":${headers},"op":"${meta.op}"${decodeError}}`
  );
}

const topicJsonCache = new Map<string, string>();
function topicJson(topic: string): string {
  let json = topicJsonCache.get(topic);
  if (json === undefined) topicJsonCache.set(topic, (json = JSON.stringify(topic)));
  return json;
}

/** Records of one batch mostly share a millisecond: remember the last conversion. */
let lastMillis = Number.NaN;
let lastIso = "";
export function isoTimestamp(millis: number): string {
  if (millis !== lastMillis) {
    lastMillis = millis;
    lastIso = new Date(millis).toISOString();
  }
  return lastIso;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function toHeader([key, value]: [Uint8Array | null, Uint8Array | null]): Header {
  const name = key === null ? "" : new TextDecoder().decode(key);
  if (value === null) return { key: name, value: null };
  try {
    return { key: name, value: utf8.decode(value) };
  } catch {
    return { key: name, value: base64(value).data as string, encoding: "base64" };
  }
}

/** An object to spread into the document: not an array, nor an exact number (raw-json.ts) from a registry value. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isRawJson(value);
}

/**
 * JSON Schema of `_meta`, as toDocument writes it; `discover` puts it in every stream. It never
 * says `additionalProperties: false`: Airbyte's tools refuse closed objects in a stream schema.
 */
export const metaJsonSchema = {
  type: "object",
  required: [
    "topic",
    "partition",
    "offset",
    "timestamp",
    "timestamp_type",
    "key",
    "key_encoding",
    "value_encoding",
    "headers",
    "op",
  ],
  properties: {
    topic: { type: "string" },
    partition: { type: "integer", minimum: 0 },
    offset: { type: "integer", minimum: 0 },
    timestamp: { type: "string", format: "date-time" },
    timestamp_type: { type: "string", enum: ["create_time", "log_append_time"] },
    // Any JSON value: listed rather than left untyped, so that tools mapping types see one.
    key: {
      type: ["string", "number", "boolean", "object", "array", "null"],
      description: "The message key, decoded like the value; null when the message has none.",
    },
    key_encoding: {
      type: ["string", "null"],
      enum: ["json", "utf-8", "base64", "avro", "protobuf", "json_schema", null],
    },
    value_encoding: {
      type: ["string", "null"],
      enum: ["json", "utf-8", "base64", "avro", "protobuf", "json_schema", null],
    },
    headers: {
      type: "array",
      items: {
        type: "object",
        required: ["key", "value"],
        properties: {
          key: { type: "string" },
          value: { type: ["string", "null"] },
          encoding: { type: "string", enum: ["base64"] },
        },
      },
    },
    op: { type: "string", enum: ["c", "d"], description: "d for a tombstone (null value), c otherwise." },
    decode_error: { type: "string", description: "Why the message was emitted raw (policy emit_raw)." },
  },
} as const;
