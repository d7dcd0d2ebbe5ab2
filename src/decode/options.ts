/** How records are decoded, as the config says: read and discover decode alike from this one place. */
import type { Config } from "../config/config.ts";
import type { DecodeOptions } from "./document.ts";

export function decodeOptions(config: Pick<Config, "key_format" | "value_format" | "on_decode_error">): DecodeOptions {
  return { keyFormat: config.key_format, valueFormat: config.value_format, onDecodeError: config.on_decode_error };
}
