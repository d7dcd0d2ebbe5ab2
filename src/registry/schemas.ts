/**
 * The schemas a worker has met, fetched once per id and compiled once. Decoding is synchronous,
 * so a batch's schemas are fetched first (`prepare`), then its records decode (`decode`).
 *
 *   const schemas = new SchemaCache(new RegistryClient(settings, 10_000));
 *   await schemas.prepare("orders", 0, records, { keyFormat: "auto", valueFormat: "schema_registry" });
 *   toDocument(record, options, schemas.decode);
 */
import type { Decoded, Format } from "../decode/bytes.ts";
import { ConfigError } from "../errors.ts";
import type { RegisteredSchema, RegistryClient } from "./client.ts";
import { type CompiledSchema, compileSchema } from "./compile.ts";
import { resolveReferences } from "./references.ts";
import { unframe } from "./wire.ts";

/** A framed message names a schema id the registry does not know. */
export class UnknownSchemaError extends ConfigError {
  override name = "UnknownSchemaError";
}

export type Message = { offset: number; key: Uint8Array | null; value: Uint8Array | null };

export class SchemaCache {
  readonly #client: RegistryClient;
  readonly #compiled = new Map<number, CompiledSchema>();

  constructor(client: RegistryClient) {
    this.#client = client;
  }

  /**
   * Fetches the schemas that the records' framed keys and values name and that are not cached
   * yet. An id the registry does not know fails naming the message: it is no payload problem
   * that emitting the message raw would answer, but a registry that is not the producers' one.
   */
  async prepare(
    topic: string,
    partition: number,
    records: Iterable<Message>,
    formats: { keyFormat: Format; valueFormat: Format },
  ): Promise<void> {
    for (const record of records) {
      for (const [what, bytes, format] of [
        ["key", record.key, formats.keyFormat],
        ["value", record.value, formats.valueFormat],
      ] as const) {
        const framed = bytes !== null && usesRegistry(format) ? unframe(bytes) : null;
        if (framed === null || this.#compiled.has(framed.schemaId)) continue;
        const registered = await this.#client.schemaById(framed.schemaId);
        if (registered === null) {
          throw new UnknownSchemaError(
            `${what} of ${topic} partition ${partition} offset ${record.offset}: the schema registry has no schema with id ${framed.schemaId}; is schema_registry.url the registry its producer used?`,
          );
        }
        this.#compiled.set(framed.schemaId, await compileRegistered(this.#client, registered, framed.schemaId));
      }
    }
  }

  /** Decodes framed bytes with their (prepared) schema; null for bytes the registry is not for. */
  readonly decode = (bytes: Uint8Array, format: Format): Decoded | null => {
    if (!usesRegistry(format)) return null;
    const framed = unframe(bytes);
    if (framed === null) return null;
    const compiled = this.#compiled.get(framed.schemaId);
    if (!compiled) throw new Error(`schema ${framed.schemaId} was not prepared before decoding`);
    return compiled.decode(framed.payload);
  };
}

/**
 * A registered schema compiled, with the schemas it references fetched first: the one way a schema
 * from the registry becomes a decoder and a JSON Schema. `id` names it in errors.
 *
 *   const latest = await registry.latest("orders-value");
 *   if (latest) (await compileRegistered(registry, latest, latest.id)).jsonSchema();
 */
export async function compileRegistered(
  client: RegistryClient,
  registered: RegisteredSchema,
  id: number | string,
): Promise<CompiledSchema> {
  const references = await resolveReferences(client, registered, `schema id ${id}`);
  return compileSchema(registered, id, references);
}

const usesRegistry = (format: Format) => format === "auto" || format === "schema_registry";
