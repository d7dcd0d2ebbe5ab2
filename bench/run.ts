/**
 * The benchmark (`npm run bench`): the connector's compiled `read` against franz-go (a group-free Go
 * consumer writing JSON lines, `peers/franz-go/`), kcat, and plain consumers written with
 * @platformatic/kafka (our client library) and kafkajs, on the same topics
 * of a private broker, in interleaved rounds; then tail latency and memory over a 10× backlog.
 * Every figure is reported beside a peer measured in the same run, since the machine is shared.
 *
 *   bun bench/run.ts                      # full run → bench/results.md (+ results.json)
 *   bun bench/run.ts --tiny --out F.md    # 2k records, 1 round: checks that everything runs
 *   bun bench/run.ts --topics json500 --runs 1 --skip-latency --skip-memory --out /tmp/r.md  # quick
 *   options: --runs N  --bootstrap host:port (an existing broker)  --binary PATH (skip the build)
 *            --topics json500,json10,json500-zstd (a subset)  --skip-latency  --skip-memory  --keep-broker
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Admin } from "@platformatic/kafka";
import * as broker from "./broker.ts";
import { meanPayloadBytes, provision, type TopicSpec } from "./data.ts";
import { tailLatency, type LatencyResult } from "./latency.ts";
import { countLines, ensureTools, measure, spread, timeToFirstRecord, type Measurement } from "./measure.ts";
import { renderResults, type Results, type Row } from "./report.ts";

const root = resolve(import.meta.dir, "..");
const { values: options } = parseArgs({
  options: {
    tiny: { type: "boolean", default: false },
    runs: { type: "string" },
    bootstrap: { type: "string" },
    binary: { type: "string" },
    out: { type: "string", default: join(root, "bench", "results.md") },
    "skip-latency": { type: "boolean", default: false },
    "skip-memory": { type: "boolean", default: false },
    "keep-broker": { type: "boolean", default: false },
    topics: { type: "string" },
  },
});
const tiny = options.tiny;
const runs = Number(options.runs ?? (tiny ? 1 : 3));
const base = tiny ? 2_000 : 1_000_000;
const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const bun = process.execPath;
const work = join(broker.dir, "work");
mkdirSync(work, { recursive: true });

const topicName = (payload: string, compression: string, records: number) =>
  `bench-v1-${payload}${compression === "zstd" ? "-zstd" : ""}-${records >= 1e6 ? `${records / 1e6}m` : `${records / 1e3}k`}`;
const spec = (payload: TopicSpec["payload"], compression: TopicSpec["compression"], records: number): TopicSpec => ({
  name: topicName(payload, compression, records),
  records,
  payload,
  compression,
  partitions: 8,
});
const topicKey = (t: TopicSpec) => `${t.payload}${t.compression === "zstd" ? "-zstd" : ""}`;
const allTopics = [spec("json500", "none", base), spec("json10", "none", base), spec("json500", "zstd", base)];
const wanted = options.topics?.split(",").map((k) => k.trim());
const throughputTopics = wanted ? allTopics.filter((t) => wanted.includes(topicKey(t))) : allTopics;
if (throughputTopics.length === 0)
  throw new Error(`--topics: none of ${options.topics} is one of ${allTopics.map(topicKey).join(", ")}`);
const memoryTopic = spec("json500", "none", base * 10);

ensureTools(log);
const binary = options.binary ? resolve(options.binary) : build();
const franzGo = buildFranzGo();
const startedBroker = options.bootstrap ? null : await broker.up();
const bootstrap = options.bootstrap ?? startedBroker!.bootstrap;
log(`broker ${bootstrap}; connector ${binary}`);
const loadBefore = loadavg();

try {
  for (const t of [...throughputTopics, ...(options["skip-memory"] ? [] : [memoryTopic])])
    await provision(bootstrap, t, work, log);

  const workerCount = Math.min(cpus().length, 8);
  type Contender = {
    id: string;
    label: string;
    command: (t: TopicSpec) => string[] | null;
    stdout: "null" | "pipe";
    /** Recognises a record on stdout, for the time to first record; absent for the counting consumers. */
    isRecord?: (line: string) => boolean;
  };
  const ours = (workers: number | undefined): Contender => ({
    id: workers === undefined ? "ours-default" : `ours-w${workers}`,
    label:
      workers === undefined
        ? `source-kafka read, workers default (${workerCount})`
        : `source-kafka read, workers ${workers}`,
    command: (t) => [binary, "read", "--config", config(workers), "--catalog", catalog(t.name)],
    stdout: "null",
    isRecord: (line) => line.startsWith('{"type":"RECORD"'),
  });
  const contenders: Contender[] = [
    {
      id: "franz-go",
      label: "franz-go (Go, JSON lines)",
      command: (t) => [franzGo, "-broker", bootstrap, "-topic", t.name],
      stdout: "null",
      isRecord: (line) => line.startsWith("{"),
    },
    {
      id: "kcat",
      label: "kcat -C -J",
      command: (t) => ["kcat", "-C", "-J", "-e", "-q", "-o", "beginning", "-b", bootstrap, "-t", t.name],
      stdout: "null",
      isRecord: (line) => line.startsWith("{"),
    },
    {
      id: "platformatic",
      label: "plain @platformatic/kafka",
      command: (t) => [bun, join(root, "bench/consumers/platformatic.ts"), "--broker", bootstrap, "--topic", t.name],
      stdout: "pipe",
    },
    {
      id: "kafkajs",
      label: "plain kafkajs",
      // kafkajs ships no zstd codec: it fails on such a topic.
      command: (t) =>
        t.compression === "zstd"
          ? null
          : [
              bun,
              join(root, "bench/consumers/kafkajs.ts"),
              "--broker",
              bootstrap,
              "--topic",
              t.name,
              "--records",
              String(t.records),
            ],
      stdout: "pipe",
    },
    ours(1),
    ours(2),
    ours(undefined),
  ];

  const samples: { topic: string; id: string; round: number; m: Measurement; firstS: number | null }[] = [];
  const runOnce = async (t: TopicSpec, c: Contender, round: number) => {
    const command = c.command(t);
    if (!command) return;
    const m = await measure(command, { stdout: c.stdout });
    if (c.stdout === "pipe") {
      const { records } = JSON.parse(m.stdout.trim().split("\n").at(-1)!) as { records: number };
      if (records < t.records) throw new Error(`${c.id} read ${records} of ${t.records} records of ${t.name}`);
    }
    const firstS = c.isRecord ? await timeToFirstRecord(command, c.isRecord) : null;
    samples.push({ topic: t.name, id: c.id, round, m, firstS });
    log(
      `${t.name} round ${round} ${c.id}: ${m.wallS.toFixed(2)} s, ${(t.records / m.wallS).toFixed(0)} msgs/s, ${m.peakRssMiB.toFixed(0)} MiB, ${m.cpuS.toFixed(2)} CPU s${firstS === null ? "" : `, first record ${firstS.toFixed(2)} s`}`,
    );
  };

  // The franz-go peer writes what it reads: check that it is the whole topic, one line per record
  // (this pass also warms the page cache).
  for (const t of throughputTopics) {
    const lines = await countLines([franzGo, "-broker", bootstrap, "-topic", t.name]);
    if (lines !== t.records) throw new Error(`franz-go wrote ${lines} lines for the ${t.records} records of ${t.name}`);
    log(`${t.name}: franz-go wrote one line per record (${lines})`);
  }
  for (let round = 1; round <= runs; round++) {
    for (const t of throughputTopics) {
      // Rotate the order each round, so that no contender always runs first or last.
      const order = contenders.map((_, i) => contenders[(i + round - 1) % contenders.length]!);
      for (const c of order) await runOnce(t, c, round);
    }
  }

  const rows: Row[] = [];
  for (const t of throughputTopics) {
    const bytes = meanPayloadBytes(t.payload, work);
    const of = (id: string) => samples.filter((s) => s.topic === t.name && s.id === id);
    type Sample = (typeof samples)[number];
    // Per round: wall time of the peer ÷ ours (= msgs/s ratio), or our CPU (RSS, …) ÷ the peer's.
    const ratio = (id: string, peer: string, of2: (mine: Sample, theirs: Sample) => number | null) => {
      const per = of(id).flatMap((s) =>
        of(peer)
          .filter((p) => p.round === s.round)
          .map((p) => of2(s, p))
          .filter((x): x is number => x !== null),
      );
      return per.length ? spread(per) : null;
    };
    const against = (id: string, peer: string) => ({
      msgs: ratio(id, peer, (m, p) => p.m.wallS / m.m.wallS),
      cpu: ratio(id, peer, (m, p) => m.m.cpuS / p.m.cpuS),
      rss: ratio(id, peer, (m, p) => m.m.peakRssMiB / p.m.peakRssMiB),
      first: ratio(id, peer, (m, p) => (m.firstS === null || p.firstS === null ? null : m.firstS / p.firstS)),
    });
    for (const c of contenders) {
      const mine = of(c.id);
      if (mine.length === 0) {
        rows.push({ topic: t.name, topicLabel: label(t), contender: c.label, skipped: "no zstd codec in kafkajs" });
        continue;
      }
      rows.push({
        topic: t.name,
        topicLabel: label(t),
        contender: c.label,
        runs: mine.length,
        msgsPerS: spread(mine.map((s) => t.records / s.m.wallS)),
        mbPerS: spread(mine.map((s) => (t.records * bytes) / 1e6 / s.m.wallS)),
        peakRssMiB: spread(mine.map((s) => s.m.peakRssMiB)),
        cpuS: spread(mine.map((s) => s.m.cpuS)),
        firstS: c.isRecord ? spread(mine.flatMap((s) => (s.firstS === null ? [] : [s.firstS]))) : null,
        vsKcat: against(c.id, "kcat"),
        vsFranzGo: against(c.id, "franz-go"),
        vsPlain: ratio(c.id, "platformatic", (m, p) => p.m.wallS / m.m.wallS),
      });
    }
  }

  let latency: Results["latency"] = null;
  if (!options["skip-latency"]) {
    // The rate issue 25's target names (p99 no worse than kcat's at 5,000 msgs/s).
    const rate = tiny ? 1000 : 5000;
    const seconds = tiny ? 2 : 20;
    const topic = `bench-tail-${Date.now()}`;
    const result = await tailLatency({
      bootstrap,
      topic,
      rate,
      seconds,
      payloadFile: join(work, "payloads-json500.txt"),
      log,
      followers: (name) => [
        {
          id: "kcat",
          label: "kcat -C -J -u -o end",
          command: ["kcat", "-C", "-J", "-u", "-q", "-o", "end", "-b", bootstrap, "-t", name],
          timestampOf: (line) => (line.startsWith("{") ? (JSON.parse(line) as { ts: number }).ts : null),
        },
        {
          id: "ours",
          label: `source-kafka read --tail, workers default (${workerCount})`,
          command: [binary, "read", "--config", config(undefined), "--catalog", catalog(name), "--tail"],
          timestampOf: (line) =>
            line.startsWith('{"type":"RECORD"')
              ? Date.parse(
                  (JSON.parse(line) as { record: { data: { _meta: { timestamp: string } } } }).record.data._meta
                    .timestamp,
                )
              : null,
        },
      ],
    });
    latency = { rate, seconds, ...result };
    for (const r of result.results as LatencyResult[])
      log(`tail ${r.id}: ${r.received}/${result.sent} p50 ${r.p50} ms p99 ${r.p99} ms`);
  }

  let memory: Results["memory"] = null;
  // The memory mode compares with the ~500 B JSON topic's runs; it needs them.
  if (!options["skip-memory"] && throughputTopics.some((t) => t.name === spec("json500", "none", base).name)) {
    const runsOn = async (id: string, command: string[]) => {
      const m = await measure(command, { stdout: "null" });
      log(`${memoryTopic.name} ${id}: ${m.wallS.toFixed(1)} s, ${m.peakRssMiB.toFixed(0)} MiB`);
      return m;
    };
    const kcat = await runsOn("kcat", [
      "kcat",
      "-C",
      "-J",
      "-e",
      "-q",
      "-o",
      "beginning",
      "-b",
      bootstrap,
      "-t",
      memoryTopic.name,
    ]);
    const ourRun = await runsOn("ours-default", ours(undefined).command(memoryTopic)!);
    const baseline = samples.filter((s) => s.topic === spec("json500", "none", base).name);
    memory = {
      topic: memoryTopic.name,
      records: memoryTopic.records,
      baseTopic: spec("json500", "none", base).name,
      baseRecords: base,
      rows: [
        {
          label: "kcat -C -J",
          big: kcat,
          baseRssMiB: spread(baseline.filter((s) => s.id === "kcat").map((s) => s.m.peakRssMiB)).median,
          records: memoryTopic.records,
        },
        {
          label: `source-kafka read, workers default (${workerCount})`,
          big: ourRun,
          baseRssMiB: spread(baseline.filter((s) => s.id === "ours-default").map((s) => s.m.peakRssMiB)).median,
          records: memoryTopic.records,
        },
      ],
    };
  }

  await deleteThrowawayGroups(bootstrap).catch((error) => log(`could not delete kafkajs groups: ${error}`));

  const results: Results = { machine: machine(loadBefore), tiny, runs, rows, latency, memory };
  writeFileSync(options.out, renderResults(results));
  writeFileSync(`${options.out.replace(/\.md$/, "")}.json`, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${options.out}`);
} finally {
  if (startedBroker && !options["keep-broker"]) await broker.down();
}

function label(t: TopicSpec): string {
  const size = t.payload === "json500" ? "~500 B JSON" : "10 B JSON";
  return `${t.records.toLocaleString("en")} × ${size}, ${t.partitions} partitions${t.compression === "zstd" ? ", zstd" : ""}`;
}

function config(workers: number | undefined): string {
  const file = join(work, `config-${workers ?? "default"}.json`);
  writeFileSync(file, JSON.stringify({ bootstrap_servers: bootstrap, ...(workers === undefined ? {} : { workers }) }));
  return file;
}

function catalog(topic: string): string {
  const file = join(work, `catalog-${topic}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      streams: [{ stream: { name: topic }, sync_mode: "incremental", destination_sync_mode: "append" }],
    }),
  );
  return file;
}

