/**
 * `check`: can the connector read the cluster with this config? It obtains a token from the OIDC
 * token endpoint when one is configured, lists the topics, then does what a read does on one
 * partition of a readable topic — metadata, offsets, a fetch — and reads the schema registry's
 * subjects when one is configured, so that it cannot pass where a read fails (a broker that
 * answers the fetch with an error, a principal without Read, a registry that is not there or
 * refuses the credentials). The answer is a CONNECTION_STATUS either way (as Airbyte's own
 * connectors do), naming what failed.
 */
import { loadConfig } from "../config/load.ts";
import { ConfigError, oneLine } from "../errors.ts";
import type { Config } from "../config/config.ts";
import { narrows, selects, topicSelection } from "../config/topics.ts";
import { KafkaClient, transientPartitionErrors, type TopicInfo } from "../kafka/client.ts";
import { fetchToken } from "../kafka/oauth/client-credentials.ts";
import { clientCredentials } from "../kafka/security.ts";
import { RegistryClient } from "../registry/client.ts";
import { connectionStatusMessage } from "../protocol/messages.ts";
import { emit } from "../protocol/output.ts";
import { openStatus } from "../terminal/status.ts";

export async function check(configPath: string, options: { quiet?: boolean } = {}): Promise<void> {
  let message: string | undefined;
  const status = openStatus(options);
  try {
    const config = loadConfig(configPath);
    const deadline = config.connect_timeout_ms * 3 + 5000;
    const credentials = clientCredentials(config);
    if (credentials) {
      // Before Kafka, so that a refused secret is named as the token endpoint's answer.
      status.step(`obtaining a token from ${credentials.tokenEndpoint}`);
      await withDeadline(
        fetchToken(credentials),
        deadline,
        `no answer from the token endpoint ${credentials.tokenEndpoint} within ${deadline} ms`,
      );
    }
    const client = new KafkaClient(config);
    try {
      status.step(`connecting to ${config.bootstrap_servers} and listing topics`);
      const topics = await withDeadline(
        client.topicNames(config.include_internal_topics),
        deadline,
        `no answer from ${config.bootstrap_servers} within ${deadline} ms`,
      );
      status.step(`asking ${config.bootstrap_servers} which API versions it speaks`);
      const version = await withDeadline(
        client.fetchVersion(),
        deadline,
        `no answer from ${config.bootstrap_servers} within ${deadline} ms`,
      );
      status.step(`fetching one partition of a readable topic, as a read would`);
      const read = await withDeadline(
        readPartitions(client, config, topics),
        deadline,
        `no answer to a fetch from ${config.bootstrap_servers} within ${deadline} ms`,
      );
      // The Fetch version tells support which path a read takes (topic names before v13, ids after).
      message = `connected to ${config.bootstrap_servers}; ${topics.length} topics visible; ${read} (Fetch v${version})`;
      if (credentials) message = `obtained a token from ${credentials.tokenEndpoint}; ${message}`;
      if (config.schema_registry)
        message += `; ${await checkRegistry(config.schema_registry, config, deadline, status)}`;
    } finally {
      await client.close();
    }
  } catch (error) {
    status.end(`${status.style.red("✖")} ${oneLine(error)}`);
    await emit(connectionStatusMessage(false, oneLine(error)));
    return;
  }
  status.end(`${status.style.green("✔")} ${message}`);
  await emit(connectionStatusMessage(true, message));
}

/** Lists the registry's subjects, as a read's first schema lookup would reach it: with its URL and credentials. */
async function checkRegistry(
  settings: NonNullable<Config["schema_registry"]>,
  config: Config,
  deadline: number,
  status: ReturnType<typeof openStatus>,
): Promise<string> {
  status.step(`reading the subjects of the schema registry at ${settings.url}`);
  const subjects = await withDeadline(
    new RegistryClient(settings, config.connect_timeout_ms).subjects(),
    deadline,
    `no answer from the schema registry at ${settings.url} within ${deadline} ms`,
  );
  return `schema registry at ${settings.url} lists ${subjects.length} subjects`;
}

/** Topics tried, in name order, when the principal may not Read the first ones. */
const maxTopicsTried = 10;
const tries = 3;

