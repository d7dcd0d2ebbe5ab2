/**
 * The Kubernetes example (examples/kubernetes/): `shard.sh` run as the Indexed Job's pods run it,
 * under a POSIX shell with the compiled executable on PATH, each shard with its own state
 * directory and its index from JOB_COMPLETION_INDEX. Together the shards must write every record
 * exactly once, and a second run of each must resume from the state its shard kept and write
 * exactly what was produced since. The manifests' probes and scrape annotation must point at the
 * metrics server they configure, and a StatefulSet pod's shard, run as its manifest runs it, must
 * answer them.
 */
import { beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownedPartitions } from "../../src/plan/assign.ts";
import { shardRange } from "../../src/plan/shard.ts";
import { bootstrap } from "../support/broker.ts";
import { uniqueTopic } from "../support/connector.ts";
import { createTopic, endOffsets, produce, type TestMessage } from "../support/kafka.ts";
import { byPartition, type Scrape, scrape, untilStatus, value } from "../support/metrics.ts";
import { closedPort } from "../support/net.ts";
import { until } from "../support/wait.ts";

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

/** The pod template of a manifest, and its connector's container. */
function podOf(file: string) {
  const parsed = Bun.YAML.parse(readFileSync(join(root, "examples", "kubernetes", file), "utf8")) as any;
  const documents: any[] = Array.isArray(parsed) ? parsed : [parsed];
  const template = documents.find((d) => d.spec?.template)!.spec.template;
  const container = template.spec.containers.find((c: any) => c.name === "source-kafka");
  const address: string = container.env.find((e: any) => e.name === "SOURCE_KAFKA_METRICS").value;
  return { template, container, address, port: Number(address.split(":").at(-1)) };
}

test("each manifest's port, probes and scrape annotation point at the metrics server it configures", () => {
  for (const file of ["indexed-job.yaml", "statefulset.yaml"]) {
    const { template, container, address, port } = podOf(file);
    expect(address).toBe(`:${port}`);
    expect(container.ports).toEqual([{ name: "metrics", containerPort: port }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    expect(template.metadata.annotations).toEqual({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": String(port),
      "prometheus.io/path": "/metrics",
    });
  }
  expect(podOf("statefulset.yaml").container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "metrics" });
});

test("a StatefulSet pod's shard answers the probes and the scrape its manifest names, and stops on SIGTERM", async () => {
  const { container, address } = podOf("statefulset.yaml");
  const probe = (name: "livenessProbe" | "readinessProbe") => container[name].httpGet.path as string;
  // The manifest's address on a free port: its own may be taken on this machine.
  const port = await closedPort();
  const child = Bun.spawn(["sh", script, ...container.args], {
    env: {
      PATH: path,
      CONFIG_DIR: join(work, "config"),
      STATE_DIR: join(work, "state", "tail-0"),
      SOURCE_KAFKA_SHARD: `0/${shards}`,
      SOURCE_KAFKA_METRICS: address.replace(/\d+$/, String(port)),
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const alive = () => child.exitCode === null;
  await untilStatus(port, probe("livenessProbe"), 200, alive);
  await untilStatus(port, probe("readinessProbe"), 200, alive);

  // The scrape (the annotation's /metrics): this shard's partitions, each caught up with the log's end.
  const owned = ownedPartitions(topic, [...Array(partitions).keys()], shardRange(0, shards));
  const ends = await endOffsets(broker, topic, owned);
  let scraped: Scrape = new Map();
  await until("the shard to catch up", async () => {
    scraped = await scrape(port);
    return owned.every((p) => byPartition(scraped, "source_kafka_partition_lag", topic).get(p) === 0);
  });
  expect(value(scraped, "source_kafka_assigned_partitions", { topic })).toBe(owned.length);
  expect(byPartition(scraped, "source_kafka_partition_position", topic)).toEqual(ends);

  // The kubelet's SIGTERM goes to the pod's PID 1, shard.sh, which hands it to the connector: a
  // final STATE (saved by the script), exit 0.
  child.kill("SIGTERM");
  expect(await child.exited).toBe(0);
  const saved = JSON.parse(readFileSync(join(work, "state", "tail-0", "streams", `${topic}.json`), "utf8"));
  expect(saved.state.stream.stream_state.partitions).toEqual(
    Object.fromEntries(owned.map((p) => [String(p), { offset: ends.get(p) }])),
  );
});