/** Compiles the connector from this checkout into the bench's own folder (dist/ belongs to the tests). */
function build(): string {
  const outdir = join(broker.dir, "bin");
  log("compiling the connector");
  const result = spawnSync(bun, ["build.ts", "--outdir", outdir], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (result.status !== 0) throw new Error("bun build.ts failed");
  return join(outdir, "source-kafka");
}

/**
 * Builds the franz-go peer (bench/peers/franz-go) with the machine's `go` into the bench's own
 * folder; Go's build cache makes a rebuild of an unchanged program take a moment.
 */
function buildFranzGo(): string {
  const out = join(broker.dir, "bin", "franz-go-peer");
  log("building the franz-go peer");
  const result = spawnSync("go", ["build", "-o", out, "."], {
    cwd: join(root, "bench", "peers", "franz-go"),
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (result.status !== 0) throw new Error("go build of bench/peers/franz-go failed (is Go installed?)");
  return out;
}

async function deleteThrowawayGroups(address: string): Promise<void> {
  const admin = new Admin({ clientId: "bench", bootstrapBrokers: [address] });
  try {
    const groups = [...(await admin.listGroups()).keys()].filter((id) => id.startsWith("bench-throwaway-"));
    if (groups.length > 0) await admin.deleteGroups({ groups });
  } finally {
    await admin.close();
  }
}

function machine(loadBefore: number[]): Results["machine"] {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const kcatVersion = /Version (\S+).*librdkafka (\S+)/.exec(spawnSync("kcat", ["-V"], { encoding: "utf8" }).stdout);
  const kcat = kcatVersion ? `kcat ${kcatVersion[1]} (librdkafka ${kcatVersion[2]})` : "kcat";
  return {
    date: new Date().toISOString(),
    nproc: Number(spawnSync("nproc", { encoding: "utf8" }).stdout.trim()),
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: spawnSync("uname", ["-r"], { encoding: "utf8" }).stdout.trim(),
    bun: Bun.version,
    kcat,
    kafka: "Apache Kafka 4.1.1 (KRaft, one node, same machine)",
    load: { before: loadBefore.map((l) => Number(l.toFixed(2))), after: loadavg().map((l) => Number(l.toFixed(2))) },
  };
}
