/**
 * `discover`: one stream per topic, with `_meta` and the key fields described exactly and the value's fields too:
 * from the schema registered for the topic's values (subject `<topic>-value`), else inferred from
 * a bounded sample of each topic's recent messages. With `value_envelope: debezium`, a stream is
 * the captured table: its row's columns, keyed by the message key's (src/discover/debezium.ts).
 */
import { loadConfig } from "../config/load.ts";
import { selects, topicSelection } from "../config/topics.ts";
import { decodeOptions } from "../decode/options.ts";
import { ConfigError, oneLine } from "../errors.ts";
import type { Config } from "../config/config.ts";
import { metaJsonSchema } from "../decode/document.ts";
import { KafkaClient } from "../kafka/client.ts";
import { protocolLog } from "../log.ts";
import { catalogMessage } from "../protocol/messages.ts";
import { emit } from "../protocol/output.ts";
import { RegistryClient } from "../registry/client.ts";
import { compileSchema } from "../registry/compile.ts";
import type { JsonSchema } from "../json-schema/json-schema.ts";
import { resolveReferences } from "../registry/references.ts";
import { SchemaCache } from "../registry/schemas.ts";
import { documentJsonSchema } from "../json-schema/document.ts";
import { inferJsonSchema } from "../json-schema/infer.ts";
import { type Sample, sampleDocuments } from "../discover/sample.ts";
import { debeziumDocumentSchema, fromSample, keyColumns, rowOfEnvelope, type Table } from "../discover/debezium.ts";
import { parseable } from "../discover/parseable.ts";
import { openStatus, type Status } from "../terminal/status.ts";

/** The sample: the last messages of each partition and how long all topics' sampling may take. */
const samplePerPartition = 100;
const sampleBudgetMs = 10_000;

/** Why a sample is missing or partial, for discover's WARN; undefined for a full sample with values. */
function sampleProblem(sample: Sample, perPartition: number): string | undefined {
  if (sample.problems.length > 0) return sample.problems.join("; ");
  if (sample.values.length > 0) return undefined;
  if (sample.offsets === 0) return "it holds no messages";
  return `none of the last ${perPartition} messages of each partition is a value that decodes (tombstones, aborted or undecodable)`;
}

function streamFor(topic: string, value?: JsonSchema) {
  return {
    name: topic,
    json_schema: documentJsonSchema(value, metaJsonSchema),
    supported_sync_modes: ["full_refresh", "incremental"],
    source_defined_cursor: true,
    // Top-level fields: PyAirbyte and Airbyte's destinations take no nested keys or cursors. A
    // stream is one topic, so partition and offset identify a message.
    default_cursor_field: ["_kafka_offset"],
    source_defined_primary_key: [["_kafka_partition"], ["_kafka_offset"]],
    is_resumable: true,
  };
}

/**
 * A captured table's stream: merged on the key's columns (when the key showed any). The cursor
 * stays the offset: Debezium keys each change by the row's key, so one row's changes share a
 * partition, where offsets order them.
 */
function tableStreamFor(topic: string, table: Table | undefined) {
  const stream = { ...streamFor(topic), json_schema: debeziumDocumentSchema(table?.value) };
  const primaryKey = table?.primaryKey ?? [];
  return primaryKey.length > 0 ? { ...stream, source_defined_primary_key: primaryKey.map((c) => [c]) } : stream;
}

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

/** The value schema of each topic it can tell; in Debezium mode, `tables` gets each topic's row and key instead. */
async function valueSchemas(
  client: KafkaClient,
  config: Config,
  topics: string[],
  status: Status,
  tables: Map<string, Table>,
): Promise<Map<string, JsonSchema>> {
  const debezium = config.value_envelope === "debezium";
  const found = new Map<string, JsonSchema>();
  const registry = config.schema_registry
    ? new RegistryClient(config.schema_registry, config.connect_timeout_ms)
    : undefined;
  const toSample: string[] = [];
  // Values read as JSON, text or bytes are not what their registered schema describes.
  const subjects =
    registry && (config.value_format === "auto" || config.value_format === "schema_registry") ? registry : undefined;
  for (const topic of topics) {
    if (subjects) status.step(`looking up ${topic}-value in the schema registry`);
    const registered = await subjects?.latest(`${topic}-value`);
    if (!subjects || !registered) {
      toSample.push(topic);
      continue;
    }
    const id = `${registered.id} (subject ${topic}-value)`;
    const references = await resolveReferences(subjects, registered, `schema id ${id}`);
    const value = compileSchema(registered, id, references).jsonSchema();
    found.set(topic, value);
    if (debezium) tables.set(topic, { value: rowOfEnvelope(value), primaryKey: await registeredKey(subjects, topic) });
  }
  if (toSample.length === 0) return found;
  status.step(`reading metadata of ${toSample.length} ${toSample.length === 1 ? "topic" : "topics"}`);
  const infos = await client.describeTopics(toSample);
  const decode = decodeOptions(
    config,
    toSample.map((name) => ({ name })),
  );
  const schemas = registry ? new SchemaCache(registry) : undefined;
  const limits = { perPartition: samplePerPartition, deadline: Date.now() + sampleBudgetMs };
  for (const [index, topic] of toSample.entries()) {
    const info = infos.get(topic);
    if (!info) {
      protocolLog(
        "WARN",
        `discover: cannot sample ${topic}: the cluster's metadata no longer lists it; its stream describes _meta only`,
      );
      continue;
    }
    status.step(`sampling ${topic} to infer its schema (${index + 1} of ${toSample.length})`);
    if (Date.now() >= limits.deadline) {
      protocolLog(
        "WARN",
        `discover: no time left to sample ${topic} and the topics after it; their streams describe _meta only`,
      );
      break;
    }
    try {
      const sample = await sampleDocuments(client, info, decode, schemas, limits);
      if (debezium) tables.set(topic, fromSample(sample));
      else if (sample.values.length > 0) found.set(topic, inferJsonSchema(sample.values));
      const reason = sampleProblem(sample, limits.perPartition);
      if (reason)
        protocolLog(
          "WARN",
          `discover: ${sample.values.length > 0 ? "sampled only part of" : "cannot sample values of"} ${topic} (${reason}); ${sample.values.length > 0 ? "its schema may lack fields" : "its stream describes _meta only"}`,
        );
    } catch (error) {
      // Refused registry credentials are the user's to fix; anything else only costs this topic its sample.
      if (error instanceof ConfigError) throw error;
      protocolLog("WARN", `discover: cannot sample ${topic}, its stream describes _meta only: ${oneLine(error)}`);
    }
  }
  return found;
}

/** The columns of the key schema registered for a topic (`<topic>-key`): Debezium's key is the row's primary key. */
async function registeredKey(registry: RegistryClient, topic: string): Promise<string[]> {
  const registered = await registry.latest(`${topic}-key`);
  if (!registered) return [];
  const id = `${registered.id} (subject ${topic}-key)`;
  const references = await resolveReferences(registry, registered, `schema id ${id}`);
  return keyColumns(compileSchema(registered, id, references).jsonSchema());
}
