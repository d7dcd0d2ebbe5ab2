/** Loads and validates the config file, including the rules that span fields. */
import { ConfigError } from "../errors.ts";
import { readJsonFile } from "./files.ts";
import { type Config, ConfigSchema } from "./schema.ts";
import { validate } from "./validate.ts";

export function parseConfig(input: unknown): Config {
  const config = validate(ConfigSchema, input, "config");
  if (config.start_position === "timestamp" && config.start_timestamp === undefined) {
    throw new ConfigError("config: start_timestamp is required when start_position is timestamp");
  }
  return config;
}

export const loadConfig = (path: string): Config => parseConfig(readJsonFile(path, "config"));
