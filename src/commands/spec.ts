/** `spec`: the connection specification, generated from the schema that validates configs. */
import { toJsonSchema } from "@valibot/to-json-schema";
import { ConfigSchema } from "../config/config.ts";
import { specMessage } from "../protocol/messages.ts";
import { emit } from "../protocol/output.ts";

export function connectionSpecification(): Record<string, unknown> {
  // Input mode: fields with defaults are optional for the user, as they are in a config file.
  const schema = toJsonSchema(ConfigSchema, { typeMode: "input", errorMode: "ignore" }) as Record<string, unknown>;
  return { ...schema, title: "Kafka Source Spec" };
}

export async function spec(): Promise<void> {
  await emit(specMessage(connectionSpecification()));
}
