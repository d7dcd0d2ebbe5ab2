/**
 * The Kafka client the rest of the connector uses: metadata, offsets and fetches. Only src/kafka/
 * imports the client library, so that the choice of library (docs/decisions/0001-kafka-client.md)
 * can change behind this interface; errors are put in the user's words by classify.ts.
 *
 * The read path never joins a consumer group and never commits offsets: it asks for metadata,
 * lists offsets and fetches chosen partitions from chosen offsets, which needs only Describe and
 * Read on the topics.
 */
import { Admin, ajv, Consumer, NetworkError } from "@platformatic/kafka";
import { brokersOf } from "../config/bootstrap.ts";
import { ConfigError, TransientError, listNames } from "../errors.ts";
import { classify, describe } from "./classify.ts";
import { FetchConnection } from "./fetch-connection.ts";
import {
  BrokerTooOldError,
  fetchRequestBody,
  fetchVersion,
  firstFetchVersionWithTopicIds,
  parseFetchResponse,
  type FetchTopic,
  type RawFetchResponse,
} from "./fetch-response.ts";
import { requestMetadata } from "./metadata.ts";
import { CorruptBatchError } from "./record-batches.ts";
import { toFetchedPartition, type FetchedPartition } from "./records.ts";
import { errorName } from "./error-codes.ts";
import { trustValidatorsOf } from "./lazy-validators.ts";
import { connectionSecurity, type ConnectionSettings } from "./security.ts";
import { TlsAlerts } from "./tls-alerts.ts";

export type { ConnectionSettings } from "./security.ts";

// The library runs one of its option validators for every consumer, strict or not: its group
// options, of which ours are its defaults and a group id made from a client_id that config/
// already checked (tests/unit/lazy-validators.test.ts holds them to the library's schema).
// Compiling it took ~60 ms of every start (docs/decisions/0010): it is trusted instead, in every
// thread, as lazy-validators.ts allows.
trustValidatorsOf(ajv);

/** The consumer group id the library requires of a consumer; no group is ever joined or written to. */
export const groupIdOf = (clientId: string) => `${clientId}-no-group`;

export type PartitionInfo = { partition: number; leader: number; leaderEpoch: number };
/**
 * `id` is the topic's id where the cluster gives topics ids (Kafka 2.8+), else its name: a topic
 * deleted and created again under its name is then not told apart.
 */
export type TopicInfo = { name: string; id: string; partitions: PartitionInfo[] };

export type FetchRequest = {
  node: number;
  /** `topic` is the name: Fetch before v13 (Kafka 3.0 and older) names topics instead of giving their ids. */
  partitions: { topic: string; topicId: string; partition: number; offset: number; leaderEpoch: number }[];
  maxWaitMs: number;
  maxBytes: number;
  partitionMaxBytes: number;
};

/**
 * A fetch response the client could not read, though the broker sent it: a record batch that does
 * not decompress or parse, i.e. corrupt data in the log. Retrying the same fetch cannot help.
 */
export class UnreadableResponseError extends Error {
  override name = "UnreadableResponseError";
}

/** The id a broker without topic ids (Metadata before v10, Kafka 2.7) or a topic without one reports. */
const noTopicId = "00000000-0000-0000-0000-000000000000";

const earliest = -2n;
const latest = -1n;
const readCommitted = 1;
const unknownTopicOrPartition = 3;
const invalidTopic = 17;
const topicAuthorizationFailed = 29;

/**
 * What a client learnt of the cluster that another client of the same settings can start from:
 * the Fetch version to send and where each broker is. A read worker gets its main thread's, so
 * that its first fetch needs no request to ask them again.
 */
export type KnownCluster = { fetchVersion: number; brokers: [node: number, host: string, port: number][] };

/** One partition's offset from `offsetsOf`'s answer; one it lacks was not listed by Kafka (a transient error). */
export function offsetAt(offsets: Map<string, Map<number, number>>, topic: string, partition: number): number {
  const offset = offsets.get(topic)?.get(partition);
  if (offset === undefined) throw new TransientError(`Kafka did not list offsets of ${topic} partition ${partition}`);
  return offset;
}

