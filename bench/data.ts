/**
 * The benchmark's data: topics filled by Kafka's own Java producer (ProducerPerformance) from a
 * file of JSON payloads. A topic that already holds exactly the wanted records is reused, since
 * producing millions of records takes minutes; the payloads are seeded, so a reused topic holds
 * the same kind of data a fresh one would.
 */
import { Consumer } from "@platformatic/kafka";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kafkaTool } from "../harness/kafka.ts";
import { createTopic, deleteTopic } from "../harness/topics.ts";

export type Payload = "json500" | "json10";

export type TopicSpec = {
  /** Also the cache key: change the payloads or the producer settings, change the name. */
  name: string;
  records: number;
  payload: Payload;
  compression: "none" | "zstd";
  partitions: number;
};

/** Distinct payloads in each file; ProducerPerformance picks one at random per record. */
const distinctPayloads = 2000;

/** Mean payload size in bytes, for MB/s (the same for every consumer of a topic). */
export function meanPayloadBytes(payload: Payload, dir: string): number {
  return payloads(payload, dir).mean;
}

/** Creates and fills the topic unless it already holds `records` records; returns true if it produced. */
export async function provision(
  bootstrap: string,
  spec: TopicSpec,
  dir: string,
  log: (line: string) => void,
): Promise<boolean> {
  const have = await recordCount(bootstrap, spec.name).catch(() => null);
  if (have === spec.records) return false;
  if (have !== null) await deleteTopic(bootstrap, spec.name);
  await retry(() => createTopic(bootstrap, spec.name, spec.partitions));
  const { file } = payloads(spec.payload, dir);
  log(`producing ${spec.records} records to ${spec.name} (${spec.payload}, compression ${spec.compression})`);
  const started = performance.now();
  await kafkaTool("org.apache.kafka.tools.ProducerPerformance", [
    "--topic",
    spec.name,
    "--num-records",
    String(spec.records),
    "--payload-file",
    file,
    "--throughput",
    "-1",
    "--producer-props",
    `bootstrap.servers=${bootstrap}`,
    "acks=all",
    "linger.ms=20",
    "batch.size=262144",
    `compression.type=${spec.compression}`,
  ]);
  const got = await recordCount(bootstrap, spec.name);
  if (got !== spec.records) throw new Error(`${spec.name} holds ${got} records after producing ${spec.records}`);
  log(`produced ${spec.name} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return true;
}

/** Records between the earliest and the end offset, summed over the topic's partitions. */
export async function recordCount(bootstrap: string, topic: string): Promise<number> {
  const consumer = new Consumer({ clientId: "bench", groupId: "bench-no-group", bootstrapBrokers: [bootstrap] });
  try {
    const first = (await consumer.listOffsets({ topics: [topic], timestamp: -2n })).get(topic)!;
    const end = (await consumer.listOffsets({ topics: [topic], timestamp: -1n })).get(topic)!;
    return end.reduce((sum, e, p) => sum + Number(e - first[p]!), 0);
  } finally {
    await consumer.close();
  }
}

/**
 * The payload file: one JSON object a line. `json500` is an order event of about 500 bytes with
 * varied ids, names, amounts and words (so that zstd compresses it as it would real events, not a
 * repeated string); `json10` is `{"n":1234}`, exactly 10 bytes.
 */
function payloads(kind: Payload, dir: string): { file: string; mean: number } {
  const random = seeded(kind === "json500" ? 500 : 10);
  const lines: string[] = [];
  for (let i = 0; i < distinctPayloads; i++)
    lines.push(kind === "json10" ? `{"n":${1000 + Math.floor(random() * 9000)}}` : event(random, i));
  const file = join(dir, `payloads-${kind}.txt`);
  writeFileSync(file, lines.join("\n"));
  return { file, mean: lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0) / lines.length };
}

const words =
  "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu".split(
    " ",
  );
const cities = ["Lisbon", "Oslo", "Kyoto", "Lima", "Accra", "Perth", "Quito", "Riga"];

function event(random: () => number, i: number): string {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("");
  const value = {
    event_id: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    type: pick(["order.created", "order.paid", "order.shipped", "order.cancelled"]),
    occurred_at: new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 3e10)).toISOString(),
    customer: {
      id: 100000 + Math.floor(random() * 900000),
      name: `${pick(words)} ${pick(words)}`,
      city: pick(cities),
      vip: random() < 0.1,
    },
    items: Array.from({ length: 2 }, () => ({
      sku: `SKU-${hex(6)}`,
      qty: 1 + Math.floor(random() * 5),
      price: Math.round(random() * 50000) / 100,
    })),
    total: Math.round(random() * 100000) / 100,
    currency: pick(["EUR", "USD", "JPY", "NOK"]),
    note: "",
    seq: i,
  };
  let line = JSON.stringify(value);
  // Pad the note with words to about 500 bytes.
  while (line.length < 490) {
    value.note += (value.note ? " " : "") + pick(words);
    line = JSON.stringify(value);
  }
  return line;
}

/** mulberry32: a small seeded PRNG, so that every machine writes the same payloads. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function retry<T>(operation: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await operation();
    } catch (error) {
      if (i >= attempts) throw error;
      await Bun.sleep(500);
    }
  }
}
