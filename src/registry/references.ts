/**
 * Schema references: a registered schema may name others (an Avro record another subject
 * defines, a .proto file it imports), each as {name, subject, version}. A schema compiles only
 * with everything it refers to, directly or not.
 *
 *   const references = await resolveReferences(registry, registered, "schema id 7");
 *   compileSchema(registered, 7, references);
 */
import { ConfigError } from "../errors.ts";
import type { RegisteredSchema, RegistryClient } from "./client.ts";

/** A referenced schema under the name its referrer uses for it (an Avro full name, a .proto import path). */
export type ResolvedReference = { name: string; registered: RegisteredSchema };

/** Past this depth a chain of references is taken to be a cycle. */
const maxDepth = 32;

/**
 * Every schema `registered` refers to, directly or through others, each once, those referred to
 * before those referring to them (the order in which they must be defined).
 */
export async function resolveReferences(
  registry: RegistryClient,
  registered: RegisteredSchema,
  what: string,
): Promise<ResolvedReference[]> {
  const resolved: ResolvedReference[] = [];
  const seen = new Set<string>();
  const visit = async (schema: RegisteredSchema, depth: number): Promise<void> => {
    if (depth > maxDepth)
      throw new ConfigError(`${what}: its schema references go more than ${maxDepth} deep (a cycle?)`);
    for (const reference of schema.references) {
      const key = `${reference.subject}\u0000${reference.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const referenced = await registry.version(reference.subject, reference.version);
      if (referenced === null) {
        throw new ConfigError(
          `${what} refers to ${reference.name} as subject ${reference.subject} version ${reference.version}, which the schema registry does not have`,
        );
      }
      await visit(referenced, depth + 1);
      resolved.push({ name: reference.name, registered: referenced });
    }
  };
  await visit(registered, 0);
  return resolved;
}
