/**
 * The benchmark runs end to end on a tiny input against the test broker and writes a results table
 * with every row. No figure is checked: on a shared machine they mean nothing at this size.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrap } from "../support/broker.ts";

const root = join(import.meta.dir, "..", "..");

test(
  "the benchmark runs end to end on 2k records and reports every consumer, tail latency and memory",
  async () => {
    const scratch = mkdtempSync(join(tmpdir(), "bench-test-"));
    const out = join(scratch, "results.md");
    const child = Bun.spawn(
      [
        process.execPath,
        "bench/run.ts",
        "--tiny",
        "--bootstrap",
        await bootstrap(),
        "--binary",
        join(root, "dist", "source-kafka"),
        "--out",
        out,
      ],
      { cwd: root, stdout: "pipe", stderr: "pipe", env: { ...process.env, BENCH_KAFKA_DIR: scratch } },
    );
    const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    const table = code === 0 ? readFileSync(out, "utf8") : "";
    rmSync(scratch, { recursive: true, force: true });
    expect(code, stderr).toBe(0);
    const consumers = [
      "franz-go (Go, JSON lines)",
      "kcat -C -J",
      "plain @platformatic/kafka",
      "plain kafkajs",
      "source-kafka read, workers 1",
      "source-kafka read, workers 2",
      "source-kafka read, workers default",
    ];
    for (const topic of [
      "2,000 × ~500 B JSON, 8 partitions",
      "2,000 × 10 B JSON, 8 partitions",
      "2,000 × ~500 B JSON, 8 partitions, zstd",
    ]) {
      const [figures, ratios] = table.split(`### ${topic}\n`)[1]!.split("\n\n").slice(0, 2) as [string, string];
      const rowsOf = (section: string) =>
        section.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| consumer"));
      const rows = rowsOf(figures);
      expect(
        rows.map((row) =>
          row
            .split(" | ")[0]!
            .slice(2)
            .replace(/ \(\d+\)$/, ""),
        ),
      ).toEqual(consumers);
      for (const row of rows) {
        if (topic.endsWith("zstd") && row.startsWith("| plain kafkajs"))
          expect(row).toContain("n/a: no zstd codec in kafkajs");
        else expect(row).toMatch(/^\| [^|]+ \| [\d,]+ \([\d,]+\.\.[\d,]+\) \| .* \|$/);
      }
      // Every consumer that ran has its ratios against kcat and franz-go of the same round.
      for (const row of rowsOf(ratios))
        expect(row).toMatch(/^\| [^|]+ \| \*\*[\d.]+×\*\* .* \| \*\*[\d.]+×\*\* .* \|$/);
      expect(rowsOf(ratios).length).toBe(topic.endsWith("zstd") ? consumers.length - 1 : consumers.length);
      // franz-go, kcat and ours report a time to first record, as a ratio to franz-go's too.
      for (const row of rowsOf(ratios).filter((r) => !r.startsWith("| plain")))
        expect(row.split(" | ")[8]).toMatch(/^\*\*[\d.]+×\*\*/);
    }
    expect(table).toMatch(/\| kcat -C -J -u -o end \| 2,000 \/ 2,000 \| \d+ \| \d+ \| \d+ \| \d+ \|/);
    expect(table).toMatch(
      /\| source-kafka read --tail, workers default \(\d+\) \| 2,000 \/ 2,000 \| \d+ \| \d+ \| \d+ \| \d+ \|/,
    );
    expect(table).toMatch(/## Memory over a 10× backlog[\s\S]*\| kcat -C -J \| [\d,]+ \| [\d,]+ \|/);
    expect(table).toMatch(
      /## Memory over a 10× backlog[\s\S]*\| source-kafka read, workers default \(\d+\) \| [\d,]+ \| [\d,]+ \|/,
    );
  },
  { timeout: 600_000 },
);
