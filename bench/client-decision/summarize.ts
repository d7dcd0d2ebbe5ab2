// Median and spread (min..max) per client+runtime from the JSON lines the bench scripts print.
// Usage: bun bench/client-decision/summarize.ts results.jsonl
import { readFileSync } from "node:fs";

type Row = {
  client: string;
  runtime: string;
  records: number;
  msgsPerSec: number;
  firstRecordMs: number;
  totalMs: number;
};
const rows: Row[] = readFileSync(process.argv[2] ?? "results.jsonl", "utf8")
  .split("\n")
  .filter((l) => l.startsWith("{"))
  .map((l) => JSON.parse(l));
const groups = Map.groupBy(rows, (r) => `${r.client} | ${r.runtime} | ${r.records} records`);
const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const fmt = (xs: number[]) => `${med(xs)} (${Math.min(...xs)}..${Math.max(...xs)})`;
console.log(
  "| client | runtime | records | runs | msgs/s median (min..max) | first record ms median (min..max) | total ms median (min..max) |",
);
console.log("|---|---|---|---|---|---|---|");
for (const [key, rs] of groups) {
  const [client, runtime, records] = key.split(" | ");
  console.log(
    `| ${client} | ${runtime} | ${records?.split(" ")[0]} | ${rs.length} | ${fmt(rs.map((r) => r.msgsPerSec))} | ${fmt(rs.map((r) => r.firstRecordMs))} | ${fmt(rs.map((r) => r.totalMs))} |`,
  );
}
