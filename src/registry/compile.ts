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
import { exactInteger, isRawJson } from "../decode/raw-json.ts";
import { ConfigError, oneLine } from "../errors.ts";
import { avroToJsonSchema } from "../json-schema/avro.ts";
import type { JsonSchema } from "../json-schema/json-schema.ts";
import { openSchema } from "../json-schema/open.ts";
import { inlineRefs } from "../json-schema/refs.ts";
import { protobufToJsonSchema } from "../json-schema/protobuf.ts";
import { avroOptions } from "./avro-types.ts";
import { withConnectLogicalTypes } from "./connect-names.ts";
import type { RegisteredSchema } from "./client.ts";
import { protobufJson } from "./protobuf-json.ts";
import type { ResolvedReference } from "./references.ts";
import { messageIndexes } from "./wire.ts";

export type CompiledSchema = {
  /** Decodes a payload (the bytes after magic byte and schema id); throws DecodeError. */
  decode(payload: Uint8Array): Decoded;
  /** What `decode` produces for the schema's (first) message, as JSON Schema. */
  jsonSchema(): JsonSchema;
};

/** `references`: what the schema refers to, resolved (references.ts), those referred to first. */
export function compileSchema(
  registered: RegisteredSchema,
  id: number | string,
  references: ResolvedReference[] = [],
): CompiledSchema {
  try {
    if (registered.schemaType === "AVRO") return compileAvro(registered.schema, references);
    if (registered.schemaType === "PROTOBUF") return compileProtobuf(registered.schema, references);
    return compileJson(registered.schema, references);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `schema ${id} (${registered.schemaType}) from the registry cannot be used: ${oneLine(error)}`,
      { cause: error },
    );
  }
}

function compileAvro(text: string, references: ResolvedReference[]): CompiledSchema {
  // Named types the referenced schemas define are known by full name to those parsed after them.
  const registry = {};
  for (const reference of references)
    avro.Type.forSchema(parseAvro(reference.registered.schema), avroOptions(registry));
  const type = avro.Type.forSchema(parseAvro(text), avroOptions(registry));
  return {
    decode: (payload) => ({
      data: plain(attempt(() => type.fromBuffer(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)))),
      encoding: "avro",
    }),
    jsonSchema: () => avroToJsonSchema(type),
  };
}

function parseAvro(text: string): avro.Schema {
  return withConnectLogicalTypes(JSON.parse(text)) as avro.Schema;
}

/** Protobuf → JSON as Confluent's and Debezium's converters write it: field names as declared, 64-bit integers as strings, enums by name, bytes as base64, unset fields with their defaults (then the well-known types mapped by protobuf-json.ts). */
const toObjectOptions: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: String,
  defaults: true,
  arrays: true,
  objects: true,
};

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
  const topLevel = own.messageNames.map((name) =>
    root.lookupType(own.packageName ? `${own.packageName}.${name}` : name),
  );
  const messagesOf = (ns: protobuf.ReflectionObject | null): protobuf.Type[] =>
    ns instanceof protobuf.Namespace
      ? ns.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type)
      : [];
  const first = topLevel[0];
  if (!first) throw new ConfigError("the Protobuf schema declares no message");
  const converters = new Map<protobuf.Type, (object: Record<string, unknown>) => unknown>();
  return {
    decode: (payload) => {
      const { indexes, rest } = attempt(() => messageIndexes(payload));
      // Message indexes are never empty (wire.ts): the loop always names a type.
      let type: protobuf.Type = first;
      let candidates = topLevel;
      for (const index of indexes) {
        const named = candidates[index];
        if (!named)
          throw new DecodeError(`names Protobuf message index ${indexes.join(".")}, which the schema does not have`);
        type = named;
        candidates = messagesOf(named);
      }
      const message = attempt(() => type.decode(rest));
      let json = converters.get(type);
      if (!json) converters.set(type, (json = protobufJson(type)));
      const object = type.toObject(message, toObjectOptions);
      return { data: attempt(() => json(object)), encoding: "protobuf" };
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

/** protobufjs's descriptor extension, which its typings leave out. */
type DescriptorApi = {
  FileDescriptorProto: {
    decode(bytes: Uint8Array): { package?: string; messageType?: { name: string }[]; dependency?: string[] };
  };
};
type RootFromDescriptor = { fromDescriptor(set: { file: unknown[] }, options: { keepCase: boolean }): protobuf.Root };

/**
 * A registry serves a Protobuf schema as .proto text, or as a base64 FileDescriptorProto (what
 * some registries keep when a serialiser registered that form).
 */
function protobufFile(text: string): ProtobufFile {
  if (/^[A-Za-z0-9+/=]+$/.test(text.trim())) {
    const file = (descriptor as unknown as DescriptorApi).FileDescriptorProto.decode(
      Buffer.from(text.trim(), "base64"),
    );
    // fromDescriptor resolves every type at once: the well-known files the file imports (which a
    // serialiser does not register as references) go in with it, then out of its definitions.
    const wellKnown = (file.dependency ?? []).flatMap(wellKnownDescriptors);
    const root = (protobuf.Root as unknown as RootFromDescriptor).fromDescriptor(
      { file: [...wellKnown, file] },
      { keepCase: true },
    );
    return {
      nested: wellKnown.length > 0 ? withoutWellKnown(root.toJSON().nested ?? {}) : (root.toJSON().nested ?? {}),
      packageName: file.package || undefined,
      messageNames: (file.messageType ?? []).map((m) => m.name),
      imports: file.dependency ?? [],
    };
  }
  const parsed = protobuf.parse(text, { keepCase: true });
  const scope = parsed.package ? parsed.root.lookup(parsed.package) : parsed.root;
  const messageNames =
    scope instanceof protobuf.Namespace
      ? scope.nestedArray.filter((n) => n instanceof protobuf.Type).map((n) => n.name)
      : [];
  return {
    nested: parsed.root.toJSON().nested ?? {},
    packageName: parsed.package,
    messageNames,
    imports: [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])],
  };
}

