/**
 * Every Kafka a user runs: the core of a read — exact records and checkpoints, the four codecs,
 * resuming from state, read_committed transactions, SASL/SCRAM — plus check and discover, against
 * real brokers of several versions, each started from Maven Central's jars by the harness.
 *
 * Which brokers: $COMPAT_BROKERS, a comma-separated list of VERSION or VERSION/MODE (kraft,
 * zookeeper). `npm test` runs the oldest supported release in ZooKeeper mode (started here and
 * stopped after) and the suite's own broker; `npm run test:compat` runs the whole matrix
 * (scripts/compat.ts). A broker that is already running (the suite's) is used and left running.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { brokerSpec, down, running, up, type BrokerSpec, type Cluster } from "../../harness/kafka.ts";
import { atLeast, describeSpec } from "../../harness/versions.ts";
import { batches, codecIds } from "../support/batches.ts";
import {
  catalog,
  expectSuccess,
  jsonFile,
  records,
  run,
  states,
  uniqueTopic,
  type Run,
  type Runner,
} from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";
import { transactionalProducer } from "../support/transactions.ts";

const specs: BrokerSpec[] = (process.env.COMPAT_BROKERS ?? "2.8.2,4.1.1").split(",").map((entry) => {
  const [version, mode] = entry.trim().split("/");
  return brokerSpec(version, mode);
});

/** The shipped executable: what users run (npm test and test:compat build it first). */
const runner: Runner = (process.env.SOURCE_KAFKA_RUNNERS?.split(",")[0] as Runner | undefined) ?? "binary";
const codecs = ["gzip", "snappy", "lz4", "zstd"] as const;