/**
 * Without a topic selection: fetches the first partition (with a leader) of the first topic the
 * principal may Read, as a read would. With one: every selected topic must be described and read,
 * since a read of any of them would fail where they fail. What it read, or a ConfigError naming
 * the topic, partition and what the broker answered.
 */
async function readPartitions(client: KafkaClient, config: Config, visible: string[]): Promise<string> {
  if (!narrows(config)) return readOnePartition(client, visible);
  const selection = topicSelection(config);
  const seen = new Set(visible);
  const missing = selection.listed.find((name) => !seen.has(name) && !selection.excludes(name));
  if (missing !== undefined)
    throw new ConfigError(`topics: ${missing} is not in the cluster, or the principal may not Describe it`);
  const selected = visible.filter((name) => selects(selection, name));
  if (selected.length === 0)
    throw new ConfigError(
      `the topic selection (${selectionFields(config)}) matches none of the ${visible.length} topics the principal may Describe`,
    );
  const topics = await client.describeTopics(selected);
  const denied: string[] = [];
  for (const name of selected) {
    const topic = topics.get(name);
    if (!topic) throw new ConfigError(`topic ${name} was listed but its metadata is missing: it may have been deleted`);
    if ((await fetchFirstPartition(client, topic)) === "denied") denied.push(name);
  }
  if (denied.length > 0) throw deniedRead(denied);
  return `fetched one partition of each of the ${selected.length} selected topics`;
}

const selectionFields = (config: Config) =>
  (["topics", "topic_pattern", "topic_exclude_pattern"] as const).filter((f) => config[f] !== undefined).join(", ");

async function readOnePartition(client: KafkaClient, topics: string[]): Promise<string> {
  const denied: string[] = [];
  for (const name of topics.slice(0, maxTopicsTried)) {
    const topic = (await client.describeTopics([name])).get(name);
    if (!topic) continue;
    const outcome = await fetchFirstPartition(client, topic);
    if (outcome === "denied") denied.push(name);
    else if (outcome !== "no partition") return `fetched ${outcome}`;
  }
  if (denied.length > 0) throw deniedRead(denied);
  return "no topic to fetch from";
}

const deniedRead = (denied: string[]) =>
  new ConfigError(
    `authorisation step: Kafka denied Read on ${denied.join(", ")} (TOPIC_AUTHORIZATION_FAILED): a read of them would fail`,
  );

/**
 * Fetches the first partition with a leader of `topic` from its earliest offset: where it read
 * ("<topic> partition <p>"), "denied" without Read, "no partition" when none has a leader, or a
 * ConfigError for any other answer.
 */
async function fetchFirstPartition(client: KafkaClient, topic: TopicInfo): Promise<string> {
  const name = topic.name;
  const partition = topic.partitions.find((p) => p.leader >= 0);
  if (!partition) return "no partition";
  const where = `${name} partition ${partition.partition}`;
  let error: string | null = null;
  for (let attempt = 1; attempt <= tries; attempt++) {
    const offset = (await client.offsets(name, [partition.partition], "earliest")).get(partition.partition) ?? 0;
    const [result] = await client.fetch({
      node: partition.leader,
      partitions: [
        {
          topic: name,
          topicId: topic.id,
          partition: partition.partition,
          offset,
          leaderEpoch: partition.leaderEpoch,
        },
      ],
      maxWaitMs: 0,
      maxBytes: 64 << 10,
      partitionMaxBytes: 64 << 10,
    });
    // Retention may have moved the start since the offsets were listed: the partition was still served.
    error = result && result.error !== "OFFSET_OUT_OF_RANGE" ? result.error : null;
    if (error === null || !transientPartitionErrors.has(error)) break;
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
  if (error === null) return where;
  if (error === "TOPIC_AUTHORIZATION_FAILED") return "denied";
  const odd =
    error === "UNKNOWN_TOPIC_OR_PARTITION" || error === "UNKNOWN_TOPIC_ID"
      ? ", though the cluster's metadata lists it"
      : "";
  throw new ConfigError(
    `a fetch of ${where} from broker ${partition.leader} failed with ${error}${odd}: a read would fail the same way`,
  );
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
