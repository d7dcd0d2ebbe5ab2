/**
 * The same TypeScript source under Deno (from npm, a devDependency), run from the repository root
 * where Deno finds package.json and uses node_modules as npm installed it:
 *
 *   deno run --no-lock --allow-read --allow-env --allow-net --allow-sys src/main.ts …
 *
 * (`--no-lock`: Deno would otherwise write a deno.lock beside package-lock.json.) `spec` and
 * `discover` must equal Bun's, a `read` with two worker threads emits the exact records, and a
 * topic pattern on which V8's backtracking never ends selects its topics in linear time.
 */
import { beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import {
  backtrackingPattern,
  backtrackingSelection,
  backtrackingTopicCount,
  createBacktrackingTopics,
  deleteBacktrackingTopics,
} from "../support/backtracking-topics.ts";
import { bootstrap } from "../support/broker.ts";
import { catalog, jsonFile, parseProtocol, uniqueTopic, type Message } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";

const root = join(import.meta.dir, "..", "..");
const deno = join(root, "node_modules", ".bin", process.platform === "win32" ? "deno.cmd" : "deno");
const permissions = ["--allow-read", "--allow-env", "--allow-net", "--allow-sys"];

function underDeno(args: string[]) {
  const result = spawnSync(deno, ["run", "--no-lock", ...permissions, "src/main.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 90_000,
  });
  if (result.status !== 0) throw new Error(`deno exited ${result.status}: ${result.stderr}`);
  return parseProtocol(result.stdout);
}

function underBun(args: string[]) {
  return parseProtocol(spawnSync(process.execPath, ["src/main.ts", ...args], { cwd: root, encoding: "utf8" }).stdout);
}

const topic = uniqueTopic("deno");
const t0 = Date.parse("2024-05-01T12:00:00.000Z");
let config: string;

beforeAll(async () => {
  await createTopic(await bootstrap(), topic, 4);
  await produce(
    await bootstrap(),
    topic,
    [0, 1, 2, 3, 0, 1, 0, 3].map((partition, i) => ({
      partition,
      key: `acct-${i}`,
      value: JSON.stringify({ seq: i }),
      timestamp: t0 + i * 1000,
    })),
  );
  config = jsonFile("config.json", { bootstrap_servers: await bootstrap(), workers: 2 });
}, 60_000);

test("spec under Deno is the same as under Bun", () => {
  const messages = underDeno(["spec"]);
  expect(messages.map((m) => m.type)).toEqual(["SPEC"]);
  expect(messages).toEqual(underBun(["spec"]));
}, 60_000);

test("discover under Deno lists the topic as under Bun", () => {
  const stream = (messages: Message[]) =>
    messages.find((m) => m.type === "CATALOG")!.catalog.streams.find((s: { name: string }) => s.name === topic);
  const fromDeno = stream(underDeno(["discover", "--config", config]));
  expect(fromDeno).toBeDefined();
  expect(fromDeno).toEqual(stream(underBun(["discover", "--config", config])));
}, 60_000);

test("read under Deno with two workers emits the exact records in partition order and the final state", () => {
  const messages = underDeno(["read", "--config", config, "--catalog", jsonFile("catalog.json", catalog([topic]))]);
  expect(messages.some((m) => m.type === "LOG" && /with 2 workers/.test(m.log.message))).toBe(true);

  const documents = messages.filter((m) => m.type === "RECORD").map((m) => m.record.data);
  const byPartition = (p: number) => documents.filter((d) => d._meta.partition === p);
  const doc = (seq: number, partition: number, offset: number) => ({
    seq,
    _kafka_partition: partition,
    _kafka_offset: offset,
    _meta: {
      topic,
      partition,
      offset,
      timestamp: new Date(t0 + seq * 1000).toISOString(),
      timestamp_type: "create_time",
      key: `acct-${seq}`,
      key_encoding: "utf-8",
      value_encoding: "json",
      headers: [],
      op: "c",
    },
  });
  expect([0, 1, 2, 3].map(byPartition)).toEqual([
    [doc(0, 0, 0), doc(4, 0, 1), doc(6, 0, 2)],
    [doc(1, 1, 0), doc(5, 1, 1)],
    [doc(2, 2, 0)],
    [doc(3, 3, 0), doc(7, 3, 1)],
  ]);
  const states = messages.filter((m) => m.type === "STATE");
  expect(states.at(-1)!.state.stream).toEqual({
    stream_descriptor: { name: topic },
    stream_state: { partitions: { "0": { offset: 3 }, "1": { offset: 2 }, "2": { offset: 1 }, "3": { offset: 2 } } },
  });
}, 60_000);

test(`discover under Deno selects with (a+)+_…|a+_…-1[0-9] among ${backtrackingTopicCount} topics: V8's RegExp never ends on them`, async () => {
  const prefix = uniqueTopic("bt-deno");
  const broker = await bootstrap();
  await createBacktrackingTopics(broker, prefix);
  try {
    const selecting = jsonFile("config.json", {
      bootstrap_servers: broker,
      topic_pattern: backtrackingPattern(prefix),
    });
    // underDeno ends the process after 90 s; with RegExp it did not end.
    const catalog = underDeno(["discover", "--config", selecting]).find((m) => m.type === "CATALOG")!.catalog;
    expect(catalog.streams.map((s: { name: string }) => s.name)).toEqual(backtrackingSelection(prefix));
  } finally {
    await deleteBacktrackingTopics(broker, prefix);
  }
}, 180_000);
