/**
 * KafkaClient.fetch over its own connection per broker (src/kafka/fetch-connection.ts), against
 * the real broker: exact records from one reused receive buffer, fetch after fetch, and a broker
 * address handed over from another client (a read worker's start) that turns out wrong.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { TransientError } from "../../src/errors.ts";
import { KafkaClient, partitionRecords } from "../../src/kafka/client.ts";
import { bootstrap } from "../support/broker.ts";
import { catalog, jsonFile, records, run, uniqueTopic } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";

const topic = uniqueTopic("fetch-connection");
const settings = async () => ({
  bootstrap_servers: await bootstrap(),
  client_id: "fetch-connection-test",
  connect_timeout_ms: 5_000,
});
const values = Array.from({ length: 300 }, (_, i) => JSON.stringify({ i, pad: "x".repeat(i % 97) }));
let info: { id: string; partitions: { partition: number; leader: number; leaderEpoch: number }[] };
const clients: KafkaClient[] = [];

beforeAll(async () => {
  await createTopic(await bootstrap(), topic, 2);
  // In 15 sends, so that each partition holds 15 record batches: fetches of ~1 KiB take one each.
  for (let from = 0; from < values.length; from += 20)
    await produce(
      await bootstrap(),
      topic,
      values.slice(from, from + 20).map((value, i) => ({ partition: (from + i) % 2, value })),
    );
  const client = new KafkaClient(await settings());
  clients.push(client);
  info = (await client.describeTopics([topic])).get(topic)!;
}, 60_000);

afterAll(async () => {
  for (const client of clients) await client.close();
});

/** Fetches both partitions in small steps until the end, keeping each record's value as text. */
async function readAll(client: KafkaClient): Promise<{ read: string[][]; fetches: number }> {
  const next = [0, 0];
  const read: string[][] = [[], []];
  const decoder = new TextDecoder();
  let fetches = 0;
  for (let round = 0; round < 200 && (next[0]! < 150 || next[1]! < 150); round++) {
    const results = await client.fetch({
      node: info.partitions[0]!.leader,
      partitions: info.partitions.map((p) => ({
        topic,
        topicId: info.id,
        partition: p.partition,
        offset: next[p.partition]!,
        leaderEpoch: p.leaderEpoch,
      })),
      maxWaitMs: 100,
      // Small fetches, so that the buffer is reused many times over.
      maxBytes: 2048,
      partitionMaxBytes: 1024,
    });
    fetches++;
    for (const result of results) {
      expect(result.error).toBeNull();
      for (const record of partitionRecords(result)) {
        if (record.offset < next[result.partition]!) continue;
        read[result.partition]!.push(decoder.decode(record.value!));
      }
      if (result.nextOffset !== null) next[result.partition] = result.nextOffset;
    }
  }
  return { read, fetches };
}

test("fetch after fetch from one reused buffer, every record exactly once and intact", async () => {
  const client = new KafkaClient(await settings());
  clients.push(client);
  const { read, fetches } = await readAll(client);
  expect(read).toEqual([values.filter((_, i) => i % 2 === 0), values.filter((_, i) => i % 2 === 1)]);
  expect(fetches).toBeGreaterThanOrEqual(15);
});

test("a broker address handed over that is wrong fails one fetch as transient, and the next finds the broker", async () => {
  const real = await clients[0]!.knownCluster();
  const wrong = { ...real, brokers: real.brokers.map(([node, host]) => [node, host, 1] as [number, string, number]) };
  const client = new KafkaClient(await settings(), { known: wrong });
  clients.push(client);
  const request = {
    node: info.partitions[0]!.leader,
    partitions: [{ topic, topicId: info.id, partition: 0, offset: 0, leaderEpoch: -1 }],
    maxWaitMs: 100,
    maxBytes: 1 << 20,
    partitionMaxBytes: 1 << 20,
  };
  const failure = await client.fetch(request).then(
    () => null,
    (error: Error) => error,
  );
  expect(failure).toBeInstanceOf(TransientError);
  expect(failure?.message).toStartWith("TCP step: Kafka is unreachable at broker");
  const [result] = await client.fetch(request);
  expect(new TextDecoder().decode(partitionRecords(result!)[0]!.value!)).toBe(values[0]!);
});

test("the known cluster is the broker's Fetch version and address", async () => {
  const known = await clients[0]!.knownCluster();
  expect(known.fetchVersion).toBeGreaterThanOrEqual(12);
  // The harness's broker is one node, advertised at the address it is bootstrapped from.
  expect(known.brokers.map(([, host, port]) => `${host}:${port}`)).toEqual([await bootstrap()]);
});

test("the executable reads the same records with its native CRC-32C and, where it cannot load it, without", async () => {
  const args = [
    "read",
    "--config",
    jsonFile("config.json", { bootstrap_servers: await bootstrap() }),
    "--catalog",
    jsonFile("catalog.json", catalog([topic])),
  ];
  const values = (result: Awaited<ReturnType<typeof run>>) =>
    records(result)
      .map((r) => `${r.data._kafka_partition}/${r.data._kafka_offset} ${r.data.i}`)
      .sort();
  const native = await run("binary", args);
  // Bun writes the embedded module to the temporary folder to load it: none there, no module.
  const fallback = await run("binary", args, { env: { TMPDIR: "/nonexistent/source-kafka-test" } });
  expect([native.code, fallback.code]).toEqual([0, 0]);
  const crc = (result: typeof native) =>
    result.messages.flatMap((m) => (m.type === "LOG" ? (/\(CRC-32C (\w+)\)/.exec(m.log.message)?.[1] ?? []) : []));
  expect([crc(native), crc(fallback)]).toEqual([["native"], ["webassembly"]]);
  expect(values(native)).toHaveLength(300);
  expect(values(fallback)).toEqual(values(native));
});
