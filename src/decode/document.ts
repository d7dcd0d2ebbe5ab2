/**
 * A Kafka record → the document the connector emits: the value (a JSON object is the document
 * itself; anything else sits under `value`) with `_meta` describing where it came from.
 */
import { ConfigError } from "../errors.ts";
import { base64, type Decoded, DecodeError, decodeBytes, type Encoding, type Format } from "./bytes.ts";

export type RecordInput = {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  logAppendTime: boolean;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: [Uint8Array | null, Uint8Array | null][];
};

export type DecodeOptions = { keyFormat: Format; valueFormat: Format; onDecodeError: "fail" | "emit_raw" };

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
  op: "c" | "d";
  decode_error?: string;
};

/**
 * A message the configured format cannot decode, under policy `fail`. It is the user's to resolve
 * (a format that fits the topic, or emit_raw), not a bug of ours: hence a config error.
 */
export class UndecodableMessage extends ConfigError {
  override name = "UndecodableMessage";
}

/** Builds the document; throws UndecodableMessage naming topic, partition and offset under policy `fail`. */
export function toDocument(record: RecordInput, options: DecodeOptions, wire?: WireDecoder): Record<string, unknown> {
  let decodeError: string | undefined;
  const decode = (bytes: Uint8Array | null, format: Format, what: string): Decoded | null => {
    if (bytes === null) return null;
    try {
      return wire?.(bytes, format) ?? decodeBytes(bytes, format);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      const message = `${what} of ${record.topic} partition ${record.partition} offset ${record.offset} ${error.message}`;
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
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: new Date(record.timestamp).toISOString(),
    timestamp_type: record.logAppendTime ? "log_append_time" : "create_time",
    key: key?.data ?? null,
    key_encoding: key?.encoding ?? null,
    value_encoding: value?.encoding ?? null,
    headers: record.headers.map(toHeader),
    op: record.value === null ? "d" : "c",
  };
  if (decodeError !== undefined) meta.decode_error = decodeError;
  if (value === null) return { _meta: meta };
  if (isPlainObject(value.data)) return { ...value.data, _meta: meta };
  return { value: value.data, _meta: meta };
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON Schema of `_meta`, exactly as toDocument writes it; `discover` puts it in every stream. */
export const metaJsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["topic", "partition", "offset", "timestamp", "timestamp_type", "key", "key_encoding", "value_encoding", "headers", "op"],
  properties: {
    topic: { type: "string" },
    partition: { type: "integer", minimum: 0 },
    offset: { type: "integer", minimum: 0 },
    timestamp: { type: "string", format: "date-time" },
    timestamp_type: { type: "string", enum: ["create_time", "log_append_time"] },
    key: { description: "The message key, decoded like the value; null when the message has none." },
    key_encoding: { type: ["string", "null"], enum: ["json", "utf-8", "base64", "avro", "protobuf", "json_schema", null] },
    value_encoding: { type: ["string", "null"], enum: ["json", "utf-8", "base64", "avro", "protobuf", "json_schema", null] },
    headers: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
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
