/** `discover`: one stream per topic, with `_meta` described exactly. */
import { loadConfig } from "../config/load.ts";
import { metaJsonSchema } from "../decode/document.ts";
import { KafkaClient } from "../kafka/client.ts";
import { catalogMessage } from "../protocol/messages.ts";
import { emit } from "../protocol/output.ts";

export function streamFor(topic: string) {
  return {
    name: topic,
    json_schema: {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      additionalProperties: true,
      required: ["_meta"],
      properties: { _meta: metaJsonSchema },
    },
    supported_sync_modes: ["full_refresh", "incremental"],
    source_defined_cursor: true,
    default_cursor_field: ["_meta", "offset"],
    source_defined_primary_key: [["_meta", "topic"], ["_meta", "partition"], ["_meta", "offset"]],
    is_resumable: true,
  };
}

export async function discover(configPath: string): Promise<void> {
  const config = loadConfig(configPath);
  const client = new KafkaClient(config);
  try {
    const topics = await client.topicNames(config.include_internal_topics);
    await emit(catalogMessage(topics.map(streamFor)));
  } finally {
    await client.close();
  }
}