/** The FileDescriptorProtos of one of Google's well-known .proto files, from protobufjs's copy; none for any other file. */
function wellKnownDescriptors(name: string): unknown[] {
  const known = (protobuf.common as unknown as { get(file: string): protobuf.INamespace | null }).get(name);
  if (!known) return [];
  const root = protobuf.Root.fromJSON(known);
  root.resolveAll();
  return (root as unknown as { toDescriptor(edition: string): { file: unknown[] } }).toDescriptor("proto3").file;
}

/** Definitions without the google.protobuf namespace (the well-known types, added again by addProtobufFile). */
function withoutWellKnown(nested: Record<string, protobuf.AnyNestedObject>): Record<string, protobuf.AnyNestedObject> {
  const google = nested.google as { nested?: Record<string, protobuf.AnyNestedObject> } | undefined;
  if (!google?.nested) return nested;
  const { protobuf: _wellKnown, ...others } = google.nested;
  const { google: _google, ...rest } = nested;
  return Object.keys(others).length > 0 ? { ...rest, google: { ...google, nested: others } } : rest;
}

/** Adds a file's definitions to `root`, and Google's well-known types it imports; any other import must be a reference. */
function addProtobufFile(
  root: protobuf.Root,
  file: ProtobufFile,
  imports: { references: Set<string>; wellKnownAdded: Set<string> },
): void {
  for (const name of file.imports) {
    if (imports.references.has(name) || imports.wellKnownAdded.has(name)) continue;
    const known = (protobuf.common as unknown as { get(file: string): protobuf.INamespace | null }).get(name);
    if (!known)
      throw new ConfigError(
        `the Protobuf schema imports ${name}, which is neither among its references nor one of Google's well-known types`,
      );
    root.addJSON(known.nested ?? {});
    imports.wellKnownAdded.add(name);
  }
  root.addJSON(file.nested);
}

/** Decoding needs no schema (the payload is JSON); its references (other subjects' schemas) are inlined into the JSON Schema discover gives. */
function compileJson(text: string, references: ResolvedReference[]): CompiledSchema {
  const schema = JSON.parse(text) as JsonSchema;
  const referenced = new Map(references.map((r) => [r.name, JSON.parse(r.registered.schema) as unknown]));
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  return {
    decode: (payload) => ({ data: attempt(() => JSON.parse(utf8.decode(payload))), encoding: "json_schema" }),
    jsonSchema: () => openSchema(inlineRefs(schema, referenced)),
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

/**
 * avsc's values → JSON-able ones: bytes and fixed (Buffers) as base64, longs (bigints) as exact
 * JSON numbers, records as plain objects; logical types' values (raw JSON numbers, strings) as they are.
 */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return exactInteger(value);
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null && !isRawJson(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = plain(item);
    return out;
  }
  return value;
}
