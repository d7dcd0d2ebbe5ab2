/** Loads and validates the config file, including the rules that span fields. */
import { ConfigError } from "../errors.ts";
import { readJsonFile } from "../input/json-file.ts";
import { type Config, ConfigSchema } from "./config.ts";
import { validate } from "../input/validate.ts";
import { isInternal } from "./topics.ts";

export function parseConfig(input: unknown): Config {
  const config = validate(ConfigSchema, input, "config");
  if (config.start_position === "timestamp" && config.start_timestamp === undefined) {
    throw new ConfigError("config: start_timestamp is required when start_position is timestamp");
  }
  checkTopics(config);
  checkSecurity(config);
  checkRegistry(config);
  return config;
}

/** An internal topic listed by name is asked for: say which field lets it in, rather than drop it silently. */
function checkTopics({ topics, include_internal_topics }: Config): void {
  const internal = topics?.find(isInternal);
  if (internal !== undefined && !include_internal_topics) {
    throw new ConfigError(
      `config: topics lists the internal topic ${internal}, which is left out unless include_internal_topics is true`,
    );
  }
}

/** The schema registry fields that only make sense together. */
function checkRegistry({ schema_registry: registry, key_format, value_format }: Config): void {
  for (const [field, format] of [
    ["key_format", key_format],
    ["value_format", value_format],
  ] as const) {
    if (format === "schema_registry" && !registry)
      throw new ConfigError(`config: schema_registry is required when ${field} is schema_registry`);
  }
  if (registry && (registry.username === undefined) !== (registry.password === undefined)) {
    throw new ConfigError("config: schema_registry.username and schema_registry.password must be given together");
  }
}

/** The TLS and SASL fields that only make sense together. */
function checkSecurity({ tls, sasl }: Config): void {
  if (tls && (tls.client_certificate === undefined) !== (tls.client_key === undefined)) {
    throw new ConfigError("config: tls.client_certificate and tls.client_key must be given together");
  }
  if (!sasl) return;
  const need = (field: keyof NonNullable<Config["sasl"]>) => {
    if (sasl[field] === undefined)
      throw new ConfigError(`config: sasl.${field} is required when sasl.mechanism is ${sasl.mechanism}`);
  };
  if (sasl.mechanism === "OAUTHBEARER") {
    if (sasl.token !== undefined && sasl.oauth_token_endpoint_url !== undefined)
      throw new ConfigError(
        "config: sasl.token and sasl.oauth_token_endpoint_url are two ways to get a token: give one",
      );
    if (sasl.oauth_token_endpoint_url === undefined) need("token");
    else {
      need("oauth_client_id");
      need("oauth_client_secret");
    }
  } else if (sasl.mechanism === "AWS_MSK_IAM") {
    need("aws_region");
    if ((sasl.aws_access_key_id === undefined) !== (sasl.aws_secret_access_key === undefined)) {
      throw new ConfigError("config: sasl.aws_access_key_id and sasl.aws_secret_access_key must be given together");
    }
  } else {
    need("username");
    need("password");
  }
}

export const loadConfig = (path: string): Config => parseConfig(readJsonFile(path, "config"));
