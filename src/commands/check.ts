/**
 * `check`: can the connector read the cluster with this config? It lists the topics, then does
 * what a read does on one partition of a readable topic — metadata, offsets, a fetch — so that it
 * cannot pass where a read fails (a broker that answers the fetch with an error, a principal
 * without Read). The answer is a CONNECTION_STATUS either way (as Airbyte's own connectors do),
 * naming what failed.
 */
import { loadConfig } from "../config/load.ts";
import { ConfigError, oneLine } from "../errors.ts";
import { KafkaClient, transientPartitionErrors } from "../kafka/client.ts";
import { connectionStatusMessage } from "../protocol/messages.ts";
import { emit } from "../protocol/output.ts";
import { openStatus } from "../terminal/status.ts";

export async function check(configPath: string, options: { quiet?: boolean } = {}): Promise<void> {
  let message: string | undefined;
  const status = openStatus(options);
  try {
    const config = loadConfig(configPath);
    const client = new KafkaClient(config);
    try {
      const deadline = config.connect_timeout_ms * 3 + 5000;
      status.step(`connecting to ${config.bootstrap_servers} and listing topics`);
      const topics = await withDeadline(
        client.topicNames(false),
        deadline,
        `no answer from ${config.bootstrap_servers} within ${deadline} ms`,
      );
      status.step(`asking ${config.bootstrap_servers} which API versions it speaks`);
      const version = await withDeadline(
        client.ensureReadable(),
        deadline,
        `no answer from ${config.bootstrap_servers} within ${deadline} ms`,
      );
      status.step(`fetching one partition of a readable topic, as a read would`);
      const read = await withDeadline(
        readOnePartition(client, topics),
        deadline,
        `no answer to a fetch from ${config.bootstrap_servers} within ${deadline} ms`,
      );
      // The Fetch version tells support which path a read takes (topic names before v13, ids after).
      message = `connected to ${config.bootstrap_servers}; ${topics.length} topics visible; ${read} (Fetch v${version})`;
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

/** Topics tried, in name order, when the principal may not Read the first ones. */
const maxTopicsTried = 10;
const tries = 3;

/**
 * Fetches the first partition (with a leader) of the first topic the principal may Read, from its
 * earliest offset, as a read would: what it read, or a ConfigError naming the topic, partition
 * and what the broker answered.
 */
async function readOnePartition(client: KafkaClient, topics: string[]): Promise<string> {
  const denied: string[] = [];
  for (const name of topics.slice(0, maxTopicsTried)) {
    const topic = (await client.describeTopics([name])).get(name);
    const partition = topic?.partitions.find((p) => p.leader >= 0);
    if (!topic || !partition) continue;
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
    if (error === null) return `fetched ${where}`;
    if (error === "TOPIC_AUTHORIZATION_FAILED") {
      denied.push(name);
      continue;
    }
    const odd =
      error === "UNKNOWN_TOPIC_OR_PARTITION" || error === "UNKNOWN_TOPIC_ID"
        ? ", though the cluster's metadata lists it"
        : "";
    throw new ConfigError(
      `a fetch of ${where} from broker ${partition.leader} failed with ${error}${odd}: a read would fail the same way`,
    );
  }
  if (denied.length > 0) {
    throw new ConfigError(
      `authorisation step: Kafka denied Read on ${denied.join(", ")} (TOPIC_AUTHORIZATION_FAILED): a read of them would fail`,
    );
  }
  return "no topic to fetch from";
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
