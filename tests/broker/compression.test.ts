/**
 * Compressed batches written by a real producer — Kafka's own console producer (Java, with
 * snappy-java, lz4-java and zstd-jni) — decode to the exact documents, from source and from the
 * binary, for gzip, snappy, lz4 and zstd. The batches' attributes are read off the wire first, so
 * the test cannot pass on data that was never compressed.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { brokerSpec, kafkaTool, toolClass } from "../../harness/kafka.ts";
import { batches, codecIds } from "../support/batches.ts";
import { bootstrap } from "../support/broker.ts";
import {
  catalog,
  expectSuccess,
  jsonFile,
  keyed,
  records,
  run,
  runners,
  states,
  uniqueTopic,
} from "../support/connector.ts";
import { createTopic } from "../support/kafka.ts";

const codecs = ["gzip", "snappy", "lz4", "zstd"] as const;

/** key|value lines; the values repeat enough that every codec really shrinks them. */
const lines = [
  ...Array.from(
    { length: 20 },
    (_, i) => `order-${i}|{"order":${i},"status":"placed","note":"${"compress me ".repeat(8)}"}`,
  ),
  "greeting|héllo, wörld — ünïcode",
  "list|[1,2,3]",
];

function expectedDocuments(topic: string) {
  const meta = (offset: number, key: string, valueEncoding: string) => ({
    topic,
    partition: 0,
    offset,
    timestamp: expect.any(String),
    timestamp_type: "create_time",
    key,
    key_encoding: "utf-8",
    value_encoding: valueEncoding,
    headers: [],
    op: "c",
  });
  return [
    ...Array.from({ length: 20 }, (_, i) => ({
      order: i,
      status: "placed",
      note: "compress me ".repeat(8),
      _meta: meta(i, `order-${i}`, "json"),
    })),
    { value: "héllo, wörld — ünïcode", _meta: meta(20, "greeting", "utf-8") },
    { value: [1, 2, 3], _meta: meta(21, "list", "json") },
  ].map(keyed);
}

let broker: string;
const topics = new Map<string, string>();

beforeAll(async () => {
  broker = await bootstrap();
  // One producer JVM per codec, one after another: the machine's cores are shared.
  for (const codec of codecs) {
    const topic = uniqueTopic(`compressed-${codec}`);
    await createTopic(broker, topic, 1);
    await kafkaTool(
      toolClass(brokerSpec(), "ConsoleProducer"),
      [
        "--bootstrap-server",
        broker,
        "--topic",
        topic,
        "--compression-codec",
        codec,
        "--property",
        "parse.key=true",
        "--property",
        "key.separator=|",
      ],
      { input: `${lines.join("\n")}\n` },
    );
    topics.set(codec, topic);
  }
}, 120_000);

describe("compressed batches", () => {
  test.each(codecs)("the console producer really wrote %s batches", async (codec) => {
    const written = await batches(broker, topics.get(codec)!, 0);
    expect(written.reduce((sum, b) => sum + b.records, 0)).toBe(lines.length);
    expect(written.map((b) => b.codec)).toEqual(written.map(() => codecIds[codec]));
  });
});

describe.each(runners)("read of compressed batches (%s)", (runner) => {
  test.each(codecs)("%s batches decode to the exact documents", async (codec) => {
    const topic = topics.get(codec)!;
    const result = await run(runner, [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: broker }),
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);
    expectSuccess(result);
    const documents = records(result).map((r) => r.data);
    expect(documents).toEqual(expectedDocuments(topic));
    for (const d of documents) expect(Number.isNaN(Date.parse(d._meta.timestamp))).toBe(false);
    expect(states(result).at(-1).stream.stream_state).toEqual({ partitions: { "0": { offset: lines.length } } });
  });
});