describe.each(specs.map((spec) => [describeSpec(spec), spec] as const))("Kafka %s", (_name, spec) => {
  let cluster: Cluster;
  let started = false;
  let config: { bootstrap_servers: string };

  beforeAll(async () => {
    const existing = await running(spec);
    started = !existing;
    cluster = existing ?? (await up({}, spec));
    config = { bootstrap_servers: cluster.bootstrap };
  }, 180_000);

  afterAll(async () => {
    if (started) await down(spec);
  }, 60_000);

  const read = (topic: string, options: { state?: Run; config?: object } = {}) =>
    run(runner, [
      "read",
      "--config",
      jsonFile("config.json", options.config ?? config),
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
      ...(options.state
        ? [
            "--state",
            jsonFile(
              "state.json",
              states(options.state).map((s) => ({ type: "STATE", state: s })),
            ),
          ]
        : []),
    ]);
  /** (partition, offset, value) of each record, in the order emitted per partition. */
  const emitted = (result: Run) =>
    records(result)
      .map((r) => [r.data._meta.partition, r.data._meta.offset, r.data.n ?? r.data.value] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const finalOffsets = (result: Run) => states(result).at(-1).stream.stream_state.partitions;
  /** n records per partition over `partitions`, values {"n": i} in partition p's order. */
  const messages = (partitions: number, perPartition: number, first = 0) =>
    Array.from({ length: partitions * perPartition }, (_, i) => ({
      partition: i % partitions,
      key: `k-${first + i}`,
      value: JSON.stringify({ n: first + i }),
    }));
  const expected = (partitions: number, perPartition: number, first = 0, firstOffset = 0) =>
    messages(partitions, perPartition, first)
      .map((m, i) => [m.partition, firstOffset + Math.floor(i / partitions), first + i] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  test("check succeeds, discover samples values, and a read emits the exact records and checkpoints of 4 partitions", async () => {
    // Named for the ACL tests' principal, who sees only such topics: discover then samples a few
    // topics, not every topic the suite's broker holds.
    const topic = uniqueTopic(`${cluster.acls.topicPrefix}compat`);
    await createTopic(cluster.bootstrap, topic, 4);
    await produce(cluster.bootstrap, topic, messages(4, 25));
    const listener = cluster.listeners.SASL_PLAINTEXT!;
    const reader = {
      bootstrap_servers: listener.address,
      sasl: { mechanism: "SCRAM-SHA-256", username: "reader", password: listener.users!.reader },
    };

    const check = await run(runner, ["check", "--config", jsonFile("config.json", reader)]);
    const status = check.messages.find((m) => m.type === "CONNECTION_STATUS")!.connectionStatus;
    expect(status).toMatchObject({ status: "SUCCEEDED" });
    // Kafka before 3.1 is read with Fetch v12, which names topics: the path this matrix exists to prove.
    const fetchVersion = Number(/\(Fetch v(\d+)\)$/.exec(status.message)?.[1]);
    expect(fetchVersion < 13).toBe(!atLeast(spec.version, 3, 1));
    console.log(`Kafka ${describeSpec(spec)}: ${status.message}`);

    const discover = await run(runner, ["discover", "--config", jsonFile("config.json", reader)]);
    expectSuccess(discover);
    const stream = discover.messages
      .find((m) => m.type === "CATALOG")!
      .catalog.streams.find((s: { name: string }) => s.name === topic);
    expect(stream.json_schema.properties.n).toEqual({ type: "integer" });
    expect(discover.messages.filter((m) => m.type === "LOG" && m.log.message.includes(topic))).toEqual([]);

    const result = await read(topic);
    expectSuccess(result);
    expect(emitted(result)).toEqual(expected(4, 25));
    expect(records(result)[0].data._meta).toMatchObject({ topic, key: expect.stringMatching(/^k-\d+$/), op: "c" });
    expect(finalOffsets(result)).toEqual({
      0: { offset: 25 },
      1: { offset: 25 },
      2: { offset: 25 },
      3: { offset: 25 },
    });
  });

  test("resumes from its STATE with exactly the records written since", async () => {
    const topic = uniqueTopic("compat-resume");
    await createTopic(cluster.bootstrap, topic, 2);
    await produce(cluster.bootstrap, topic, messages(2, 5));
    const first = await read(topic);
    expectSuccess(first);
    expect(emitted(first)).toEqual(expected(2, 5));

    await produce(cluster.bootstrap, topic, messages(2, 3, 10));
    const second = await read(topic, { state: first });
    expectSuccess(second);
    expect(emitted(second)).toEqual(expected(2, 3, 10, 5));
    expect(finalOffsets(second)).toEqual({ 0: { offset: 8 }, 1: { offset: 8 } });
  });

  test.each(codecs)("%s batches, compressed by the broker itself, decode to the exact records", async (codec) => {
    // The topic's compression.type makes the broker of this version recompress what it stores.
    const topic = uniqueTopic(`compat-${codec}`);
    await createTopic(cluster.bootstrap, topic, 1, { configs: { "compression.type": codec } });
    await produce(cluster.bootstrap, topic, messages(1, 30));
    const stored = await batches(cluster.bootstrap, topic, 0);
    expect(stored.map((b) => b.codec)).toEqual(stored.map(() => codecIds[codec]));

    const result = await read(topic);
    expectSuccess(result);
    expect(emitted(result)).toEqual(expected(1, 30));
    expect(finalOffsets(result)).toEqual({ 0: { offset: 30 } });
  });

  test("read_committed: aborted records and markers are skipped, the STATE ends past the last marker", async () => {
    const topic = uniqueTopic("compat-transactions");
    await createTopic(cluster.bootstrap, topic, 1);
    const tx = await transactionalProducer(cluster.bootstrap, topic);
    try {
      await produce(cluster.bootstrap, topic, [{ partition: 0, value: "n1" }]); // 0
      await tx.begin(0, ["a1", "a2"]); //                                          1, 2
      await tx.abort(); //                                                         3: ABORT
      await tx.begin(0, ["c1"]); //                                                4
      await tx.commit(); //                                                        5: COMMIT
    } finally {
      await tx.close();
    }
    const result = await read(topic);
    expectSuccess(result);
    expect(emitted(result)).toEqual([
      [0, 0, "n1"],
      [0, 4, "c1"],
    ]);
    expect(finalOffsets(result)).toEqual({ 0: { offset: 6 } });
  });

  test("reads through SASL/SCRAM-SHA-512", async () => {
    const topic = uniqueTopic("compat-scram");
    await createTopic(cluster.bootstrap, topic, 2);
    await produce(cluster.bootstrap, topic, messages(2, 4));
    const listener = cluster.listeners.SASL_PLAINTEXT!;
    const result = await read(topic, {
      config: {
        bootstrap_servers: listener.address,
        sasl: { mechanism: "SCRAM-SHA-512", username: "alice", password: listener.users!.alice },
      },
    });
    expectSuccess(result);
    expect(emitted(result)).toEqual(expected(2, 4));
  });
});
