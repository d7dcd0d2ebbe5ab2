/** How records are decoded, as the config (and the catalog's per-stream value_envelope) says: read and discover decode alike from this one place. */
import type { Config } from "../config/config.ts";
import type { DecodeOptions } from "./document.ts";

type DecodeConfig = Pick<
  Config,
  "key_format" | "value_format" | "on_decode_error" | "value_envelope" | "nul_characters" | "big_numbers"
>;

/** A topic to be read, and the envelope its catalog stream sets, if it sets one. */
export type DecodedTopic = { name: string; valueEnvelope?: Config["value_envelope"] };

/** `topics`: the topics to be read, whose envelope the config sets unless their stream says otherwise. */
export function decodeOptions(config: DecodeConfig, topics: DecodedTopic[] = []): DecodeOptions {
  const options: DecodeOptions = {
    keyFormat: config.key_format,
    valueFormat: config.value_format,
    onDecodeError: config.on_decode_error,
    nulCharacters: config.nul_characters,
    bigNumbers: config.big_numbers,
  };
  const debezium = topics.filter((t) => (t.valueEnvelope ?? config.value_envelope) === "debezium").map((t) => t.name);
  if (debezium.length > 0) options.debeziumTopics = debezium;
  return options;
}
