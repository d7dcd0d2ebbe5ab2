/**
 * A Kafka record → the document the connector emits: the value (a JSON object is the document
 * itself; anything else sits under `value`) with `_meta` describing where it came from, and the
 * stream's primary key and cursor, `_kafka_partition` and `_kafka_offset`, at its top level
 * (Airbyte's destinations and PyAirbyte take no nested keys).
 */
import { ConfigError } from "../errors.ts";
import { base64, type Decoded, DecodeError, decodeBytes, type Encoding, type Format } from "./bytes.ts";
import { ColumnNames } from "./columns.ts";
import {
  applyNulRule,
  type BigNumberRule,
  type Member,
  type NulRule,
  objectMembers,
  type Rewrite,
  rewriteJson,
  type TextRules,
} from "./json-text.ts";
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
  /** What becomes of U+0000 in strings and names (src/decode/json-text.ts). */
  nulCharacters: NulRule;
  /** Whether numbers PyAirbyte's caches cannot hold as numbers are written as strings (src/decode/json-text.ts). */
  bigNumbers: BigNumberRule;
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
  /** The rules of src/decode/json-text.ts (and `other_fields`) that changed what the document holds. */
  rewrites?: Rewrite[];
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

/**
 * A record decoded: `_meta`, the value, the key as JSON text (rewritten by the rules of json-text.ts,
 * where `_meta.key` sits: depth 3), and the rules that changed something so far.
 */
export type Decoding = { meta: Meta; value: Decoded | null; keyJson: string; rewrites: Set<Rewrite> };

