/**
 * What discover can tell of each topic's values: the schema registered for them (subject
 * `<topic>-value`), else one inferred from a bounded sample of the topic's recent messages; with
 * `value_envelope: debezium`, the captured table's row and key instead (debezium.ts). A sample that
 * fails costs its own topic its value schema, never another topic's.
 */
import type { Config } from "../config/config.ts";
import { decodeOptions } from "../decode/options.ts";
import { ConfigError, oneLine } from "../errors.ts";
import type { JsonSchema } from "../json-schema/json-schema.ts";
import { inferJsonSchema } from "../json-schema/infer.ts";
import type { KafkaClient } from "../kafka/client.ts";
import { protocolLog } from "../log.ts";
import { RegistryClient } from "../registry/client.ts";
import { compileRegistered, SchemaCache } from "../registry/schemas.ts";
import type { Status } from "../terminal/status.ts";
import { fromSample, keyColumns, rowOfEnvelope, type Table } from "./debezium.ts";
import { type Sample, sampleDocuments } from "./sample.ts";

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

/** The value schema of each topic it can tell; in Debezium mode, `tables` gets each topic's row and key instead. */
export async function valueSchemas(
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
    const value = (
      await compileRegistered(subjects, registered, `${registered.id} (subject ${topic}-value)`)
    ).jsonSchema();
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
  return keyColumns(
    (await compileRegistered(registry, registered, `${registered.id} (subject ${topic}-key)`)).jsonSchema(),
  );
}
