/** The benchmark's results as markdown: bench/results.md, which the README shows. */
import type { Measurement, Spread } from "./measure.ts";

export type Row = {
  topic: string;
  topicLabel: string;
  contender: string;
  skipped?: string;
  runs?: number;
  msgsPerS?: Spread;
  mbPerS?: Spread;
  peakRssMiB?: Spread;
  cpuS?: Spread;
  /** Seconds from start to the first record on stdout (a probe run of its own); null for the counting consumers. */
  firstS?: Spread | null;
  vsKcat?: Against;
  vsFranzGo?: Against;
  /** Per round: this contender's msgs/s ÷ the plain @platformatic/kafka consumer's in the same round. */
  vsPlain?: Spread | null;
};

/**
 * Per round ratios against one peer in the same round: msgs/s ours ÷ theirs (above 1 is faster);
 * CPU seconds, peak RSS and time to first record ours ÷ theirs (above 1 costs more).
 */
export type Against = { msgs: Spread | null; cpu: Spread | null; rss: Spread | null; first: Spread | null };

export type Results = {
  machine: {
    date: string;
    nproc: number;
    cpu: string;
    memoryGiB: number;
    kernel: string;
    bun: string;
    kcat: string;
    kafka: string;
    load: { before: number[]; after: number[] };
  };
  tiny: boolean;
  runs: number;
  rows: Row[];
  latency: {
    rate: number;
    seconds: number;
    sent: number;
    results: { id: string; label: string; received: number; p50: number; p90: number; p99: number; max: number }[];
  } | null;
  memory: {
    topic: string;
    records: number;
    baseTopic: string;
    baseRecords: number;
    rows: { label: string; big: Measurement; baseRssMiB: number; records: number }[];
  } | null;
};

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const cell = (s: Spread | null | undefined, digits = 0) =>
  s ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}..${fmt(s.max, digits)})` : "–";
const ratio = (s: Spread | null | undefined) =>
  s ? `**${s.median.toFixed(2)}×** (${s.min.toFixed(2)}..${s.max.toFixed(2)})` : "–";

export function renderResults(r: Results): string {
  const m = r.machine;
  const out: string[] = [
    "# Benchmark results",
    "",
    `Written by \`npm run bench\` (bench/run.ts)${r.tiny ? " in **--tiny** mode: a smoke run, the figures mean nothing" : ""}.`,
    "",
    `Machine: ${m.nproc} cores (\`nproc\`), ${m.cpu}, ${m.memoryGiB} GiB, Linux ${m.kernel}; ${m.date}. Bun ${m.bun}; ${m.kcat}; ${m.kafka}.`,
    `Load average (1/5/15 min) before: ${m.load.before.join(" / ")}, after: ${m.load.after.join(" / ")} — the machine is shared, so read the ratios (each against a peer run in the same round), not the absolute figures.`,
    "",
    "## Throughput",
    "",
    `Each consumer reads the whole topic from the beginning and exits; ${r.runs} rounds, consumers interleaved (order rotated each round); medians with (min..max).`,
    "Wall time, peak RSS and CPU (user + system) are GNU time's for the whole process. MB/s counts message values (10⁶ bytes, uncompressed).",
    "First record: seconds from spawn to the first record on stdout, in a probe run of its own (stdout piped, killed after the first record) right after each measured run.",
    "The second table gives per-round ratios against kcat and against franz-go of the same round: msgs/s ours ÷ theirs (above 1 is faster); CPU s, peak RSS and first record ours ÷ theirs (above 1 costs more). CPU is the figure least moved by other load. ×plain is msgs/s against the plain @platformatic/kafka consumer.",
    "franz-go, kcat and the connector write JSON lines to /dev/null; the plain consumers only count.",
    "",
  ];
  const topics = [...new Set(r.rows.map((row) => row.topicLabel))];
  for (const topic of topics) {
    out.push(
      `### ${topic}`,
      "",
      "| consumer | msgs/s | MB/s | peak RSS MiB | CPU s | first record s |",
      "|---|---|---|---|---|---|",
    );
    const rows = r.rows.filter((x) => x.topicLabel === topic);
    for (const row of rows) {
      if (row.skipped) {
        out.push(`| ${row.contender} | n/a: ${row.skipped} | | | | |`);
        continue;
      }
      out.push(
        `| ${row.contender} | ${cell(row.msgsPerS)} | ${cell(row.mbPerS, 1)} | ${cell(row.peakRssMiB)} | ${cell(row.cpuS, 2)} | ${cell(row.firstS, 2)} |`,
      );
    }
    out.push(
      "",
      "| consumer | msgs/s ×kcat | ×franz-go | CPU ×kcat | ×franz-go | RSS ×kcat | ×franz-go | first record ×kcat | ×franz-go | msgs/s ×plain |",
      "|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const row of rows) {
      if (row.skipped) continue;
      const k = row.vsKcat;
      const f = row.vsFranzGo;
      out.push(
        `| ${row.contender} | ${ratio(k?.msgs)} | ${ratio(f?.msgs)} | ${ratio(k?.cpu)} | ${ratio(f?.cpu)} | ${ratio(k?.rss)} | ${ratio(f?.rss)} | ${ratio(k?.first)} | ${ratio(f?.first)} | ${ratio(row.vsPlain)} |`,
      );
    }
    out.push("");
  }
  if (r.latency) {
    const l = r.latency;
    out.push(
      "## Tail latency",
      "",
      `Kafka's Java producer (ProducerPerformance, linger.ms=0, acks=all) writes ${fmt(l.sent)} records of ~500 B JSON at ${l.rate}/s for ${l.seconds} s over 8 partitions, while both followers tail the topic at once, after a 5 s warm-up burst that is not counted.`,
      "Latency = arrival on the follower's stdout (stamped by the reading process) − the time the broker appended the record (the topic stamps LogAppendTime, so the producer's own delays are not counted; before 2026-11-30 the create time was used, and the producer's start-up set the p99).",
      "",
      "| follower | received | p50 ms | p90 ms | p99 ms | max ms |",
      "|---|---|---|---|---|---|",
      ...l.results.map(
        (x) => `| ${x.label} | ${fmt(x.received)} / ${fmt(l.sent)} | ${x.p50} | ${x.p90} | ${x.p99} | ${x.max} |`,
      ),
      "",
    );
  }
  if (!r.latency) out.push("## Tail latency", "", "Not measured in this run (`--skip-latency`).", "");
  if (r.memory) {
    const mem = r.memory;
    out.push(
      "## Memory over a 10× backlog",
      "",
      `One read each of \`${mem.topic}\` (${fmt(mem.records)} records, ${fmt(mem.records / mem.baseRecords)}× the throughput topic \`${mem.baseTopic}\`); peak RSS compared with the median of the ${fmt(mem.baseRecords)}-record runs above.`,
      "",
      "| consumer | msgs/s | peak RSS MiB | peak RSS at 1× (median) | ratio | CPU s |",
      "|---|---|---|---|---|---|",
      ...mem.rows.map(
        (x) =>
          `| ${x.label} | ${fmt(x.records / x.big.wallS)} | ${fmt(x.big.peakRssMiB)} | ${fmt(x.baseRssMiB)} | ${(x.big.peakRssMiB / x.baseRssMiB).toFixed(2)}× | ${fmt(x.big.cpuS, 1)} |`,
      ),
      "",
    );
  }
  if (!r.memory) out.push("## Memory over a 10× backlog", "", "Not measured in this run (`--skip-memory`).", "");
  return out.join("\n");
}
