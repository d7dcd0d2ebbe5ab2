/**
 * A partition's records as RECORD lines, written as bytes into a LineBuffer. A plain JSON object
 * value (no key, no headers, no schema registry, not a Debezium topic) takes the fast lane: its
 * bytes are checked (src/decode/json-bytes.ts) and copied where they lie in their batch, with no
 * object made for the record (kafka/record-columns.ts), and the rest of the line is written
 * from pieces made once per partition and fetch. Everything else takes the general path
 * (src/decode/document.ts), whose text the fast lane matches byte for byte
 * (tests/unit/record-lines.test.ts holds them to that).
 */
import { debeziumDocumentJson } from "../decode/debezium.ts";
import { type DecodeOptions, documentJson, isoTimestamp, type Origin, type WireDecoder } from "../decode/document.ts";
import { objectBodyEnd } from "../decode/json-bytes.ts";
import type { RecordColumns } from "../kafka/record-columns.ts";
import type { LineBuffer } from "./line-buffer.ts";
import { LineTrailer } from "./line-trailer.ts";

const encoder = new TextEncoder();
const comma = new TextEncoder().encode(",");

export class RecordLines {
  readonly #origin: Origin;
  readonly #decode: DecodeOptions;
  readonly #wire: WireDecoder | undefined;
  readonly #toJson: typeof documentJson | typeof debeziumDocumentJson;
  /** Whether this partition's records may take the fast lane at all. */
  readonly #fastLane: boolean;
  readonly #bigNumbersAsStrings: boolean;
  readonly #prefix: string;
  readonly #suffix: string;
  // The fast lane's pieces, as bytes: line = prefix, body, [","], trailer.
  readonly #prefixBytes: Uint8Array;
  readonly #trailer: LineTrailer;
  /** Records written so far that the fast lane did not take, read as objects (worker/collector.ts). */
  recordsAsObjects = 0;

  constructor(origin: Origin, emittedAt: number, decode: DecodeOptions, wire: WireDecoder | undefined) {
    this.#origin = origin;
    this.#decode = decode;
    this.#wire = wire;
    const debezium = decode.debeziumTopics?.includes(origin.topic) ?? false;
    this.#toJson = debezium ? debeziumDocumentJson : documentJson;
    this.#fastLane =
      !debezium && wire === undefined && (decode.valueFormat === "auto" || decode.valueFormat === "json");
    this.#bigNumbersAsStrings = decode.bigNumbers === "string";
    const topic = JSON.stringify(origin.topic);
    const { partition } = origin;
    this.#prefix = `{"type":"RECORD","record":{"stream":${topic},"data":`;
    this.#suffix = `,"emitted_at":${emittedAt}}}\n`;
    this.#prefixBytes = encoder.encode(this.#prefix);
    const timestampType = origin.logAppendTime ? "log_append_time" : "create_time";
    this.#trailer = new LineTrailer(
      encoder.encode(`"_kafka_partition":${partition},"_kafka_offset":`),
      encoder.encode(`,"_meta":{"topic":${topic},"partition":${partition},"offset":`),
      encoder.encode(`,"timestamp":"`),
      encoder.encode(
        `","timestamp_type":"${timestampType}","key":null,"key_encoding":null,"value_encoding":"json","headers":[],"op":"c"}}` +
          this.#suffix,
      ),
    );
  }

  /** Writes the line of record `i` of `records`; returns false when it has none (a Debezium tombstone). */
  write(out: LineBuffer, records: RecordColumns, i: number): boolean {
    const start = records.plainStarts[i] as number;
    if (this.#fastLane && start >= 0) {
      const bytes = records.bytes;
      const end = records.plainEnds[i] as number;
      const bodyEnd = objectBodyEnd(bytes, start, end, this.#bigNumbersAsStrings);
      if (bodyEnd >= 0) {
        const trailer = this.#trailer.of(
          records.offsets[i] as number,
          isoTimestampBytes(records.timestamps[i] as number),
        );
        out.reserve(this.#prefixBytes.length + (bodyEnd - start) + 1 + trailer.length);
        out.put(this.#prefixBytes);
        out.putRange(bytes, start, bodyEnd);
        if (bytes[bodyEnd - 1] !== 0x7b) out.put(comma);
        out.put(trailer);
        return true;
      }
    }
    this.recordsAsObjects++;
    const json = this.#toJson(this.#origin, records.record(i), this.#decode, this.#wire);
    if (json === null) return false;
    out.putText(this.#prefix);
    out.putText(json);
    out.putText(this.#suffix);
    return true;
  }
}

/** document.ts's timestamp text (cached there per millisecond), and its bytes, kept while it stays the same. */
let lastText = "";
let lastBytes = new Uint8Array(0);
function isoTimestampBytes(millis: number): Uint8Array {
  const text = isoTimestamp(millis);
  if (text !== lastText) {
    lastText = text;
    lastBytes = encoder.encode(text);
  }
  return lastBytes;
}
