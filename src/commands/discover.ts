/**
 * `discover`: one stream per topic, with `_meta` described exactly and the value's fields too:
 * from the schema registered for the topic's values (subject `<topic>-value`), else inferred from
 * a bounded sample of each topic's recent messages.
 */
import { loadConfig } from "../config/load.ts";
import { ConfigError, oneLine } from "../errors.ts";
import type { Config } from "../config/schema.ts";
import { metaJsonSchema } from "../decode/document.ts";
import { KafkaClient } from "../kafka/client.ts";
import { protocolLog } from "../log.ts";
import { catalogMessage } from "../protocol/messages.ts";
import { emit } from "../protocol/output.ts";
import { RegistryClient } from "../registry/client.ts";
import { compileSchema, type JsonSchema } from "../registry/compile.ts";
import { resolveReferences } from "../registry/references.ts";
import { SchemaCache } from "../registry/schemas.ts";
import { documentJsonSchema } from "../schema/document.ts";
import { inferJsonSchema } from "../schema/infer.ts";
import { sampleDocuments, type Sample } from "../schema/sample.ts";

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

export function streamFor(topic: string, value?: JsonSchema) {
  return {
    name: topic,
    json_schema: documentJsonSchema(value, metaJsonSchema),
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
    const schemas = await valueSchemas(client, config, topics);
    await emit(catalogMessage(topics.map((topic) => streamFor(topic, schemas.get(topic)))));
  } finally {
    await client.close();
  }
}

async function valueSchemas(client: KafkaClient, config: Config, topics: string[]): Promise<Map<string, JsonSchema>> {
  const found = new Map<string, JsonSchema>();
  const registry = config.schema_registry ? new RegistryClient(config.schema_registry, config.connect_timeout_ms) : undefined;
  const toSample: string[] = [];
  // Values read as JSON, text or bytes are not what their registered schema describes.
  const subjects = registry && (config.value_format === "auto" || config.value_format === "schema_registry") ? registry : undefined;
  for (const topic of topics) {
    const registered = await subjects?.latest(`${topic}-value`);
    if (!registered) {
      toSample.push(topic);
      continue;
    }
    const id = `${registered.id} (subject ${topic}-value)`;
    const references = await resolveReferences(subjects!, registered, `schema id ${id}`);
    found.set(topic, compileSchema(registered, id, references).jsonSchema());
  }
  if (toSample.length === 0) return found;
  const infos = await client.describeTopics(toSample);
  const decode = { keyFormat: config.key_format, valueFormat: config.value_format, onDecodeError: config.on_decode_error };
  const schemas = registry ? new SchemaCache(registry) : undefined;
  const limits = { perPartition: samplePerPartition, deadline: Date.now() + sampleBudgetMs };
  for (const topic of toSample) {
    const info = infos.get(topic);
    if (!info) {
      protocolLog("WARN", `discover: cannot sample ${topic}: the cluster's metadata no longer lists it; its stream describes _meta only`);
      continue;
    }
    if (Date.now() >= limits.deadline) {
      protocolLog("WARN", `discover: no time left to sample ${topic} and the topics after it; their streams describe _meta only`);
      break;
    }
    try {
      const sample = await sampleDocuments(client, info, decode, schemas, limits);
      if (sample.values.length > 0) found.set(topic, inferJsonSchema(sample.values));
      const reason = sampleProblem(sample, limits.perPartition);
      if (reason) protocolLog("WARN", `discover: ${sample.values.length > 0 ? "sampled only part of" : "cannot sample values of"} ${topic} (${reason}); ${sample.values.length > 0 ? "its schema may lack fields" : "its stream describes _meta only"}`);
    } catch (error) {
      // Refused registry credentials are the user's to fix; anything else only costs this topic its sample.
      if (error instanceof ConfigError) throw error;
      protocolLog("WARN", `discover: cannot sample ${topic}, its stream describes _meta only: ${oneLine(error)}`);
    }
  }
  return found;
}
