/**
 * The Kubernetes example (examples/kubernetes/): `shard.sh` run as the Indexed Job's pods run it,
 * under a POSIX shell with the compiled executable on PATH, each shard with its own state
 * directory and its index from JOB_COMPLETION_INDEX. Together the shards must write every record
 * exactly once, and a second run of each must resume from the state its shard kept and write
 * exactly what was produced since.
 */
import { beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrap } from "../support/broker.ts";
import { uniqueTopic } from "../support/connector.ts";
import { createTopic, produce, type TestMessage } from "../support/kafka.ts";

const root = join(import.meta.dir, "..", "..");
const script = join(root, "examples", "kubernetes", "shard.sh");
const shards = 2;
const partitions = 16;

let broker: string;
let topic: string;
let work: string;
let path: string;

beforeAll(async () => {
  broker = await bootstrap();
  topic = uniqueTopic("k8s-shards");
  await createTopic(broker, topic, partitions);
  work = mkdtempSync(join(tmpdir(), "source-kafka-k8s-"));
  // The pods' image has the executable on PATH as `source-kafka`; so does this test.
  const bin = join(work, "bin");
  mkdirSync(bin);
  symlinkSync(join(root, "dist", "source-kafka"), join(bin, "source-kafka"));
  path = `${bin}:${process.env.PATH}`;
  const config = join(work, "config");
  mkdirSync(config);
  writeFileSync(join(config, "config.json"), JSON.stringify({ bootstrap_servers: broker }));
  writeFileSync(
    join(config, "catalog.json"),
    JSON.stringify({
      streams: [{ stream: { name: topic }, sync_mode: "incremental", destination_sync_mode: "append" }],
    }),
  );
});

const messages = (round: string, perPartition: number): TestMessage[] =>
  Array.from({ length: partitions * perPartition }, (_, i) => ({
    partition: i % partitions,
    value: JSON.stringify({ round, n: i }),
  }));

/** Runs every shard as its pod would, one after another; each shard's state directory is its own. */
function runShards(): void {
  for (let index = 0; index < shards; index++) {
    const result = spawnSync("sh", [script], {
      encoding: "utf8",
      env: {
        PATH: path,
        CONFIG_DIR: join(work, "config"),
        STATE_DIR: join(work, "state", `shard-${index}`),
        JOB_COMPLETION_INDEX: String(index),
        SOURCE_KAFKA_SHARD_COUNT: String(shards),
      },
    });
    if (result.status !== 0) throw new Error(`shard ${index} exited ${result.status}: ${result.stderr}`);
  }
}

/** Every record the shards wrote, as "partition/offset value". */
function written(): string[] {
  const lines: string[] = [];
  for (let index = 0; index < shards; index++) {
    const file = join(work, "state", `shard-${index}`, "records.jsonl");
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
      const { data } = JSON.parse(line).record;
      lines.push(`${data._kafka_partition}/${data._kafka_offset} ${data.round}:${data.n}`);
    }
  }
  return lines.sort();
}

/** What the topic holds, as "partition/offset value", for the rounds produced so far. */
function expected(rounds: TestMessage[][]): string[] {
  const next = new Map<number, number>();
  const lines: string[] = [];
  for (const round of rounds) {
    for (const m of round) {
      const offset = next.get(m.partition) ?? 0;
      next.set(m.partition, offset + 1);
      const { round: name, n } = JSON.parse(m.value as string);
      lines.push(`${m.partition}/${offset} ${name}:${n}`);
    }
  }
  return lines.sort();
}

test("two shards of the Indexed Job write every record once, then resume from the state each kept", async () => {
  const first = messages("first", 5);
  await produce(broker, topic, first);
  runShards();
  expect(written()).toEqual(expected([first]));
  // Each shard kept its own resume point, in its own state directory.
  for (let index = 0; index < shards; index++) {
    const saved = join(work, "state", `shard-${index}`, "streams", `${topic}.json`);
    expect(JSON.parse(readFileSync(saved, "utf8")).type).toBe("STATE");
  }

  const second = messages("second", 3);
  await produce(broker, topic, second);
  runShards();
  expect(written()).toEqual(expected([first, second]));
});