/** Decodes key, value and headers; throws UndecodableMessage naming topic, partition and offset under policy `fail`. */
export function decodeRecord(
  origin: Origin,
  record: RecordFields,
  options: DecodeOptions,
  wire?: WireDecoder,
): Decoding {
  let decodeError: string | undefined;
  const rewrites = new Set<Rewrite>();
  const rules = textRules(options);
  const decode = (bytes: Uint8Array | null, format: Format, what: string): Decoded | null => {
    if (bytes === null) return null;
    try {
      return wire?.(bytes, format) ?? decodeBytes(bytes, format, rules.bigNumbers);
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
  if (value !== null && value.encoding === "utf-8" && typeof value.data === "string")
    value.data = applyNulRule(value.data, rules, rewrites);
  const meta: Meta = {
    topic: origin.topic,
    partition: origin.partition,
    offset: record.offset,
    timestamp: isoTimestamp(record.timestamp),
    timestamp_type: origin.logAppendTime ? "log_append_time" : "create_time",
    key: key?.data ?? null,
    key_encoding: key?.encoding ?? null,
    value_encoding: value?.encoding ?? null,
    headers: record.headers.length === 0 ? [] : record.headers.map((header) => toHeader(header, rules, rewrites)),
    op: record.value === null ? "d" : "c",
  };
  if (decodeError !== undefined) meta.decode_error = decodeError;
  return { meta, value, keyJson: keyJson(key, rules, rewrites), rewrites };
}

/** The rules of json-text.ts that the options set. */
export function textRules(options: DecodeOptions): TextRules {
  return { nul: options.nulCharacters, bigNumbers: options.bigNumbers };
}

/** The key as `_meta.key`'s JSON: JSON text as written, rewritten where a rule says so. */
function keyJson(key: Decoded | null, rules: TextRules, rewrites: Set<Rewrite>): string {
  if (key === null) return "null";
  if (key.text !== undefined && (key.clean === true || !isRawJson(key.data)))
    return rewriteJson(key.text, 3, rules, rewrites);
  if (typeof key.data === "string" && key.encoding === "utf-8")
    return JSON.stringify(applyNulRule(key.data, rules, rewrites));
  // Registry values: the JSON of what they decoded to, under the same rules.
  return rewriteJson(JSON.stringify(key.data), 3, rules, rewrites);
}

/** The document as an object, as a consumer parses the line (discover's sample). */
export function toDocument(record: RecordInput, options: DecodeOptions, wire?: WireDecoder): Record<string, unknown> {
  return JSON.parse(documentJson(record, record, options, wire));
}

/**
 * The document as JSON text. A JSON object value is emitted as it was written, with the key fields
 * and `_meta` spliced in before its closing brace, rather than re-serialised: that saves most of the
 * per-record cost and keeps numbers (large integers) exactly as produced. A value that a rule of
 * json-text.ts rewrites, that holds a line break between its tokens, or whose top-level names cannot
 * all be columns of their own (src/decode/columns.ts: those go under `_other_fields`) is written
 * again from its members, compactly, still with every number as written. The read workers write
 * plain JSON objects without this function, on their bytes (src/worker/record-lines.ts), and hold
 * to the same text.
 */
export function documentJson(origin: Origin, record: RecordFields, options: DecodeOptions, wire?: WireDecoder): string {
  const { meta, value, keyJson, rewrites } = decodeRecord(origin, record, options, wire);
  const rules = textRules(options);
  const close = () => ownFieldsAndClose(meta, keyJson, rewrites);
  if (value === null) return `{${close()}}`;
  // A value the fast lane's check accepted (bytes.ts) is one no rule rewrites: kept as written.
  if (value.clean === true && value.text !== undefined) {
    const body = value.text.slice(0, value.text.lastIndexOf("}")).trimEnd();
    return body.endsWith("{") ? `${body}${close()}}` : `${body},${close()}}`;
  }
  if (isPlainObject(value.data) && value.text !== undefined) {
    const text = value.text;
    const members = objectMembers(text, rules, rewrites);
    if (members !== null) {
      const columns = new ColumnNames();
      const others = members.filter((m) => !columns.take(m.name));
      if (others.length > 0) rewrites.add("other_fields");
      if (rewrites.size === 0 && !lineBreak.test(text)) {
        const body = text.slice(0, text.lastIndexOf("}")).trimEnd();
        return body.endsWith("{") ? `${body}${close()}}` : `${body},${close()}}`;
      }
      const kept = members.filter((m) => !others.includes(m));
      if (others.length > 0) kept.push({ name: "_other_fields", value: membersJson(others) });
      return `${membersJson(kept).slice(0, -1)}${kept.length > 0 ? "," : ""}${close()}}`;
    }
    return `{"value":${JSON.stringify(text.trim())},${close()}}`;
  }
  const data =
    value.text !== undefined
      ? rewriteJson(value.text, 2, rules, rewrites)
      : isPlainObject(value.data)
        ? rewriteJson(JSON.stringify(value.data), 1, rules, rewrites)
        : rewriteJson(JSON.stringify(value.data), 2, rules, rewrites);
  if (isPlainObject(value.data)) {
    // A registry value: an object decoded from Avro, Protobuf or JSON Schema.
    const members = objectMembers(data, rules, rewrites) as Member[];
    const columns = new ColumnNames();
    const others = members.filter((m) => !columns.take(m.name));
    if (others.length > 0) rewrites.add("other_fields");
    const kept = members.filter((m) => !others.includes(m));
    if (others.length > 0) kept.push({ name: "_other_fields", value: membersJson(others) });
    return `${membersJson(kept).slice(0, -1)}${kept.length > 0 ? "," : ""}${close()}}`;
  }
  return `{"value":${data},${close()}}`;
}

function membersJson(members: Member[]): string {
  return `{${members.map((m) => `${JSON.stringify(m.name)}:${m.value}`).join(",")}}`;
}

/** The key fields and `_meta`, without braces: what every document ends with. */
function ownFieldsAndClose(meta: Meta, keyJson: string, rewrites: Set<Rewrite>): string {
  if (rewrites.size > 0) meta.rewrites = [...rewrites].sort();
  return `"_kafka_partition":${meta.partition},"_kafka_offset":${meta.offset},"_meta":${serialiseMeta(meta, keyJson)}`;
}

const lineBreak = /[\n\r]/;

/** `_meta` as JSON, in the same key order as the Meta type, without building an object graph twice. */
function serialiseMeta(meta: Meta, keyJson: string): string {
  const headers = meta.headers.length === 0 ? "[]" : JSON.stringify(meta.headers);
  const rewrites = meta.rewrites === undefined ? "" : `,"rewrites":${JSON.stringify(meta.rewrites)}`;
  const decodeError = meta.decode_error === undefined ? "" : `,"decode_error":${JSON.stringify(meta.decode_error)}`;
  return (
    `{"topic":${topicJson(meta.topic)},"partition":${meta.partition},"offset":${meta.offset},` +
    `"timestamp":"${meta.timestamp}","timestamp_type":"${meta.timestamp_type}",` +
    `"key":${keyJson},` +
    `"key_encoding":${meta.key_encoding === null ? "null" : `"${meta.key_encoding}"`},` +
    `"value_encoding":${meta.value_encoding === null ? "null" : `"${meta.value_encoding}"`},` +
    `"headers":${headers},"op":"${meta.op}"${rewrites}${decodeError}}`
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
/** Header names are text in Kafka's protocol: bytes that are not UTF-8 become U+FFFD. */
const lenient = new TextDecoder();

function toHeader(
  [key, value]: [Uint8Array | null, Uint8Array | null],
  rules: TextRules,
  rewrites: Set<Rewrite>,
): Header {
  const name = key === null ? "" : applyNulRule(lenient.decode(key), rules, rewrites);
  if (value === null) return { key: name, value: null };
  try {
    return { key: name, value: applyNulRule(utf8.decode(value), rules, rewrites) };
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
    rewrites: {
      type: "array",
      items: {
        type: "string",
        enum: ["lone_surrogate", "nul", "depth", "number", "long_name", "duplicate_name", "big_number", "other_fields"],
      },
      description:
        "What the document holds differently from the message, so that every consumer parses and stores it (docs/protocol.md).",
    },
    decode_error: { type: "string", description: "Why the message was emitted raw (policy emit_raw)." },
  },
} as const;