export class KafkaClient {
  readonly #consumer: Consumer;
  readonly #settings: ConnectionSettings;
  readonly #tlsAlerts = new TlsAlerts();
  /** One connection per broker for fetches (fetch-connection.ts), opened on first use. */
  readonly #fetchConnections = new Map<number, Promise<FetchConnection>>();
  /** Brokers' host and port by node id, from the last metadata read. */
  #addresses = new Map<number, { host: string; port: number }>();
  /** client_rack, sent in every fetch; "" for none. */
  readonly #rack: string;
  /** The Fetch version, when another client of these settings already asked (`known`). */
  readonly #knownFetchVersion: number | undefined;
  /**
   * TLS and SASL options, made once: every connection of this client shares them, and so one
   * OIDC token provider (which fetches a token and refreshes it before it expires).
   */
  readonly #security: object;

  /**
   * `rack`: the client's rack (client_rack), named in every fetch (Fetch v11+). A leader in a
   * cluster with a rack-aware replica selector may then answer a fetch with no records and a
   * `preferredReadReplica` to read from instead (KIP-392): only a caller that follows it (the read
   * workers) gives a rack. `known`: what another client of these settings already learnt of the
   * cluster (`knownCluster`), so that this one need not ask again.
   */
  constructor(settings: ConnectionSettings, { rack, known }: { rack?: string; known?: KnownCluster } = {}) {
    this.#settings = settings;
    this.#security = connectionSecurity(settings);
    this.#rack = rack ?? "";
    this.#knownFetchVersion = known?.fetchVersion;
    for (const [node, host, port] of known?.brokers ?? []) this.#addresses.set(node, { host, port });
    this.#consumer = new Consumer({
      ...this.#options(),
      groupId: groupIdOf(settings.client_id),
      timeout: Math.max(30_000, settings.connect_timeout_ms),
      isolationLevel: readCommitted,
    });
    this.#tlsAlerts.watch(this.#consumer);
  }

  /** What every library client of this one is made with: the connection settings and the retries. */
  #options() {
    return {
      clientId: this.#settings.client_id,
      bootstrapBrokers: brokersOf(this.#settings.bootstrap_servers),
      connectTimeout: this.#settings.connect_timeout_ms,
      retries: 3,
      retryDelay: 250,
      // The library's default too; said here because a read must never create a topic it asks about.
      autocreateTopics: false,
      ...this.#security,
    };
  }

  /** Topic names in the cluster, internal (`__*`) topics left out unless asked for. */
  async topicNames(includeInternal: boolean): Promise<string[]> {
    const admin = new Admin(this.#options());
    this.#tlsAlerts.watch(admin);
    try {
      const names = await this.#call("list topics", () => admin.listTopics({ includeInternals: includeInternal }));
      return names.filter((name) => includeInternal || !name.startsWith("__")).sort();
    } finally {
      await admin.close().catch(() => {});
    }
  }

  /**
   * Metadata of the named topics, in one request however many there are; a topic that does not
   * exist is absent from the result (and is never created by asking).
   */
  async describeTopics(names: string[]): Promise<Map<string, TopicInfo>> {
    const found = new Map<string, TopicInfo>();
    if (names.length === 0) return found;
    const metadata = await this.#call("read metadata", () => requestMetadata(this.#consumer, names));
    const denied: string[] = [];
    for (const topic of metadata.topics) {
      // A name Kafka does not allow (a space, a slash) names no topic either: no retry will find one.
      if (topic.errorCode === unknownTopicOrPartition || topic.errorCode === invalidTopic) continue;
      if (topic.errorCode === topicAuthorizationFailed) {
        denied.push(topic.name);
        continue;
      }
      if (topic.errorCode !== 0)
        throw new TransientError(
          `cannot read metadata of topic ${topic.name}: Kafka answered ${errorName(topic.errorCode)}`,
        );
      const leaderless = topic.partitions.find((p) => p.errorCode !== 0 && p.leaderId < 0);
      if (leaderless) {
        throw new TransientError(
          `cannot read metadata of ${topic.name} partition ${leaderless.partitionIndex}: Kafka answered ${errorName(leaderless.errorCode)}`,
        );
      }
      const partitions = [...topic.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex);
      found.set(topic.name, {
        name: topic.name,
        // Brokers before Kafka 2.8 have no topic ids: a topic is known by its name there.
        id: topic.topicId && topic.topicId !== noTopicId ? topic.topicId : topic.name,
        partitions: partitions.map((p) => ({
          partition: p.partitionIndex,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
        })),
      });
    }
    if (denied.length > 0) {
      throw new ConfigError(
        `authorisation step: Kafka denied Describe on ${denied.length === 1 ? "topic" : `${denied.length} topics`} ${listNames(denied)} (TOPIC_AUTHORIZATION_FAILED)`,
      );
    }
    return found;
  }

  /** Brokers' addresses by node id, from the last metadata read. */
  async brokers(): Promise<Map<number, string>> {
    const metadata = await this.#call("read metadata", () => this.#consumer.metadata({ topics: [] }));
    return new Map([...metadata.brokers].map(([id, b]) => [id, `${b.host}:${b.port}`]));
  }

  /**
   * Offsets of `partitions` of `topic`: the first kept, the end (last stable offset), or the first
   * at or after a timestamp (ms) — the end when no message is that recent.
   */
  async offsets(topic: string, partitions: number[], at: "earliest" | "latest" | number): Promise<Map<number, number>> {
    return (await this.offsetsOf(new Map([[topic, partitions]]), at)).get(topic) ?? new Map();
  }

  /**
   * `offsets` for many topics at once: one ListOffsets request per leader, however many topics a
   * catalog names. `wanted` maps a topic to its partitions (none: the topic is left out).
   */
  async offsetsOf(
    wanted: Map<string, number[]>,
    at: "earliest" | "latest" | number,
  ): Promise<Map<string, Map<number, number>>> {
    const asked = [...wanted].filter(([, partitions]) => partitions.length > 0);
    const result = new Map<string, Map<number, number>>();
    if (asked.length === 0) return result;
    const timestamp = at === "earliest" ? earliest : at === "latest" ? latest : BigInt(at);
    const what = asked.length === 1 ? `list offsets of ${asked[0]?.[0]}` : `list offsets of ${asked.length} topics`;
    const listed = await this.#call(what, () =>
      this.#consumer.listOffsets({
        topics: asked.map(([topic]) => topic),
        partitions: Object.fromEntries(asked),
        timestamp,
        isolationLevel: readCommitted,
      }),
    );
    const ends = typeof at === "number" ? await this.offsetsOf(wanted, "latest") : undefined;
    for (const [topic, partitions] of asked) {
      const byPartition = listed.get(topic) ?? [];
      const offsets = new Map<number, number>();
      for (const partition of partitions) {
        const offset = byPartition[partition];
        if (offset === undefined)
          throw new TransientError(`Kafka did not list offsets of ${topic} partition ${partition}`);
        // No message at or after the timestamp: the partition's end.
        offsets.set(partition, offset < 0n && ends ? offsetAt(ends, topic, partition) : Number(offset));
      }
      result.set(topic, offsets);
    }
    return result;
  }

  /** What this client knows of the cluster, for a client of the same settings to start from. */
  async knownCluster(): Promise<KnownCluster> {
    const fetchVersion = await this.fetchVersion();
    const metadata = await this.#call("read metadata", () => this.#consumer.metadata({ topics: [] }));
    return { fetchVersion, brokers: [...metadata.brokers].map(([node, b]) => [node, b.host, b.port]) };
  }

  /**
   * The Fetch version the brokers will be read with; fails with a config error naming the
   * versions when they are too old to be read (before Kafka 2.7).
   */
  async fetchVersion(): Promise<number> {
    if (this.#knownFetchVersion !== undefined) return this.#knownFetchVersion;
    try {
      return await fetchVersion(this.#consumer);
    } catch (error) {
      if (error instanceof BrokerTooOldError) throw new ConfigError(error.message);
      throw classify(error, "read the broker's API versions", this.#tlsAlerts.recent());
    }
  }

  /**
   * One fetch from one broker; partition-level errors come back in the result, not as throws.
   * The records' keys, values and headers are views into the connection's receive buffer: they
   * stay valid until the next fetch from the same broker (fetch-connection.ts).
   */
  async fetch(request: FetchRequest): Promise<FetchedPartition[]> {
    const version = await this.fetchVersion();
    // Before v13 the broker knows topics by name only: send names, and map the names it answers
    // with back to the ids the caller asked for.
    const byName = version < firstFetchVersionWithTopicIds;
    const idOf = new Map<string, string>();
    const topics = new Map<string, FetchTopic>();
    for (const p of request.partitions) {
      const key = byName ? p.topic : p.topicId;
      idOf.set(key, p.topicId);
      const entry = topics.get(key) ?? { topicId: key, partitions: [] };
      entry.partitions.push({
        partition: p.partition,
        fetchOffset: BigInt(p.offset),
        currentLeaderEpoch: p.leaderEpoch,
        lastFetchedEpoch: -1,
        partitionMaxBytes: request.partitionMaxBytes,
      });
      topics.set(key, entry);
    }
    const body = fetchRequestBody(version, [...topics.values()], request, this.#rack);
    let bytes: Uint8Array;
    try {
      const connection = await this.#fetchConnection(request.node);
      bytes = await connection.fetch(version, body, request.maxWaitMs);
    } catch (error) {
      throw classify(error, `fetch from broker ${request.node}`, this.#tlsAlerts.recent());
    }
    let response: RawFetchResponse;
    try {
      response = parseFetchResponse(version, bytes);
    } catch (error) {
      throw new UnreadableResponseError(
        `the fetch response of broker ${request.node} does not parse (${describe(error)})`,
      );
    }
    if (response.errorCode !== 0)
      throw new TransientError(
        `cannot fetch from broker ${request.node}: Kafka answered ${errorName(response.errorCode)}`,
      );
    try {
      return response.responses.flatMap((topic) =>
        topic.partitions.map((p) => toFetchedPartition(idOf.get(topic.topicId) ?? topic.topicId, p)),
      );
    } catch (error) {
      if (error instanceof CorruptBatchError) throw new UnreadableResponseError(error.message);
      throw new UnreadableResponseError(describe(error));
    }
  }

  /** The fetch connection to `node`, opened (and its address looked up) when there is none that works. */
  async #fetchConnection(node: number): Promise<FetchConnection> {
    const current = this.#fetchConnections.get(node);
    if (current) {
      const connection = await current.catch(() => null);
      if (connection?.usable) return connection;
      if (this.#fetchConnections.get(node) === current) this.#fetchConnections.delete(node);
    }
    const opening = this.#openFetchConnection(node);
    this.#fetchConnections.set(node, opening);
    return await opening;
  }

  async #openFetchConnection(node: number): Promise<FetchConnection> {
    let address = this.#addresses.get(node);
    if (!address) {
      // A node not seen yet (or since a restart moved it): ask the cluster where it is.
      const metadata = await this.#consumer.metadata({ topics: [], forceUpdate: this.#addresses.size > 0 });
      this.#addresses = new Map([...metadata.brokers].map(([id, b]) => [id, { host: b.host, port: b.port }]));
      address = this.#addresses.get(node);
      if (!address) throw new NetworkError(`Broker ${node} is not in the cluster's metadata`);
    }
    const timeoutMs = Math.max(30_000, this.#settings.connect_timeout_ms);
    try {
      return await FetchConnection.open(address.host, address.port, {
        clientId: this.#settings.client_id,
        connectTimeoutMs: this.#settings.connect_timeout_ms,
        requestTimeoutMs: timeoutMs,
        security: this.#security,
        watch: (connection) => this.#tlsAlerts.watchConnection(connection),
      });
    } catch (error) {
      // The broker may have moved: look its address up again next time.
      this.#addresses.delete(node);
      throw error;
    }
  }

  async close(): Promise<void> {
    const connections = [...this.#fetchConnections.values()];
    this.#fetchConnections.clear();
    await Promise.all(connections.map((opening) => opening.then((c) => c.close()).catch(() => {})));
    await this.#consumer.close(true).catch(() => {});
  }

  async #call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw classify(error, what, this.#tlsAlerts.recent());
    }
  }
}

export type { FetchedBatch, FetchedPartition, FetchedRecord } from "./records.ts";
export { partitionRecords } from "./records.ts";
export { transientPartitionErrors } from "./error-codes.ts";
