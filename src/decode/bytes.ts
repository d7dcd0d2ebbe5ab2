/**
 * Decodes a key or value's bytes to JSON-able data. `auto` takes JSON when the bytes parse as
 * JSON, else UTF-8 text when they are valid UTF-8 and read as text (looksBinary), else base64; the
 * encoding used goes to `_meta`.
 */
export type Format = "auto" | "json" | "text" | "bytes" | "schema_registry";
/** avro, protobuf and json_schema come from a schema registry (src/registry/). */
export type Encoding = "json" | "utf-8" | "base64" | "avro" | "protobuf" | "json_schema";
/**
 * `text` is the JSON text `data` was parsed from, kept so that an object can be emitted as written;
 * `clean` says it is a JSON object the fast lane's check accepts (json-bytes.ts), which no document
 * rule rewrites: its `data` is parsed only if someone asks for it.
 */
export type Decoded = { data: unknown; encoding: Encoding; text?: string; clean?: boolean };

/** A JSON object that objectBodyEnd accepted: valid already, so JSON.parse runs on first use of `data`, if ever. */
class CleanObject {
  readonly encoding = "json";
  readonly clean = true;
  #data: unknown;
  constructor(readonly text: string) {}
  get data(): unknown {
    this.#data ??= JSON.parse(this.text);
    return this.#data;
  }
}

export class DecodeError extends Error {
  override name = "DecodeError";
}

import { objectBodyEnd } from "./json-bytes.ts";
import type { BigNumberRule } from "./json-text.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Characters a JSON text can start with; anything else is not worth a parse attempt. */
const jsonStart = /^[\s]*[{["\-0-9tfn]/;

/** `bigNumbers`: the document's rule (json-text.ts), which decides what counts as clean. */
export function decodeBytes(bytes: Uint8Array, format: Format, bigNumbers: BigNumberRule): Decoded {
  if (format === "bytes") return base64(bytes);
  // Registry-framed bytes never get here (SchemaCache.decode in src/registry/schemas.ts takes them first).
  if (format === "schema_registry")
    throw new DecodeError("is not in the schema registry's wire format (magic byte 0 and a schema id)");
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    if (format === "auto") return base64(bytes);
    throw new DecodeError(`is not valid UTF-8 (format ${format})`);
  }
  if (format === "text") return { data: text, encoding: "utf-8" };
  if (objectBodyEnd(bytes, 0, bytes.length, bigNumbers === "string") >= 0) return new CleanObject(text);
  if (format === "json" || jsonStart.test(text)) {
    try {
      return { data: JSON.parse(text), encoding: "json", text };
    } catch {
      if (format === "json") throw new DecodeError("is not valid JSON (format json)");
    }
  }
  if (format === "auto" && looksBinary(text)) return base64(bytes);
  return { data: text, encoding: "utf-8" };
}

/**
 * Whether valid UTF-8 is binary data all the same: it holds a NUL (git's test for a binary file),
 * or more than one character in ten is a control character other than tab, line feed, form feed,
 * carriage return and escape (what text, logs with colours included, holds). A small Protobuf or
 * a packed struct is often valid UTF-8, and text of its control characters is no use to anyone.
 *
 *   looksBinary("\u0000\u0001\u0002")  // true
 *   looksBinary("\u001b[31mERROR\u001b[0m disk full\n")  // false
 */
export function looksBinary(text: string): boolean {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1b) || c === 0x7f) controls++;
  }
  return controls * 10 > text.length;
}

export function base64(bytes: Uint8Array): Decoded {
  return { data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"), encoding: "base64" };
}
