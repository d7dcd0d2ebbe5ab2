/**
 * Errors the connector reports. The class decides the Airbyte failure type in one place
 * (`failureType`), so that code which throws never has to know about the protocol.
 */

/** The user's input is wrong: config, catalog, state, credentials, a missing topic. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The cluster is unreachable or unavailable after retries; trying again later may work. */
export class TransientError extends Error {
  override name = "TransientError";
}

export type FailureType = "config_error" | "transient_error" | "system_error";

export function failureType(error: unknown): FailureType {
  if (error instanceof ConfigError) return "config_error";
  if (error instanceof TransientError) return "transient_error";
  return "system_error";
}

/** A one-line message: protocol lines and logs must never carry a multi-line stack. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, " ").trim() || "unknown error";
}

/**
 * Names, the first few quoted and the rest counted: an error about thousands of topics stays one
 * readable line.
 *
 * @example listNames(["a", "b", "c", "d", "e", "f", "g"]) // '"a", "b", "c", "d", "e" and 2 more'
 */
export function listNames(names: string[], shown = 5): string {
  const quoted = names
    .slice(0, shown)
    .map((name) => JSON.stringify(name))
    .join(", ");
  return names.length > shown ? `${quoted} and ${names.length - shown} more` : quoted;
}
