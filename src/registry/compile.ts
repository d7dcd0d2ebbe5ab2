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
import { avroToJsonSchema } from "../json-schema/avro.ts";
import type { JsonSchema } from "../json-schema/json-schema.ts";
import { openSchema } from "../json-schema/open.ts";
import { protobufToJsonSchema } from "../json-schema/protobuf.ts";
import type { RegisteredSchema } from "./client.ts";
import type { ResolvedReference } from "./references.ts";
import { messageIndexes } from "./wire.ts";


export type CompiledSchema = {
  /** Decodes a payload (the bytes after magic byte and schema id); throws DecodeError. */
  decode(payload: Uint8Array): Decoded;
  /** What `decode` produces for the schema's (first) message, as JSON Schema. */
  jsonSchema(): JsonSchema;
};

/** `references`: what the schema refers to, resolved (references.ts), those referred to first. */
export function compileSchema(registered: RegisteredSchema, id: number | string, references: ResolvedReference[] = []): CompiledSchema {
  try {
    if (registered.schemaType === "AVRO") return compileAvro(registered.schema, references);
    if (registered.schemaType === "PROTOBUF") return compileProtobuf(registered.schema, references);
    // A JSON Schema's references matter only to validation, which decoding does not do.
    return compileJson(registered.schema);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`schema ${id} (${registered.schemaType}) from the registry cannot be used: ${oneLine(error)}`, { cause: error });
  }
}

function compileAvro(text: string, references: ResolvedReference[]): CompiledSchema {
  // Named types the referenced schemas define are known by full name to those parsed after them.
  const registry = {};
  for (const reference of references) avro.Type.forSchema(JSON.parse(reference.registered.schema), { registry });
  const type = avro.Type.forSchema(JSON.parse(text), { registry });
  return {
    decode: (payload) => ({ data: plain(attempt(() => type.fromBuffer(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)))), encoding: "avro" }),
    jsonSchema: () => avroToJsonSchema(type),
  };
}

/** Protobuf → JSON as Confluent's and Debezium's converters write it: field names as declared, 64-bit integers as strings, enums by name, bytes as base64, unset fields with their defaults. */
const toObjectOptions: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: true, arrays: true, objects: true };

function compileProtobuf(text: string, references: ResolvedReference[]): CompiledSchema {
  // Message indexes count the top-level messages of this file only, not of the files it imports
  // (which may share its package): take their names from the file alone, their types from the
  // root holding every file.
  const own = protobufFile(text);
  const root = new protobuf.Root();
  const imports = { references: new Set(references.map((r) => r.name)), wellKnownAdded: new Set<string>() };
  for (const reference of references) addProtobufFile(root, protobufFile(reference.registered.schema), imports);
  addProtobufFile(root, own, imports);
  root.resolveAll();
  const topLevel = own.messageNames.map((name) => root.lookupType(own.packageName ? `${own.packageName}.${name}` : name));
  const messagesOf = (ns: protobuf.ReflectionObject | null): protobuf.Type[] =>
    ns instanceof protobuf.Namespace ? ns.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type) : [];
  const first = topLevel[0];
  if (!first) throw new ConfigError("the Protobuf schema declares no message");
  return {
    decode: (payload) => {
      const { indexes, rest } = attempt(() => messageIndexes(payload));
      let type: protobuf.Type | undefined;
      let candidates = topLevel;
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

type ProtobufFile = {
  /** The file's own definitions, as protobufjs JSON. */
  nested: Record<string, protobuf.AnyNestedObject>;
  packageName: string | undefined;
  /** Its top-level messages, in declaration order. */
  messageNames: string[];
  imports: string[];
};

/**
 * A registry serves a Protobuf schema as .proto text, or as a base64 FileDescriptorProto (what
 * some registries keep when a serialiser registered that form).
 */
function protobufFile(text: string): ProtobufFile {
  if (/^[A-Za-z0-9+/=]+$/.test(text.trim())) {
    const file = (descriptor as any).FileDescriptorProto.decode(Buffer.from(text.trim(), "base64"));
    const root = (protobuf.Root as any).fromDescriptor({ file: [file] }, { keepCase: true }) as protobuf.Root;
    return {
      nested: root.toJSON().nested ?? {},
      packageName: file.package || undefined,
      messageNames: (file.messageType ?? []).map((m: { name: string }) => m.name),
      imports: file.dependency ?? [],
    };
  }
  const parsed = protobuf.parse(text, { keepCase: true });
  const scope = parsed.package ? parsed.root.lookup(parsed.package) : parsed.root;
  const messageNames = scope instanceof protobuf.Namespace ? scope.nestedArray.filter((n) => n instanceof protobuf.Type).map((n) => n.name) : [];
  return { nested: parsed.root.toJSON().nested ?? {}, packageName: parsed.package, messageNames, imports: [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])] };
}

/** Adds a file's definitions to `root`, and Google's well-known types it imports; any other import must be a reference. */
function addProtobufFile(root: protobuf.Root, file: ProtobufFile, imports: { references: Set<string>; wellKnownAdded: Set<string> }): void {
  for (const name of file.imports) {
    if (imports.references.has(name) || imports.wellKnownAdded.has(name)) continue;
    const known = (protobuf.common as unknown as { get(file: string): protobuf.INamespace | null }).get(name);
    if (!known) throw new ConfigError(`the Protobuf schema imports ${name}, which is neither among its references nor one of Google's well-known types`);
    root.addJSON(known.nested!);
    imports.wellKnownAdded.add(name);
  }
  root.addJSON(file.nested);
}

function compileJson(text: string): CompiledSchema {
  const schema = JSON.parse(text) as JsonSchema;
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  return {
    decode: (payload) => ({ data: attempt(() => JSON.parse(utf8.decode(payload))), encoding: "json_schema" }),
    jsonSchema: () => openSchema(schema),
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
