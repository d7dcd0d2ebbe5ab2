/**
 * `discover`: one stream per selected topic, with `_meta` and the key fields described exactly and
 * the value's fields too, as src/discover/ tells them (a registered schema, or one inferred from a
 * sample; a captured table's row in Debezium mode). This file wires the steps together.
 */
import { loadConfig } from "../config/load.ts";
import { selects, topicSelection } from "../config/topics.ts";
import { parseable } from "../discover/parseable.ts";
import { streamFor, tableStreamFor } from "../discover/streams.ts";
import type { Table } from "../discover/debezium.ts";
import { valueSchemas } from "../discover/value-schemas.ts";
import { KafkaClient } from "../kafka/client.ts";
import { protocolLog } from "../log.ts";
import { catalogMessage } from "../protocol/messages.ts";
import { emit } from "../protocol/output.ts";
import { openStatus } from "../terminal/status.ts";

export async function discover(configPath: string, options: { quiet?: boolean } = {}): Promise<void> {
  const config = loadConfig(configPath);
  const client = new KafkaClient(config);
  const status = openStatus(options);
  try {
    status.step(`connecting to ${config.bootstrap_servers} and listing topics`);
    const selection = topicSelection(config);
    const visible = await client.topicNames(config.include_internal_topics);
    const topics = visible.filter((name) => selects(selection, name));
    const seen = new Set(visible);
    for (const name of selection.listed) {
      if (!seen.has(name) && !selection.excludes(name))
        protocolLog(
          "WARN",
          `discover: topics lists ${name}, which is not in the cluster or which the principal may not Describe; it has no stream`,
        );
    }
    const debezium = config.value_envelope === "debezium";
    const tables = new Map<string, Table>();
    const schemas = await valueSchemas(client, config, topics, status, tables);
    status.end(`${status.style.green("✔")} discovered ${topics.length} ${topics.length === 1 ? "stream" : "streams"}`);
    await emit(
      catalogMessage(
        topics.map((topic) =>
          parseable(debezium ? tableStreamFor(topic, tables.get(topic)) : streamFor(topic, schemas.get(topic))),
        ),
      ),
    );
  } finally {
    status.end();
    await client.close();
  }
}
