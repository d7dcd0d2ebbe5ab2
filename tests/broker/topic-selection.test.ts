/**
 * Topic selection against the real broker's many topics: discover lists only the selection,
 * check describes and reads each selected topic (naming the one that fails), and read refuses a
 * catalog stream outside it; through the ACL principals of harness/security.ts too.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { running, type Cluster } from "../../harness/kafka.ts";
import {
  backtrackingPattern,
  backtrackingSelection,
  backtrackingTopicCount,
  createBacktrackingTopics,
  deleteBacktrackingTopics,
} from "../support/backtracking-topics.ts";
import { catalog, jsonFile, type Message, run, runners, traces, uniqueTopic } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";
import { closedPort } from "../support/net.ts";

let cluster: Cluster;
let prefix: string;
let acl: string;
const orders = (i: number) => `${prefix}-orders-${i}`;

beforeAll(async () => {
  const found = await running();
  if (!found?.listeners.SASL_PLAINTEXT) throw new Error("these tests need the harness broker's SASL listener");
  cluster = found;
  prefix = uniqueTopic("sel");
  acl = `${cluster.acls.topicPrefix}${prefix}`;
  const names = [
    ...Array.from({ length: 5 }, (_, i) => orders(i)),
    `${prefix}-orders-dlq`,
    `${prefix}-payments`,
    `${prefix}-audit`,
    `${acl}-a`,
    `${acl}-b`,
  ];
  for (const name of names) {
    await createTopic(cluster.bootstrap, name, 1);
    await produce(cluster.bootstrap, name, [{ partition: 0, value: `{"topic":"${name}"}` }]);
  }
});

const plain = (fields: Record<string, unknown>) =>
  jsonFile("config.json", { bootstrap_servers: cluster.bootstrap, ...fields });
const as = (user: "alice" | "reader" | "describer", fields: Record<string, unknown>) => {
  const listener = cluster.listeners.SASL_PLAINTEXT!;
  return jsonFile("config.json", {
    bootstrap_servers: listener.address,
    connect_timeout_ms: 2000,
    sasl: { mechanism: "SCRAM-SHA-256", username: user, password: listener.users![user] },
    ...fields,
  });
};

async function streams(config: string, runner = runners[0]!): Promise<{ names: string[]; warnings: string[] }> {
  const result = await run(runner, ["discover", "--config", config]);
  expect(result.code).toBe(0);
  const message = result.messages.find((m) => m.type === "CATALOG") as Message;
  return {
    names: message.catalog.streams.map((s: { name: string }) => s.name),
    warnings: result.messages.filter((m) => m.type === "LOG" && m.log.level === "WARN").map((m) => m.log.message),
  };
}

async function check(config: string, runner = runners[0]!): Promise<{ status: string; message: string }> {
  const result = await run(runner, ["check", "--config", config]);
  return result.messages.find((m) => m.type === "CONNECTION_STATUS")!.connectionStatus;
}

describe("topic selection", () => {
  // A function: the topics' names exist only once beforeAll has run.
  const selection = () => ({
    topics: [`${prefix}-payments`],
    topic_pattern: `${prefix}-orders-.*`,
    topic_exclude_pattern: ".*-dlq",
  });

  test("discover lists exactly the selected topics", async () => {
    const { names } = await streams(plain(selection()));
    expect(names).toEqual([0, 1, 2, 3, 4].map(orders).concat(`${prefix}-payments`));
  });

  test("check describes and reads every selected topic", async () => {
    expect(await check(plain(selection()))).toEqual({
      status: "SUCCEEDED",
      message: expect.stringContaining("fetched one partition of each of the 6 selected topics"),
    });
  });

  test("check names a listed topic the cluster does not have, and a pattern that matches nothing", async () => {
    expect(await check(plain({ topics: [`${prefix}-payments`, `${prefix}-nope`] }))).toEqual({
      status: "FAILED",
      message: `topics: ${prefix}-nope is not in the cluster, or the principal may not Describe it`,
    });
    const none = await check(plain({ topic_pattern: `${prefix}-nothing-.*` }));
    expect(none.status).toBe("FAILED");
    expect(none.message).toStartWith("the topic selection (topic_pattern) matches none of the ");
  });

  test("read refuses a catalog stream outside the selection before reaching the cluster", async () => {
    // No broker listens there: reaching for the cluster would fail as a transient error instead.
    const nowhere = `127.0.0.1:${await closedPort()}`;
    const result = await run("source", [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: nowhere, topic_pattern: `${prefix}-orders-.*` }),
      "--catalog",
      jsonFile("catalog.json", catalog([orders(0), `${prefix}-audit`])),
    ]);
    expect(result.code).not.toBe(0);
    expect(traces(result)[0].error).toMatchObject({
      failure_type: "config_error",
      message: `catalog: stream "${prefix}-audit" is outside the topics the config selects (topics, topic_pattern, topic_exclude_pattern, include_internal_topics)`,
    });
  });

  test("read of the selected topics reads them", async () => {
    const result = await run("source", [
      "read",
      "--config",
      plain(selection()),
      "--catalog",
      jsonFile("catalog.json", catalog([orders(3), `${prefix}-payments`])),
    ]);
    expect(result.code).toBe(0);
    const records = result.messages.filter((m) => m.type === "RECORD").map((m) => m.record.data.topic);
    expect(records.toSorted()).toEqual([orders(3), `${prefix}-payments`]);
  });
});

describe("topic selection under ACLs", () => {
  test("a principal with Describe and Read on the selected topics checks and discovers them", async () => {
    const config = as("reader", { topic_pattern: `${acl}-.*` });
    expect((await streams(config)).names).toEqual([`${acl}-a`, `${acl}-b`]);
    expect(await check(config)).toEqual({
      status: "SUCCEEDED",
      message: expect.stringContaining("fetched one partition of each of the 2 selected topics"),
    });
  });

  test("check by a principal without Read names the selected topics it may not read", async () => {
    const config = as("describer", { topic_pattern: `${acl}-.*` });
    expect((await streams(config)).names).toEqual([`${acl}-a`, `${acl}-b`]);
    expect(await check(config)).toEqual({
      status: "FAILED",
      message: `authorisation step: Kafka denied Read on ${acl}-a, ${acl}-b (TOPIC_AUTHORIZATION_FAILED): a read of them would fail`,
    });
  });

  test("a principal that may not Describe a listed topic: discover warns and leaves it out, check names it", async () => {
    // alice has no ACLs: she may use every topic that has none, and none of the ACL'd ones.
    const config = as("alice", { topics: [`${prefix}-payments`, `${acl}-a`] });
    const { names, warnings } = await streams(config);
    expect(names).toEqual([`${prefix}-payments`]);
    expect(warnings).toContain(
      `discover: topics lists ${acl}-a, which is not in the cluster or which the principal may not Describe; it has no stream`,
    );
    expect(await check(config)).toEqual({
      status: "FAILED",
      message: `topics: ${acl}-a is not in the cluster, or the principal may not Describe it`,
    });
  });
});

describe("a pattern that makes backtracking engines take seconds per topic", () => {
  let backtracking: string;
  beforeAll(async () => {
    backtracking = uniqueTopic("bt");
    await createBacktrackingTopics(cluster.bootstrap, backtracking);
  }, 120_000);
  afterAll(() => deleteBacktrackingTopics(cluster.bootstrap, backtracking), 120_000);

  // Before linear-time matching, each of these took minutes (about 0.5 s per topic in the binary)
  // and selected none of the ten topics; the tests' timeout stands for "does not hang".
  test.each(runners)(
    `discover and check (%s) select exactly the topics (a+)+_…|a+_…-1[0-9] matches among ${backtrackingTopicCount}`,
    async (runner) => {
      const config = plain({ topic_pattern: backtrackingPattern(backtracking) });
      expect((await streams(config, runner)).names).toEqual(backtrackingSelection(backtracking));
      expect(await check(config, runner)).toEqual({
        status: "SUCCEEDED",
        message: expect.stringContaining("fetched one partition of each of the 10 selected topics"),
      });
    },
    60_000,
  );
});
