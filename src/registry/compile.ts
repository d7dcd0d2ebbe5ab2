/**
 * A registered schema → a decoder for payloads written with it, and the JSON Schema of what the
 * decoder produces. Avro through avsc, Protobuf through protobufjs, JSON Schema as JSON: all pure
 * JavaScript, so the executable stays a single file.
 *
 *   const compiled = compileSchema({ schemaType: "AVRO", schema: '"string"', references: [] }, 1);
 *   compiled.decode(Uint8Array.of(2, 0x61))  // { data: "a", encoding: "avro" }
 */
import avro from "avsc";
import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor.js";
import { DecodeError, type Decoded } from "../decode/bytes.ts";
import { ConfigError, oneLine } from "../errors.ts";
import { avroToJsonSchema } from "../schema/avro.ts";
import { protobufToJsonSchema } from "../schema/protobuf.ts";
import type { RegisteredSchema } from "./client.ts";
import { messageIndexes } from "./wire.ts";

export type JsonSchema = Record<string, unknown>;

export type CompiledSchema = {
  /** Decodes a payload (the bytes after magic byte and schema id); throws DecodeError. */
  decode(payload: Uint8Array): Decoded;
  /** What `decode` produces for the schema's (first) message, as JSON Schema. */
  jsonSchema(): JsonSchema;
};

export function compileSchema(registered: RegisteredSchema, id: number | string): CompiledSchema {
  if (registered.references.length > 0) {
    throw new ConfigError(`schema ${id} refers to other schemas (references: ${registered.references.map((r) => r.subject).join(", ")}), which are not supported yet`);
  }
  try {
    if (registered.schemaType === "AVRO") return compileAvro(registered.schema);
    if (registered.schemaType === "PROTOBUF") return compileProtobuf(registered.schema);
    return compileJson(registered.schema);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`schema ${id} (${registered.schemaType}) from the registry cannot be used: ${oneLine(error)}`);
  }
}

function compileAvro(text: string): CompiledSchema {
  const type = avro.Type.forSchema(JSON.parse(text));
  return {
    decode: (payload) => ({ data: plain(attempt(() => type.fromBuffer(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)))), encoding: "avro" }),
    jsonSchema: () => avroToJsonSchema(type),
  };
}

/** Protobuf → JSON as Confluent's and Debezium's converters write it: field names as declared, 64-bit integers as strings, enums by name, bytes as base64, unset fields with their defaults. */
const toObjectOptions: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: true, arrays: true, objects: true };

function compileProtobuf(text: string): CompiledSchema {
  const { root, packageName } = protobufRoot(text);
  root.resolveAll();
  const scope = packageName ? root.lookup(packageName) : root;
  const messagesOf = (ns: protobuf.ReflectionObject | null): protobuf.Type[] =>
    ns instanceof protobuf.Namespace ? ns.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type) : [];
  const first = messagesOf(scope)[0];
  if (!first) throw new ConfigError("the Protobuf schema declares no message");
  return {
    decode: (payload) => {
      const { indexes, rest } = attempt(() => messageIndexes(payload));
      let type: protobuf.Type | undefined;
      let candidates = messagesOf(scope);
      for (const index of indexes) {
        type = candidates[index];
        if (!type) throw new DecodeError(`names Protobuf message index ${indexes.join(".")}, which the schema does not have`);
        candidates = messagesOf(type);
      }
      const message = attempt(() => type!.decode(rest));
      return { data: type!.toObject(message, toObjectOptions), encoding: "protobuf" };
    },
    jsonSchema: () => protobufToJsonSchema(first),
  };
}

/**
 * A registry serves a Protobuf schema as .proto text, or as a base64 FileDescriptorProto (what
 * some registries keep when a serialiser registered that form).
 */
function protobufRoot(text: string): { root: protobuf.Root; packageName: string | undefined } {
  if (/^[A-Za-z0-9+/=]+$/.test(text.trim())) {
    const file = (descriptor as any).FileDescriptorProto.decode(Buffer.from(text.trim(), "base64"));
    const root = (protobuf.Root as any).fromDescriptor({ file: [file] }, { keepCase: true }) as protobuf.Root;
    return { root, packageName: file.package || undefined };
  }
  const parsed = protobuf.parse(text, { keepCase: true });
  for (const name of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
    const known = (protobuf.common as unknown as { get(file: string): protobuf.INamespace | null }).get(name);
    if (!known) throw new ConfigError(`the Protobuf schema imports ${name}, and only Google's well-known types can be imported without references`);
    parsed.root.addJSON(known.nested!);
  }
  return { root: parsed.root, packageName: parsed.package };
}

function compileJson(text: string): CompiledSchema {
  const schema = JSON.parse(text) as JsonSchema;
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  return {
    decode: (payload) => ({ data: attempt(() => JSON.parse(utf8.decode(payload))), encoding: "json_schema" }),
    jsonSchema: () => schema,
  };
}

function attempt<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    throw new DecodeError(`cannot be decoded with its schema: ${oneLine(error)}`);
  }
}

/** avsc's values → JSON-able ones: bytes and fixed (Buffers) as base64, records as plain objects. */
function plain(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = plain(item);
    return out;
  }
  return value;
}
